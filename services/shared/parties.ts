import { fileURLToPath } from 'node:url';
import type { JSONSchemaType } from 'ajv';
import { loadYamlFile } from './config-file.ts';
import { ConfigError } from './errors.ts';
import type { ProblemList } from './problem-list.ts';
import { clip } from './text-checks.ts';

export type Region = 'eu' | 'third' | 'eu-agency';

export interface Party {
  code: string;
  name: string;
  region: Region;
  parent?: string;
}

interface PartiesFile {
  parties: Party[];
}

/** ISO 3166-1 alpha-2, a sub-national ISO 3166-2 code such as DE-NW, or an agency name. */
export const PARTY_CODE_PATTERN = '^(?:[A-Z]{2}(?:-[A-Z0-9]{1,3})?|[A-Z]{3,12})$';

const schema: JSONSchemaType<PartiesFile> = {
  type: 'object',
  additionalProperties: false,
  required: ['parties'],
  properties: {
    parties: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['code', 'name', 'region'],
        properties: {
          code: { type: 'string', pattern: PARTY_CODE_PATTERN },
          name: { type: 'string', minLength: 1 },
          region: { type: 'string', enum: ['eu', 'third', 'eu-agency'] },
          parent: { type: 'string', nullable: true },
        },
      },
    },
  },
};

export const DEFAULT_PARTIES_FILE = fileURLToPath(new URL('../../config/parties.yaml', import.meta.url));

export function loadParties(file = DEFAULT_PARTIES_FILE): Party[] {
  const { parties } = loadYamlFile(file, schema);
  const codes = new Set<string>();
  parties.forEach((p, i) => {
    if (codes.has(p.code)) throw new ConfigError(`${file}: parties[${i}].code: "${p.code}" is listed twice`);
    codes.add(p.code);
  });
  parties.forEach((p, i) => {
    if (p.parent !== undefined && !codes.has(p.parent)) {
      throw new ConfigError(`${file}: parties[${i}].parent: "${p.parent}" is not a listed party`);
    }
  });
  return parties;
}

/**
 * A list of party codes (recipients, forwarding destinations): known parties, each once,
 * never `self`; so never longer than the other parties.
 */
export function partyListProblems(path: string, codes: readonly string[], known: { has(code: string): boolean }, self: string | null, problems: ProblemList): void {
  const seen = new Set<string>();
  codes.forEach((code, i) => {
    if (!known.has(code)) problems.add(`${path}[${i}]: "${clip(code, 12)}" is not a known party`);
    else if (code === self) problems.add(`${path}[${i}]: "${code}" is the sender's own country`);
    else if (seen.has(code)) problems.add(`${path}[${i}]: "${code}" listed twice`);
    seen.add(code);
  });
}
