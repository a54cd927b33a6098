/**
 * The member's side of the hit/no-hit index, as the `liaison index` commands run it: the
 * agreements' index keys (a file of the member's own, never given to Liaison) and the hashing of
 * identifiers before anything leaves the member's machine. A national system that speaks HTTP
 * only does the same with `normaliseIdentifier` and `indexHash` (services/policy/hit-index.ts).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { INDEX_KEY_BYTES, indexHash, type IndexedType, newIndexKey, normaliseIdentifier } from '../policy/index.ts';
import { liaisonHome } from '../shared/connection.ts';
import { LiaisonError } from '../shared/errors.ts';

/** `{ "<agreement>": { "epoch": 1, "key": "<base64, 32 bytes>" } }`, mode 0600. */
export type IndexKeyFile = Record<string, { epoch: number; key: string }>;

/** $LIAISON_INDEX_KEYS, else the embedded stack's file (one machine plays every member there). */
export const defaultIndexKeyFile = (): string => process.env.LIAISON_INDEX_KEYS ?? join(liaisonHome(), 'index-keys.json');

export function readIndexKeys(file: string): IndexKeyFile {
  if (!existsSync(file)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new LiaisonError('LIAISON_INPUT', `${file}: not valid JSON`, { cause });
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new LiaisonError('LIAISON_INPUT', `${file}: expected { "<agreement>": { "epoch": n, "key": "<base64>" } }`);
  for (const [agreement, entry] of Object.entries(parsed as Record<string, unknown>)) {
    const e = entry as { epoch?: unknown; key?: unknown };
    if (!Number.isInteger(e?.epoch) || (e.epoch as number) < 0 || typeof e.key !== 'string' || Buffer.from(e.key, 'base64').length < INDEX_KEY_BYTES) {
      throw new LiaisonError('LIAISON_INPUT', `${file}: ${agreement}: needs an integer epoch ≥ 0 and a base64 key of at least ${INDEX_KEY_BYTES} bytes`);
    }
  }
  return parsed as IndexKeyFile;
}

/**
 * Makes the agreement's key (epoch 1), or with `rotate` its next one (epoch + 1). An existing key
 * is never replaced silently: the members' hashes would stop matching.
 */
export function makeIndexKey(file: string, agreement: string, rotate: boolean): { epoch: number; rotated: boolean } {
  const keys = readIndexKeys(file);
  const current = keys[agreement];
  if (current && !rotate) throw new LiaisonError('LIAISON_INPUT', `${file}: ${agreement} has a key already (epoch ${current.epoch}); --rotate makes the next one`);
  const epoch = current ? current.epoch + 1 : 1;
  keys[agreement] = { epoch, key: newIndexKey() };
  writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  return { epoch, rotated: current !== undefined };
}

export interface HashedIdentifier {
  /** The identifier as given: stays on this machine (printed locally, never sent). */
  value: string;
  identifierType: IndexedType;
  hash: string;
}

/** Normalises and hashes every value; all problems at once, by position (never repeating the value). */
export function hashIdentifiers(keys: IndexKeyFile, agreement: string, type: IndexedType, values: readonly string[]): { keyEpoch: number; hashed: HashedIdentifier[] } {
  const entry = keys[agreement];
  if (!entry) throw new LiaisonError('LIAISON_INPUT', `no index key for ${agreement}: get the agreement's key from its members (or make the first one: liaison index keygen --agreement ${agreement})`);
  const key = Buffer.from(entry.key, 'base64');
  const problems: string[] = [];
  const hashed: HashedIdentifier[] = [];
  values.forEach((value, i) => {
    const normalised = normaliseIdentifier(type, value);
    if ('problem' in normalised) problems.push(`identifier ${i + 1}: ${normalised.problem}`);
    else hashed.push({ value, identifierType: type, hash: indexHash(key, agreement, type, normalised.value) });
  });
  if (problems.length > 0) throw new LiaisonError('LIAISON_INPUT', problems.join('\n  '));
  return { keyEpoch: entry.epoch, hashed };
}
