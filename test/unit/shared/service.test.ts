import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, ConfigError, DecodeError, decisionOf, ERRORS, LiaisonError, RegistryUnavailableError } from '../../../services/shared/errors.ts';
import { apiKeysFor, exitCodeOf } from '../../../services/shared/service.ts';

describe('one error model: the code carries the decision', () => {
  it('gives each error class the decision of its code, and nothing to errors it does not know', () => {
    expect(decisionOf(new ConfigError('agreements.yaml: bad'))).toBe('stop');
    expect(decisionOf(new RegistryUnavailableError('connect ECONNREFUSED'))).toBe('retry');
    expect(decisionOf(new DecodeError('not Avro'))).toBe('dead-letter');
    expect(decisionOf(new ApiError(404, 'not-found', ['noticeId: unknown']))).toBe('reject');
    expect(decisionOf(new Error('anything else'))).toBeNull();
    for (const [code, decision] of Object.entries(ERRORS)) expect(new LiaisonError(code as keyof typeof ERRORS, 'x').decision).toBe(decision);
  });

  it('exits 2 for what a restart cannot mend (configuration), 1 for anything else', () => {
    expect(exitCodeOf(new ConfigError('LIAISON_API_KEYS: unreadable'))).toBe(2);
    expect(exitCodeOf(new RegistryUnavailableError('down'))).toBe(1);
    expect(exitCodeOf(new Error('crash'))).toBe(1);
  });
});

describe('apiKeysFor', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('refuses to mint its own keys outside the embedded stack, and names the option', () => {
    vi.stubEnv('KAFKA_BROKERS', 'kafka-1.example:9093');
    expect(() => apiKeysFor(undefined, ['BE'], new Registry())).toThrow(/--api-keys \(LIAISON_API_KEYS\): required outside the embedded stack/);
  });

  it('names the file it cannot read', () => {
    expect(() => apiKeysFor('/nonexistent/api-keys.json', ['BE'], new Registry())).toThrow(/\/nonexistent\/api-keys\.json/);
  });
});
