import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { createKafka } from '../../../services/shared/kafka.ts';
import { topics } from '../../../services/shared/topology.ts';
import { adminKafka, connection, partyKafka, unique } from '../../support/clients.ts';

// kafkajs's table of broker error codes: non-retriable wrappers keep only the broker's message.
const { errorCodes } = createRequire(import.meta.url)('kafkajs/src/protocol/error.js') as {
  errorCodes: { type: string; message: string }[];
};

/** The broker's error type (TOPIC_AUTHORIZATION_FAILED, ...) a kafkajs call fails with, else the error's name. */
async function failureOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const e = error as { type?: string; name?: string; message?: string };
    return e.type ?? errorCodes.find((c) => c.message === e.message)?.type ?? e.name ?? String(error);
  }
  return 'no error';
}

describe('broker security: SASL/SCRAM and per-country ACLs', () => {
  const consumers: Consumer[] = [];
  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect()));
  });

  it('refuses a wrong password', async () => {
    const nl = connection().credentials.parties.NL!;
    const kafka = createKafka({ connection: connection(), credentials: { username: nl.username, password: 'not-the-password' }, clientId: 'test-wrong-password' });
    const admin = kafka.admin({ retry: { retries: 0 } });
    expect(await failureOf(admin.connect())).toBe('KafkaJSSASLAuthenticationError');
  });

  it('refuses an unknown principal', async () => {
    const kafka = createKafka({ connection: connection(), credentials: { username: 'country-XX', password: 'guess' }, clientId: 'test-unknown' });
    expect(await failureOf(kafka.admin({ retry: { retries: 0 } }).connect())).toBe('KafkaJSSASLAuthenticationError');
  });

  it('does not let NL write to the Belgian outbox (origin cannot be spoofed)', async () => {
    const producer = partyKafka('NL').producer({ retry: { retries: 0 } });
    await producer.connect();
    try {
      const failure = await failureOf(producer.send({ topic: topics.outbox('BE'), messages: [{ value: 'spoofed' }] }));
      expect(failure).toBe('TOPIC_AUTHORIZATION_FAILED');
    } finally {
      await producer.disconnect();
    }
  });

  it('does not let NL read the Belgian inbox', async () => {
    const consumer = partyKafka('NL').consumer({ groupId: `liaison.NL.${unique('test')}`, retry: { retries: 0 } });
    consumers.push(consumer);
    await consumer.connect();
    expect(await failureOf(consumer.subscribe({ topic: topics.inbox('BE'), fromBeginning: true }))).toBe('TOPIC_AUTHORIZATION_FAILED');
  });

  it('does not let NL use a consumer group outside its own prefix', async () => {
    // kafkajs reports a refused FindCoordinator only as "coordinator not found"; the broker's
    // own error code is in its debug log, which this client captures.
    const brokerErrors: string[] = [];
    const nl = connection().credentials.parties.NL!;
    const kafka = new Kafka({
      clientId: unique('test-NL-group'),
      brokers: connection().brokers,
      sasl: { mechanism: 'scram-sha-512', username: nl.username, password: nl.password },
      logLevel: logLevel.DEBUG,
      logCreator: () => ({ log }) => {
        const type = (log.error as { type?: string } | undefined)?.type;
        if (type) brokerErrors.push(type);
      },
    });
    const consumer = kafka.consumer({ groupId: `liaison.BE.${unique('test')}`, retry: { retries: 0 } });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: topics.inbox('NL'), fromBeginning: true });
    const crashed = new Promise<string>((resolve) => {
      consumer.on(consumer.events.CRASH, ({ payload }) => resolve(payload.error.name));
    });
    await consumer.run({ eachMessage: async () => {} });
    expect(await crashed).toBe('KafkaJSGroupCoordinatorNotFound');
    expect(brokerErrors).toContain('GROUP_AUTHORIZATION_FAILED');
  });

  it('lets NL write its own outbox and read its own inbox', async () => {
    const marker = randomUUID();
    const producer = partyKafka('NL').producer({ idempotent: true });
    await producer.connect();
    await producer.send({ topic: topics.outbox('NL'), messages: [{ key: marker, value: 'from NL' }] });
    await producer.disconnect();

    // Only the gateway (admin principal) writes inboxes.
    const gateway = adminKafka().producer();
    await gateway.connect();
    await gateway.send({ topic: topics.inbox('NL'), messages: [{ key: marker, value: `copy ${marker}` }] });
    await gateway.disconnect();

    const consumer = partyKafka('NL').consumer({ groupId: `liaison.NL.${unique('test')}` });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: topics.inbox('NL'), fromBeginning: true });
    const value = await new Promise<string>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          if (message.key?.toString() === marker) resolve(message.value!.toString());
        },
      });
    });
    expect(value).toBe(`copy ${marker}`);
  });
});
