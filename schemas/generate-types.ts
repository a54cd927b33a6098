/**
 * Generates services/shared/generated/contract-types.ts from the .avsc files, so the TypeScript types
 * never drift from the contract. Run `npm run schemas:types`; a unit test fails when the
 * committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { toTypeScript } from '@ovotech/avro-ts';
import { loadContract } from '../services/shared/contract.ts';

export const TYPES_FILE = fileURLToPath(new URL('../services/shared/generated/contract-types.ts', import.meta.url));

export function generateTypes(): string {
  const header = '// Generated from schemas/*.avsc by schemas/generate-types.ts. Do not edit.\n';
  return header + toTypeScript(loadContract().union as never).replace(/^\/\*.*\*\/\n/m, '');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(TYPES_FILE, generateTypes());
  console.log(`wrote ${TYPES_FILE}`);
}
