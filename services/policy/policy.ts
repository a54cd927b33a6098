/**
 * The policy as data: the agreements (config/agreements.yaml) and the parties, validated at
 * start-up, with a version (content hash) recorded on every decision.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { JSONSchemaType } from 'ajv';
import type avro from 'avsc';
import { loadYamlFile } from '../shared/config-file.ts';
import type { EuLiaison } from '../shared/generated/contract-types.ts';
import { type DataProtectionTag, dataProtectionTags, loadContract, untaggedFields } from '../shared/contract.ts';
import { ConfigError } from '../shared/errors.ts';
import { DEFAULT_PARTIES_FILE, loadParties, type Party } from '../shared/parties.ts';
import { DEFAULT_LIMITS_FILE, loadLimits, RecordBounds } from './notice-bounds.ts';

export type Classification = EuLiaison.Classification;
export type SubjectRole = EuLiaison.SubjectRole;
export type CrimeArea = EuLiaison.CrimeArea;

export interface Agreement {
  id: string;
  name: string;
  members: string[];
  crimeAreas: CrimeArea[] | 'all';
  classificationCeiling: Classification;
  personalDataRoles: SubjectRole[];
  specialCategories: boolean;
  thirdCountryTransfer?: 'safeguards' | 'derogation';
  retentionDays: number;
  onBehalfOf?: boolean;
  /** The agreement carries notices only towards these members (a copy to Europol is not a route between states). */
  onlyTowards?: string[];
  /**
   * Members may publish keyed pseudonyms of identifiers they hold and ask whether another member
   * holds one (the hit/no-hit index, services/policy/hit-index.ts). EU/EEA members only, and only
   * where the agreement lets personal data travel.
   */
  hitIndex?: boolean;
}

export interface Policy {
  agreements: Agreement[];
  parties: Map<string, Party>;
  /** Tags of the notice schema's leaves: `subjects[].familyName` → identifier. */
  tags: Map<string, DataProtectionTag>;
  /** Leaves the schema does not tag: treated as identifiers and scanned as free text (fail closed). */
  untagged: ReadonlySet<string>;
  /** Bounds on every string, array and number of a notice (config/limits.yaml). */
  bounds: RecordBounds;
  /** sha256 over the agreements, parties and limits files, first 16 hex digits. */
  version: string;
}

interface AgreementsFile {
  agreements: Array<Omit<Agreement, 'crimeAreas' | 'classificationCeiling' | 'personalDataRoles'> & {
    crimeAreas: string[] | 'all';
    classificationCeiling: string;
    personalDataRoles: string[];
  }>;
}

const schema: JSONSchemaType<AgreementsFile> = {
  type: 'object',
  additionalProperties: false,
  required: ['agreements'],
  properties: {
    agreements: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'name', 'members', 'crimeAreas', 'classificationCeiling', 'personalDataRoles', 'specialCategories', 'retentionDays'],
        properties: {
          id: { type: 'string', pattern: '^[a-z0-9-]+$' },
          name: { type: 'string', minLength: 1 },
          members: { type: 'array', items: { type: 'string' }, minItems: 2, uniqueItems: true },
          crimeAreas: {
            anyOf: [
              { type: 'string', const: 'all' },
              { type: 'array', items: { type: 'string' }, minItems: 1, uniqueItems: true },
            ],
          } as never,
          classificationCeiling: { type: 'string' },
          personalDataRoles: { type: 'array', items: { type: 'string' }, uniqueItems: true },
          specialCategories: { type: 'boolean' },
          thirdCountryTransfer: { type: 'string', enum: ['safeguards', 'derogation'], nullable: true },
          retentionDays: { type: 'integer', minimum: 1, maximum: 36500 },
          onBehalfOf: { type: 'boolean', nullable: true },
          onlyTowards: { type: 'array', items: { type: 'string' }, minItems: 1, nullable: true },
          hitIndex: { type: 'boolean', nullable: true },
        },
      },
    },
  },
};

export const DEFAULT_AGREEMENTS_FILE = fileURLToPath(new URL('../../config/agreements.yaml', import.meta.url));

function enumSymbols(type: avro.Type, path: string[]): string[] {
  let t = type as avro.Type & { symbols?: string[]; itemsType?: avro.Type; field?: (name: string) => { type: avro.Type } };
  for (const name of path) {
    t = (t as avro.types.RecordType).field(name)!.type as typeof t;
    if (t.itemsType) t = t.itemsType as typeof t;
  }
  return t.symbols ?? [];
}

/** Ordered from least to most restricted; a ceiling admits its own level and those before it. */
export const CLASSIFICATIONS: readonly Classification[] = ['UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET'];

