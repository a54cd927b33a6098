/**
 * The Kafka topology of Liaison as data: which topics exist and which principal may do what.
 * The embedded stack, the tests and the deployment manifests all derive from this one plan.
 */
import type { Party } from './parties.ts';
import { GATEWAY_NAMES, type PartyPrefix } from './vocabulary.ts';

/** The per-party topics: the prefix followed by the party's code. */
const PER_PARTY = { outbox: 'liaison.outbox.', inbox: 'liaison.inbox.', reports: 'liaison.reports.' } as const;
const INDEX_PREFIX = 'liaison.index.';

/** The agreement an index topic belongs to (`liaison.index.benelux-police-treaty` → its id), or null. */
export const agreementOfIndexTopic = (topic: string): string | null => (topic.startsWith(INDEX_PREFIX) && topic.length > INDEX_PREFIX.length ? topic.slice(INDEX_PREFIX.length) : null);

export const topics = {
  /** Written only by the party's own principal: the topic proves the origin (docs/architecture.md). */
  outbox: (code: string) => `${PER_PARTY.outbox}${code}`,
  /** Written only by the gateway, read only by the party's own principal. */
  inbox: (code: string) => `${PER_PARTY.inbox}${code}`,
  /** Delivery reports for notices the party sent. */
  reports: (code: string) => `${PER_PARTY.reports}${code}`,
  audit: 'liaison.audit',
  dlq: 'liaison.dlq',
  /** Copies held for the origin's data protection officer (rule 5, derogation); gateway only. */
  held: 'liaison.held',
  /** The origin DPO's release or rejection of a held copy; written by the adapter, read by the gateway. */
  heldDecisions: 'liaison.held.decisions',
  /** The gateway's attempts per outbox partition (eu.liaison.BatchAttempt), compacted; gateway only. */
  gatewayAttempts: 'liaison.gateway.attempts',
  /** How far the gateway has verified the audit trail (eu.liaison.AuditCheckpoint), compacted; gateway only. */
  gatewayCheckpoints: 'liaison.gateway.checkpoints',
  /**
   * An agreement's hit/no-hit index (eu.liaison.IndexEntry: keyed pseudonyms, never a clear
   * identifier), compacted; read and written only by the national adapter.
   */
  index: (agreementId: string) => `${INDEX_PREFIX}${agreementId}`,
  /**
   * Lookups in the hit/no-hit indexes and what they found (eu.liaison.IndexLookup), written by the
   * national adapter before it answers, read by the gateway, which audits them. No party may write
   * it: a lookup in the audit trail is one the adapter answered.
   */
  lookups: 'liaison.lookups',
  /** Reviews of policy changes (eu.liaison.PolicyReview), written by the admin (the CLI), read by the gateway, which audits them. */
  policyReviews: 'liaison.policy.reviews',
} as const;

/** What the gateway consumes: every outbox, the DPOs' held decisions, the index lookups and the policy reviews. */
export const gatewayInputs = (codes: readonly string[]): string[] => [...codes.map(topics.outbox), topics.heldDecisions, topics.lookups, topics.policyReviews];

/** The party a per-party topic belongs to (`liaison.outbox.BE` → BE), or null for any other topic. */
export function partyOfTopic(kind: keyof typeof PER_PARTY, topic: string): string | null {
  const prefix = PER_PARTY[kind];
  return topic.startsWith(prefix) && topic.length > prefix.length ? topic.slice(prefix.length) : null;
}

/** The super user: provisioning (topics, ACLs), the CLI and the benchmarks; no service connects as it. */
export const ADMIN_PRINCIPAL = 'liaison-admin';
/**
 * The principals of Liaison's own services, each with only the ACLs it needs (serviceAclPlan).
 * A national adapter writes a caller's outbox with that country's principal, not with its own.
 */
export const SERVICE_PRINCIPALS = { gateway: 'liaison-gateway', adapter: 'liaison-adapter' } as const;
export type ServiceName = keyof typeof SERVICE_PRINCIPALS;
/** Consumer groups (and, with a dot, transactional ids) of each service start with this prefix. */
export const SERVICE_GROUP_PREFIXES: Record<ServiceName, string> = { gateway: GATEWAY_NAMES.group, adapter: 'liaison.adapter.' };
/**
 * The Kafka principal (SCRAM user) of a party: lower case, so the same name can be a Kubernetes
 * resource (a Strimzi KafkaUser is named after its user).
 */
