import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConnection, serviceCredentials } from '../../../services/shared/connection.ts';
import { createKafka } from '../../../services/shared/kafka.ts';

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
    writeFileSync(credentialsFile, JSON.stringify({ admin: { username: 'liaison-admin', password: 'a' }, parties: { BE: { username: 'country-be', password: 'b' } } }));
    writeFileSync(join(home, 'stack.json'), JSON.stringify({ brokers: ['127.0.0.1:19092'], registryUrl: 'http://127.0.0.1:18081/apis/ccompat/v7', credentialsFile }));
    const connection = resolveConnection({ LIAISON_HOME: home });
    expect(connection.brokers).toEqual(['127.0.0.1:19092']);
    expect(connection.credentials.parties.BE?.username).toBe('country-be');
    // Written before the services had principals of their own: a service is told what to do.
    expect(() => serviceCredentials(connection, 'gateway')).toThrow(/no Kafka credentials for the gateway's principal liaison-gateway: .*make clean-stack/);
  });

  it('gives a service its own principal from a credentials folder, and KAFKA_USERNAME to whichever service runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'liaison-credentials-'));
    mkdirSync(join(dir, 'liaison-gateway'));
    writeFileSync(join(dir, 'liaison-gateway', 'password'), 'gw-pw');
    const fromDir = resolveConnection({ KAFKA_BROKERS: 'k:9092', SCHEMA_REGISTRY_URL: 'http://r', LIAISON_CREDENTIALS_DIR: dir });
    expect(serviceCredentials(fromDir, 'gateway')).toEqual({ username: 'liaison-gateway', password: 'gw-pw' });
    expect(() => createKafka({ connection: fromDir, credentials: serviceCredentials(fromDir, 'adapter'), clientId: 't' })).toThrow('no password for the Kafka principal liaison-adapter');
    const fromEnv = resolveConnection({ KAFKA_BROKERS: 'k:9092', SCHEMA_REGISTRY_URL: 'http://r', KAFKA_USERNAME: 'liaison-gateway', KAFKA_PASSWORD: 'pw' });
    expect(serviceCredentials(fromEnv, 'gateway')).toEqual({ username: 'liaison-gateway', password: 'pw' });
  });

  it('reads the principals’ passwords from one folder per principal (Strimzi secrets mounted as files)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'liaison-credentials-'));
    for (const [principal, password] of [['liaison-admin', 'admin-pw'], ['country-nl', 'nl-pw\n'], ['country-de-nw', 'nw-pw']]) {
      mkdirSync(join(dir, principal!));
      writeFileSync(join(dir, principal!, 'password'), password!);
    }
    const connection = resolveConnection({ KAFKA_BROKERS: 'liaison-kafka-bootstrap:9092', SCHEMA_REGISTRY_URL: 'http://registry:8080/apis/ccompat/v7', LIAISON_CREDENTIALS_DIR: dir });
    expect(connection.credentials.admin).toEqual({ username: 'liaison-admin', password: 'admin-pw' });
    expect(connection.credentials.parties.NL).toEqual({ username: 'country-nl', password: 'nl-pw' });
    expect(connection.credentials.parties['DE-NW']).toEqual({ username: 'country-de-nw', password: 'nw-pw' });
    // A principal this service was not given has no password; a client for it is refused by name.
    expect(connection.credentials.parties.BE).toEqual({ username: 'country-be', password: '' });
    expect(() => createKafka({ connection, credentials: connection.credentials.parties.BE!, clientId: 't' })).toThrow('no password for the Kafka principal country-be');
    expect(createKafka({ connection, credentials: connection.credentials.parties.NL!, clientId: 't' })).toBeDefined();
  });

  it('names a credentials folder that does not exist', () => {
    expect(() => resolveConnection({ KAFKA_BROKERS: 'k:9092', SCHEMA_REGISTRY_URL: 'http://r', LIAISON_CREDENTIALS_DIR: '/nonexistent/liaison' })).toThrow('LIAISON_CREDENTIALS_DIR: /nonexistent/liaison does not exist');
  });
});