export function loadPolicy(agreementsFile = DEFAULT_AGREEMENTS_FILE, partiesFile = DEFAULT_PARTIES_FILE, limitsFile = DEFAULT_LIMITS_FILE): Policy {
  const parties = new Map(loadParties(partiesFile).map((p) => [p.code, p]));
  const { agreements } = loadYamlFile(agreementsFile, schema);
  const notice = loadContract().types.notice;
  const crimeAreas = enumSymbols(notice, ['crimeAreas']);
  const roles = enumSymbols(notice, ['subjects', 'role']);
  const ids = new Set<string>();

  agreements.forEach((a, i) => {
    const at = (field: string) => `${agreementsFile}: agreements[${i}] (${a.id}).${field}`;
    if (ids.has(a.id)) throw new ConfigError(`${at('id')}: "${a.id}" is used twice`);
    ids.add(a.id);
    a.members.forEach((m, j) => {
      if (!parties.has(m)) throw new ConfigError(`${at(`members[${j}]`)}: "${m}" is not a party in ${partiesFile}`);
    });
    if (a.crimeAreas !== 'all') {
      a.crimeAreas.forEach((c, j) => {
        if (!crimeAreas.includes(c)) throw new ConfigError(`${at(`crimeAreas[${j}]`)}: "${c}" is not a crime area of the notice schema`);
      });
    }
    if (!CLASSIFICATIONS.includes(a.classificationCeiling as Classification)) {
      throw new ConfigError(`${at('classificationCeiling')}: "${a.classificationCeiling}" is not one of ${CLASSIFICATIONS.join(', ')}`);
    }
    a.personalDataRoles.forEach((r, j) => {
      if (!roles.includes(r)) throw new ConfigError(`${at(`personalDataRoles[${j}]`)}: "${r}" is not a data-subject role`);
    });
    (a.onlyTowards ?? []).forEach((m, j) => {
      if (!a.members.includes(m)) throw new ConfigError(`${at(`onlyTowards[${j}]`)}: "${m}" is not a member of the agreement`);
    });
    // Guard rails: refuse policy that would break rules 3, 4 and 5 whatever the notices say.
    const third = a.members.filter((m) => parties.get(m)?.region === 'third');
    if (third.length > 0) {
      if (!a.thirdCountryTransfer) {
        throw new ConfigError(`${at('thirdCountryTransfer')}: required, ${third.join(', ')} ${third.length > 1 ? 'are' : 'is'} outside the EU/EEA (rule 5: safeguards or derogation)`);
      }
      if (a.specialCategories) throw new ConfigError(`${at('specialCategories')}: must be false, special categories never go to a third country (rule 3)`);
      const forbidden = a.personalDataRoles.filter((r) => r !== 'SUSPECT');
      if (forbidden.length > 0) {
        throw new ConfigError(`${at('personalDataRoles')}: ${forbidden.join(', ')} not allowed, a third country receives personal data of suspects only (rules 4 and 5)`);
      }
    } else if (a.thirdCountryTransfer) {
      throw new ConfigError(`${at('thirdCountryTransfer')}: set, but no member is a third country`);
    }
    // A hit tells the asker that a member holds an identifier: personal data, so only where it may travel.
    if (a.hitIndex) {
      if (third.length > 0) throw new ConfigError(`${at('hitIndex')}: not allowed, ${third.join(', ')} ${third.length > 1 ? 'are' : 'is'} outside the EU/EEA (a hit discloses that a member holds an identifier)`);
      if (a.personalDataRoles.length === 0) throw new ConfigError(`${at('hitIndex')}: not allowed, the agreement carries no personal data (personalDataRoles is empty)`);
      if (a.onlyTowards) throw new ConfigError(`${at('hitIndex')}: not allowed with onlyTowards (the index is shared by all members alike)`);
    }
  });

  const bounds = new RecordBounds(loadContract().schemas.notice, loadLimits(limitsFile));
  const version = createHash('sha256').update(readFileSync(agreementsFile)).update(readFileSync(partiesFile)).update(readFileSync(limitsFile)).digest('hex').slice(0, 16);
  const noticeSchema = loadContract().schemas.notice;
  return { agreements: agreements as Agreement[], parties, tags: dataProtectionTags(noticeSchema), untagged: new Set(untaggedFields(noticeSchema)), bounds, version };
}

/** The agreements with a hit/no-hit index: each has its topic, liaison.index.<id>. */
export const indexedAgreements = (policy: Pick<Policy, 'agreements'>): string[] => policy.agreements.filter((a) => a.hitIndex === true).map((a) => a.id);
