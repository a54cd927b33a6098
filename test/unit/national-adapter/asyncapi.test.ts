/**
 * The AsyncAPI document of the topics is valid AsyncAPI 3 (the AsyncAPI parser, with its Avro
 * schema parser validating every payload schema), and says what the topology says: one channel
 * per per-party topic, who sends and who receives, every record the topic carries.
 */
import { AvroSchemaParser } from '@asyncapi/avro-schema-parser';
import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { buildAsyncApi } from '../../../services/national-adapter/asyncapi.ts';
import { loadContract } from '../../../services/shared/contract.ts';
import { loadParties } from '../../../services/shared/parties.ts';

const document = buildAsyncApi(loadContract(), loadParties(), { brokers: ['kafka-1.liaison.example:9093', 'kafka-2.liaison.example:9093'], registryUrl: 'https://registry.liaison.example/apis/ccompat/v7', version: 'test', ssl: true });

describe('the AsyncAPI document', () => {
  it('is valid AsyncAPI 3, payload schemas included', async () => {
    const parser = new Parser();
    parser.registerSchemaParser(AvroSchemaParser());
    const { document: parsed, diagnostics } = await parser.parse(JSON.stringify(document));
    const errors = diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join('.')}: ${d.message}`);
    expect(errors).toEqual([]);
    expect(parsed).toBeDefined();
    expect(parsed!.version()).toBe('3.0.0');
    expect(parsed!.channels().all().map((c) => c.address()).sort()).toEqual(['liaison.inbox.{country}', 'liaison.outbox.{country}', 'liaison.reports.{country}']);
  });

  it('publishes to the outbox and receives from the inbox and reports, with the records each carries', () => {
    const ops = document.operations as Record<string, { action: string; channel: { $ref: string }; messages: Array<{ $ref: string }> }>;
    expect(Object.values(ops).map((o) => `${o.action} ${o.channel.$ref} ${o.messages.map((m) => m.$ref.split('/').pop()).join(',')}`).sort()).toEqual([
      'receive #/channels/inbox noticeCopy,forwardingPermission',
      'receive #/channels/reports deliveryReport,receipt',
      'send #/channels/outbox notice,receipt,forwardingPermission',
    ]);
    const parameters = (document.channels as Record<string, { parameters: { country: { enum: string[] } } }>).outbox!.parameters.country.enum;
    expect(parameters).toEqual(loadParties().map((p) => p.code));
  });
});