export const principalOf = (code: string): string => `country-${code.toLowerCase()}`;
/** Consumer groups and transactional ids of a party start with this prefix. */
export const groupPrefixOf = (code: string): PartyPrefix => `liaison.${code}.`;

export interface TopicSpec {
  name: string;
  partitions: number;
  config: Record<string, string>;
}

/** `indexed`: the agreements with a hit/no-hit index (`hitIndex: true`), one compacted topic each. */
export function topicPlan(parties: readonly Party[], indexed: readonly string[] = []): TopicSpec[] {
  // Kept as long as the audit trail: the gateway's ledger (corrections to every earlier recipient,
  // ownership), each contact point's inbox and the adapter's status view are rebuilt from these
  // topics. Kafka's default of 7 days would make a correction of an older notice impossible and
  // a restarted contact point forget copies its agreement keeps for years (rule 14 purges them).
  const kept = { 'retention.ms': '-1' };
  const perParty = parties.flatMap((p) => [
    { name: topics.outbox(p.code), partitions: 3, config: kept },
    { name: topics.inbox(p.code), partitions: 3, config: kept },
    { name: topics.reports(p.code), partitions: 3, config: kept },
  ]);
  return [
    ...perParty,
    // One partition: the audit trail is a single hash chain, kept forever.
    { name: topics.audit, partitions: 1, config: { 'retention.ms': '-1' } },
    { name: topics.dlq, partitions: 1, config: {} },
    { name: topics.held, partitions: 3, config: { 'retention.ms': '-1' } },
    { name: topics.heldDecisions, partitions: 1, config: { 'retention.ms': '-1' } },
    { name: topics.lookups, partitions: 1, config: { 'retention.ms': '-1' } },
    { name: topics.policyReviews, partitions: 1, config: { 'retention.ms': '-1' } },
    { name: topics.gatewayAttempts, partitions: 1, config: { 'cleanup.policy': 'compact' } },
    { name: topics.gatewayCheckpoints, partitions: 1, config: { 'cleanup.policy': 'compact' } },
    // The latest entry per holder, type and hash; a withdrawal (tombstone) removes it.
    ...indexed.map((id) => ({ name: topics.index(id), partitions: 1, config: { 'cleanup.policy': 'compact' } })),
  ];
}

export type AclResource = 'TOPIC' | 'GROUP' | 'TRANSACTIONAL_ID' | 'CLUSTER';
/** The one name a CLUSTER resource has. */
export const CLUSTER_RESOURCE = 'kafka-cluster';
export type AclOperation = 'READ' | 'WRITE' | 'DESCRIBE' | 'DELETE' | 'CREATE' | 'DESCRIBE_CONFIGS';

export interface AclSpec {
  principal: string;
  resource: AclResource;
  pattern: 'LITERAL' | 'PREFIXED';
  name: string;
  operation: AclOperation;
}

/** Every ACL of the cluster but the registry's: the parties' (partyAclPlan) and the services' (serviceAclPlan). */
export function aclPlan(parties: readonly Party[], indexed: readonly string[] = []): AclSpec[] {
  return [...partyAclPlan(parties), ...serviceAclPlan(parties, indexed)];
}

/**
 * A party may write its outbox (and read it back: the contact point rebuilds what it sent),
 * read its inbox and reports, and use (and delete) its own groups; nothing else.
 */
export function partyAclPlan(parties: readonly Party[]): AclSpec[] {
  return parties.flatMap((p): AclSpec[] => {
    const principal = `User:${principalOf(p.code)}`;
    const topic = (name: string, operation: AclOperation): AclSpec => ({
      principal, resource: 'TOPIC', pattern: 'LITERAL', name, operation,
    });
    const prefixed = (resource: AclResource, operation: AclOperation): AclSpec => ({
      principal, resource, pattern: 'PREFIXED', name: groupPrefixOf(p.code), operation,
    });
    return [
      topic(topics.outbox(p.code), 'WRITE'),
      topic(topics.outbox(p.code), 'DESCRIBE'),
      topic(topics.outbox(p.code), 'READ'),
      topic(topics.inbox(p.code), 'READ'),
      topic(topics.inbox(p.code), 'DESCRIBE'),
      topic(topics.reports(p.code), 'READ'),
      topic(topics.reports(p.code), 'DESCRIBE'),
      prefixed('GROUP', 'READ'),
      prefixed('GROUP', 'DELETE'),
      prefixed('TRANSACTIONAL_ID', 'WRITE'),
      prefixed('TRANSACTIONAL_ID', 'DESCRIBE'),
    ];
  });
}

