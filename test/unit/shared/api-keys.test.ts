import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiKeys, apiKeyFiles, ensureLocalApiKeys, hashToken, localToken, newToken } from '../../../services/shared/api-keys.ts';

describe('API keys', () => {
  it('identifies a caller by the hash of its token only', () => {
    const token = newToken();
    const keys = new ApiKeys([{ id: 'nl-officer-1', country: 'NL', role: 'officer', sha256: hashToken(token) }]);
    expect(keys.identify(token)).toEqual({ id: 'nl-officer-1', country: 'NL', role: 'officer' });
    expect(keys.identify(`${token}x`)).toBeUndefined();
    expect(token).toMatch(/^lia_[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a keys file with a bad entry, naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'liaison-keys-'));
    const file = join(dir, 'keys.json');
    writeFileSync(file, JSON.stringify({ keys: [{ id: 'x', country: 'NL', role: 'admin', sha256: 'abc' }] }));
    expect(() => ApiKeys.load(file)).toThrow(/keys\[0\]\.role: must be equal to one of the allowed values.*keys\[0\]\.sha256: must match pattern/);
  });

  it('issues the embedded stack one token per country and role, hashed for the services, once', () => {
    const home = mkdtempSync(join(tmpdir(), 'liaison-home-'));
    ensureLocalApiKeys(home, ['BE', 'NL']);
    const files = apiKeyFiles(home);
    const first = readFileSync(files.tokens, 'utf8');
    ensureLocalApiKeys(home, ['BE', 'NL']);
    expect(readFileSync(files.tokens, 'utf8')).toBe(first);
    expect(statSync(files.tokens).mode & 0o777).toBe(0o600);
    const keys = ApiKeys.load(files.hashes);
    expect(keys.identify(localToken(home, 'NL', 'dpo'))).toEqual({ id: 'nl-dpo', country: 'NL', role: 'dpo' });
    expect(readFileSync(files.hashes, 'utf8')).not.toContain(localToken(home, 'NL', 'dpo'));
    expect(() => localToken(home, 'FR', 'officer')).toThrow(/no officer token for "FR"/);
  });
});
