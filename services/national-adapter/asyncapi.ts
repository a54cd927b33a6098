/**
 * The AsyncAPI 3 document of the topics a national system uses when it speaks Kafka itself:
 * its outbox (it publishes notices, receipts and forwarding permissions), its inbox (it
 * subscribes to the copies and permissions the gateway delivers) and its reports (delivery
 * reports and recipients' receipts). Generated from the topology and the contract, like the
 * OpenAPI document, and served next to it at /asyncapi.json.
 */
import type { Contract, ContractName } from '../shared/contract.ts';
import type { Party } from '../shared/parties.ts';
import { principalOf, topics } from '../shared/topology.ts';

const AVRO = 'application/vnd.apache.avro;version=1.9.0';

export interface AsyncApiOptions {
  /** host:port of the brokers, as a national system reaches them. */
  brokers: string[];
  /** The schema registry (Confluent API) the records' schema ids refer to. */
  registryUrl: string;
  /** The policy version, as the document's version. */
  version: string;
  ssl: boolean;
}

/** Per-party topics: what the party does on each, and which records it carries. */
const CHANNELS = {
  outbox: {
    address: topics.outbox('{country}'),
    action: 'send',
    operation: 'publishToOutbox',
    summary: 'Notices, receipts and forwarding permissions of one party. Only that party’s principal may write it: the topic proves the origin.',
    messages: ['notice', 'receipt', 'forwardingPermission'],
  },
  inbox: {
    address: topics.inbox('{country}'),
    action: 'receive',
    operation: 'receiveFromInbox',
    summary: 'Filtered copies of notices for one party, and the forwarding permissions it was given. Written by the gateway only; read by that party only.',
    messages: ['noticeCopy', 'forwardingPermission'],
  },
  reports: {
    address: topics.reports('{country}'),
    action: 'receive',
    operation: 'receiveReports',
    summary: 'Per destination, what became of each notice the party sent (delivered, filtered, blocked, held, and why), and its recipients’ receipts.',
    messages: ['deliveryReport', 'receipt'],
  },
} as const satisfies Record<string, { address: string; action: 'send' | 'receive'; operation: string; summary: string; messages: readonly ContractName[] }>;

export function buildAsyncApi(contract: Contract, parties: readonly Party[], options: AsyncApiOptions): Record<string, unknown> {
  const codes = parties.map((p) => p.code);
  const names = [...new Set(Object.values(CHANNELS).flatMap((c) => c.messages))];
  const messages = Object.fromEntries(
    names.map((name) => [
      name,
      {
        name,
        title: String((contract.schemas[name] as { name?: string }).name ?? name),
        contentType: 'application/octet-stream',
        summary: String((contract.schemas[name] as { doc?: string }).doc ?? ''),
        payload: { schemaFormat: AVRO, schema: contract.schemas[name] },
        bindings: {
          kafka: {
            key: { type: 'string', description: 'the case reference (notices, copies, reports) or the notice id' },
            schemaIdLocation: 'payload',
            schemaIdPayloadEncoding: 'confluent',
            schemaLookupStrategy: 'TopicIdStrategy',
            bindingVersion: '0.5.0',
          },
        },
      },
    ]),
  );
  const channels = Object.fromEntries(
    Object.entries(CHANNELS).map(([key, c]) => [
      key,
      {
        address: c.address,
        description: c.summary,
        parameters: { country: { enum: codes, description: 'the party’s code (config/parties.yaml)' } },
        messages: Object.fromEntries(c.messages.map((m) => [m, { $ref: `#/components/messages/${m}` }])),
      },
    ]),
  );
  const operations = Object.fromEntries(
    Object.entries(CHANNELS).map(([key, c]) => [
      c.operation,
      {
        action: c.action,
        channel: { $ref: `#/channels/${key}` },
        summary: c.summary,
        description: `Allowed to the principal of the party named by {country} only (SASL/SCRAM user ${principalOf('{country}')}); consumer groups and transactional ids of that party start with liaison.{country}.`,
        security: [{ $ref: '#/components/securitySchemes/scram' }],
        messages: c.messages.map((m) => ({ $ref: `#/channels/${key}/messages/${m}` })),
      },
    ]),
  );
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Liaison topics for national systems',
      version: options.version,
      description:
        'The Kafka topics a national contact point’s system reads and writes. Records are Avro in the Confluent wire format (magic byte 0, the schema id, the body); ' +
        `schemas are in the registry at ${options.registryUrl} under the subject <topic>-value (records sharing a topic: <topic>-<record name>). ` +
        'Every principal sees only its own country’s topics.',
    },
    defaultContentType: 'application/octet-stream',
    servers: Object.fromEntries(
      options.brokers.map((host, i) => [
        `broker${i + 1}`,
        { host, protocol: options.ssl ? 'kafka-secure' : 'kafka', description: 'SASL/SCRAM-SHA-512', security: [{ $ref: '#/components/securitySchemes/scram' }] },
      ]),
    ),
    channels,
    operations,
    components: {
      messages,
      securitySchemes: { scram: { type: 'scramSha512', description: 'One SCRAM user per party (country-<cc>, lower case); the gateway and the administrators have their own.' } },
    },
  };
}
