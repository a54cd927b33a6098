/**
 * Rule 8: one secret HMAC key per agreement, from a JSON file outside the repository
 * ({ "<agreement id>": "<base64, at least 32 bytes>" }). The embedded stack generates its own
 * file in the data folder; elsewhere the file is required.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ConfigError } from '../shared/errors.ts';
import type { PseudonymKey } from './engine.ts';

const MIN_KEY_BYTES = 32;

export function loadPseudonymKeys(file: string, agreementIds: readonly string[], options: { generateMissing: boolean }): PseudonymKey {
  let stored: Record<string, string> = {};
  if (existsSync(file)) {
    try {
      stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    } catch (cause) {
      throw new ConfigError(`${file}: not valid JSON`, { cause });
    }
  } else if (!options.generateMissing) {
    throw new ConfigError(`${file}: the pseudonym key file does not exist (set LIAISON_PSEUDONYM_KEYS)`);
  }
  const missing = agreementIds.filter((id) => !stored[id]);
  if (missing.length > 0) {
    if (!options.generateMissing) throw new ConfigError(`${file}: no pseudonym key for ${missing.join(', ')}`);
    for (const id of missing) stored[id] = randomBytes(MIN_KEY_BYTES).toString('base64');
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  const keys = new Map<string, Buffer>();
  for (const [id, encoded] of Object.entries(stored)) {
    const key = Buffer.from(encoded, 'base64');
    if (key.length < MIN_KEY_BYTES) throw new ConfigError(`${file}: the key of ${id} is shorter than ${MIN_KEY_BYTES} bytes`);
    keys.set(id, key);
  }
  return (agreementId) => {
    const key = keys.get(agreementId);
    // Thrown inside the policy engine: the destination is blocked (rule 9).
    if (!key) throw new ConfigError(`no pseudonym key for agreement ${agreementId}`);
    return key;
  };
}
