/** `liaison index`: the member's key file and the hashing done before anything is sent. */
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashIdentifiers, makeIndexKey, readIndexKeys } from '../../../services/cli/index-keys.ts';

const fileIn = () => join(mkdtempSync(join(tmpdir(), 'liaison-index-keys-')), 'index-keys.json');

describe('the index key file', () => {
  it('makes a key readable by its owner only, refuses to replace it silently, and rotates it to the next epoch', () => {
    const file = fileIn();
    expect(makeIndexKey(file, 'be-nl-cross-border', false)).toEqual({ epoch: 1, rotated: false });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const first = readIndexKeys(file)['be-nl-cross-border']!;
    expect(Buffer.from(first.key, 'base64')).toHaveLength(32);
    expect(() => makeIndexKey(file, 'be-nl-cross-border', false)).toThrow(/has a key already \(epoch 1\); --rotate/);
    expect(makeIndexKey(file, 'be-nl-cross-border', true)).toEqual({ epoch: 2, rotated: true });
    expect(readIndexKeys(file)['be-nl-cross-border']!.key).not.toBe(first.key);
  });

  it('refuses a key file with a short key or no epoch, naming the agreement', () => {
    const file = fileIn();
    writeFileSync(file, JSON.stringify({ 'be-nl-cross-border': { epoch: 1, key: Buffer.alloc(8).toString('base64') } }));
    expect(() => readIndexKeys(file)).toThrow(/be-nl-cross-border: needs an integer epoch ≥ 0 and a base64 key of at least 32 bytes/);
  });
});

describe('hashIdentifiers', () => {
  it('hashes every value with the agreement’s key and epoch, and lists every refused value by position only', () => {
    const file = fileIn();
    makeIndexKey(file, 'be-nl-cross-border', false);
    const keys = readIndexKeys(file);
    const { keyEpoch, hashed } = hashIdentifiers(keys, 'be-nl-cross-border', 'PHONE', ['0470 12 34 56', '+32 470 12 34 56']);
    expect(keyEpoch).toBe(1);
    expect(hashed[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashed[1]!.hash).toBe(hashed[0]!.hash);
    expect(() => hashIdentifiers(keys, 'be-nl-cross-border', 'IBAN', ['BE71 0961 2345 6769', 'BE00 1234', 'x'])).toThrow(/^identifier 2: not a valid IBAN.*\n\s+identifier 3: not a valid IBAN/s);
    expect(() => hashIdentifiers(keys, 'benelux-police-treaty', 'PHONE', ['0470 12 34 56'])).toThrow(/no index key for benelux-police-treaty/);
  });
});