/**
 * What each service does, and nothing more.
 * - gateway: reads every outbox, the held decisions, the index lookups and the policy reviews; writes every inbox and report topic, the
 *   audit trail, the held copies, the dead letters and its attempt log, and reads back the reports,
 *   held copies, audit trail and attempt log it rebuilds its state from; reads the size limits of
 *   the broker and of the topics it writes; its own groups and transactional ids.
 * - adapter: reads every outbox and report topic (the status view), writes the held decisions
 *   and the index lookups,
 *   reads and writes the hit/no-hit indexes (no party may touch them: a country reading an index
 *   could test guesses offline, without the lookups' rate limit and audit); its own groups.
 */
export function serviceAclPlan(parties: readonly Party[], indexed: readonly string[] = []): AclSpec[] {
  const grant = (service: ServiceName, names: string[], operations: AclOperation[]): AclSpec[] =>
    names.flatMap((name) => operations.map((operation): AclSpec => ({ principal: `User:${SERVICE_PRINCIPALS[service]}`, resource: 'TOPIC', pattern: 'LITERAL', name, operation })));
  const prefixed = (service: ServiceName, resource: AclResource, name: string, operations: AclOperation[]): AclSpec[] =>
    operations.map((operation) => ({ principal: `User:${SERVICE_PRINCIPALS[service]}`, resource, pattern: 'PREFIXED', name, operation }));
  const codes = parties.map((p) => p.code);
  const outboxes = codes.map(topics.outbox);
  const inboxes = codes.map(topics.inbox);
  const reports = codes.map(topics.reports);
  return [
    ...grant('gateway', [...outboxes, topics.heldDecisions, topics.lookups, topics.policyReviews], ['READ', 'DESCRIBE']),
    ...grant('gateway', [...inboxes, topics.dlq], ['WRITE', 'DESCRIBE', 'DESCRIBE_CONFIGS']),
    ...grant('gateway', [...reports, topics.audit, topics.held], ['READ', 'WRITE', 'DESCRIBE', 'DESCRIBE_CONFIGS']),
    ...grant('gateway', [topics.gatewayAttempts, topics.gatewayCheckpoints], ['READ', 'WRITE', 'DESCRIBE']),
    { principal: `User:${SERVICE_PRINCIPALS.gateway}`, resource: 'CLUSTER', pattern: 'LITERAL', name: CLUSTER_RESOURCE, operation: 'DESCRIBE_CONFIGS' },
    ...prefixed('gateway', 'GROUP', SERVICE_GROUP_PREFIXES.gateway, ['READ', 'DESCRIBE', 'DELETE']),
    ...prefixed('gateway', 'TRANSACTIONAL_ID', GATEWAY_NAMES.transactionalIdPrefix, ['WRITE', 'DESCRIBE']),
    ...grant('adapter', [...outboxes, ...reports], ['READ', 'DESCRIBE']),
    ...grant('adapter', [topics.heldDecisions, topics.lookups], ['WRITE', 'DESCRIBE']),
    ...grant('adapter', indexed.map(topics.index), ['READ', 'WRITE', 'DESCRIBE']),
    ...prefixed('adapter', 'GROUP', SERVICE_GROUP_PREFIXES.adapter, ['READ', 'DESCRIBE', 'DELETE']),
  ];
}

/**
 * The schema registry's own principal, where it keeps its schemas in Kafka (Apicurio's kafkasql
 * storage, as on Kubernetes): its journal, snapshot and event topics and its consumer groups.
 * The embedded stack and Docker Compose keep schemas in a database and need none of this.
 */
export const REGISTRY_PRINCIPAL = 'liaison-registry';
export const REGISTRY_TOPIC_PREFIXES = ['kafkasql-', 'registry-events'] as const;
export const REGISTRY_GROUP_PREFIX = 'apicurio-';

export function registryAclPlan(): AclSpec[] {
  const principal = `User:${REGISTRY_PRINCIPAL}`;
  return [
    ...REGISTRY_TOPIC_PREFIXES.flatMap((name) =>
      (['READ', 'WRITE', 'DESCRIBE', 'CREATE', 'DESCRIBE_CONFIGS'] as const).map((operation): AclSpec => ({ principal, resource: 'TOPIC', pattern: 'PREFIXED', name, operation })),
    ),
    { principal, resource: 'GROUP', pattern: 'PREFIXED', name: REGISTRY_GROUP_PREFIX, operation: 'READ' },
  ];
}
