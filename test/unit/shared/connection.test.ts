import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConnection } from '../../../services/shared/connection.ts';

describe('resolveConnection', () => {
  it('takes an existing cluster from the environment', () => {
    const connection = resolveConnection({
      KAFKA_BROKERS: 'kafka-1:9093, kafka-2:9093',
      SCHEMA_REGISTRY_URL: 'https://registry.example:8081',
      KAFKA_USERNAME: 'liaison-gateway',
      KAFKA_PASSWORD: 's3cret',
      KAFKA_SSL: 'true',
    });
    expect(connection).toMatchObject({
      brokers: ['kafka-1:9093', 'kafka-2:9093'],
      registryUrl: 'https://registry.example:8081',
      ssl: true,
      mechanism: 'scram-sha-512',
      credentials: { admin: { username: 'liaison-gateway', password: 's3cret' } },
    });
  });

  it('names the missing setting', () => {
    expect(() => resolveConnection({ KAFKA_BROKERS: 'k:9092' })).toThrow('SCHEMA_REGISTRY_URL: required when KAFKA_BROKERS is set');
    expect(() => resolveConnection({ KAFKA_BROKERS: 'k:9092', SCHEMA_REGISTRY_URL: 'http://r' })).toThrow(/KAFKA_USERNAME and KAFKA_PASSWORD/);
    expect(() => resolveConnection({ KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow('KAFKA_SASL_MECHANISM: "gssapi" is not one of');
  });

  it('tells how to start the embedded stack when nothing is configured', () => {
    const home = mkdtempSync(join(tmpdir(), 'liaison-'));
    expect(() => resolveConnection({ LIAISON_HOME: home })).toThrow(/make up/);
  });

  it('reads the embedded stack state that `make up` leaves', () => {
    const home = mkdtempSync(join(tmpdir(), 'liaison-'));
    const credentialsFile = join(home, 'credentials.json');
    writeFileSync(credentialsFile, JSON.stringify({ admin: { username: 'liaison-admin', password: 'a' }, parties: { BE: { username: 'country-BE', password: 'b' } } }));
    writeFileSync(join(home, 'stack.json'), JSON.stringify({ brokers: ['127.0.0.1:19092'], registryUrl: 'http://127.0.0.1:18081/apis/ccompat/v7', credentialsFile }));
    const connection = resolveConnection({ LIAISON_HOME: home });
    expect(connection.brokers).toEqual(['127.0.0.1:19092']);
    expect(connection.credentials.parties.BE?.username).toBe('country-BE');
  });
});
