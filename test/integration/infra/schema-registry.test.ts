import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ContractRegistry } from '../../../services/shared/registry.ts';
import { topics } from '../../../services/shared/topology.ts';
import { notice } from '../../fixtures/notices.ts';
import { adminKafka, connection, unique } from '../../support/clients.ts';

const seizureSchema = {
  type: 'record',
  name: 'Seizure',
  namespace: 'eu.liaison.test',
  fields: [
    { name: 'substance', type: 'string' },
    { name: 'kilograms', type: 'double' },
    { name: 'port', type: 'string' },
  ],
};

describe('Confluent wire format through the registry and the broker', () => {
  const admin = adminKafka().admin();
  const topic = unique('test.seizures');

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  });
  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  });

  it('registers an Avro schema, produces a record in the wire format, consumes and decodes it', async () => {
    const registry = new SchemaRegistry({ host: connection().registryUrl });
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(seizureSchema) },
      { subject: `${topic}-value` },
    );
    expect(id).toBeGreaterThan(0);

    const value = await registry.encode(id, { substance: 'cocaine', kilograms: 1250.5, port: 'BEANR' });
    // Confluent wire format: magic byte 0, then the schema id as a big-endian int32.
    expect(value[0]).toBe(0);
    expect(value.readInt32BE(1)).toBe(id);

    const kafka = adminKafka();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'case-ANR-2026-0042', value }] });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: unique('test-group') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = await new Promise<Buffer>((resolve) => {
      void consumer.run({ eachMessage: async ({ message }) => resolve(message.value as Buffer) });
    });
    await consumer.disconnect();

    expect(await registry.decode(received)).toEqual({ substance: 'cocaine', kilograms: 1250.5, port: 'BEANR' });
  });

  it('refuses a record whose schema id the registry does not know', async () => {
    const registry = new SchemaRegistry({ host: connection().registryUrl });
    const bogus = Buffer.concat([Buffer.from([0]), Buffer.from([0x7f, 0xff, 0xff, 0xf0]), Buffer.from('junk')]);
    await expect(registry.decode(bogus)).rejects.toThrow();
  });

  it('parses each schema once: decoding a record again builds no Avro type and no resolver', async () => {
    const contracts = new ContractRegistry(connection().registryUrl);
    const value = await contracts.encode(topics.outbox('BE'), 'notice', notice());
    const first = await contracts.decode(value, 'notice');
    expect(contracts.resolversBuilt).toBe(1);
    const forSchema = vi.spyOn(avro.Type, 'forSchema');
    const createResolver = vi.spyOn(avro.Type.prototype, 'createResolver');
    try {
      for (let i = 0; i < 200; i += 1) expect(await contracts.decode(value, 'notice')).toEqual(first);
      expect(forSchema).not.toHaveBeenCalled();
      expect(createResolver).not.toHaveBeenCalled();
      expect(contracts.resolversBuilt).toBe(1);
    } finally {
      forSchema.mockRestore();
      createResolver.mockRestore();
    }
  });

  it('encodes exactly as the Confluent client does, into buffers of their own, whatever the size', async () => {
    const contracts = new ContractRegistry(connection().registryUrl);
    const confluent = new SchemaRegistry({ host: connection().registryUrl });
    const small = notice();
    // Beyond the 64 KB the encoder starts with, so that it grows while encoding.
    const large = notice({ summary: 'Container MSCU 123456-7 in Antwerpen, 1,250 kg. '.repeat(3_000) });
    const first = await contracts.encode(topics.outbox('BE'), 'notice', large);
    const second = await contracts.encode(topics.outbox('BE'), 'notice', small);
    const id = first.readInt32BE(1);
    expect(first.length).toBeGreaterThan(128 * 1024);
    expect(first.equals(await confluent.encode(id, large))).toBe(true);
    expect(second.equals(await confluent.encode(id, small))).toBe(true);
    // The first record's bytes are its own: encoding the second did not write over them.
    expect(await contracts.decode(first, 'notice')).toEqual(await contracts.decode(await confluent.encode(id, large), 'notice'));
    await expect(contracts.encode(topics.outbox('BE'), 'notice', { ...small, caseRef: 42 } as never)).rejects.toThrow(/notice does not match its schema at caseRef/);
  });
});
