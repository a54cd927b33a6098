/**
 * Applies the topology plan (topics and ACLs) to a Kafka cluster with the admin principal.
 * Idempotent: missing topics are created, and the configuration the plan gives a topic (its
 * retention) is applied to existing ones too, so a cluster provisioned by an earlier version is
 * brought to the plan; partitions and ACLs that exist are left as they are.
 */
import kafkajs, { type Admin } from 'kafkajs';
import type { Party } from './parties.ts';
import { retryUntil } from './retry.ts';
import { aclPlan, topicPlan, type AclSpec } from './topology.ts';

// kafkajs is CommonJS and these enums are not visible to Node's named-export detection.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ConfigResourceTypes, ResourcePatternTypes } = kafkajs;

const RESOURCE = {
  TOPIC: AclResourceTypes.TOPIC,
  GROUP: AclResourceTypes.GROUP,
  TRANSACTIONAL_ID: AclResourceTypes.TRANSACTIONAL_ID,
  CLUSTER: AclResourceTypes.CLUSTER,
} as const;
const OPERATION = {
  READ: AclOperationTypes.READ,
  WRITE: AclOperationTypes.WRITE,
  DESCRIBE: AclOperationTypes.DESCRIBE,
  DELETE: AclOperationTypes.DELETE,
  CREATE: AclOperationTypes.CREATE,
  DESCRIBE_CONFIGS: AclOperationTypes.DESCRIBE_CONFIGS,
} as const;

export interface ProvisionResult {
  topicsCreated: number;
  topicsTotal: number;
  acls: number;
}

/** `indexed`: the agreements with a hit/no-hit index (their topics and the adapter's ACLs). */
export async function provision(admin: Admin, parties: readonly Party[], replicationFactor = 1, indexed: readonly string[] = []): Promise<ProvisionResult> {
  const plan = topicPlan(parties, indexed);
  const existing = new Set(await admin.listTopics());
  const missing = plan.filter((t) => !existing.has(t.name));
  if (missing.length > 0) {
    // Leaders are waited for below, with retries: on a fresh cluster kafkajs's own wait fails on a
    // broker that does not know the new topic yet (UNKNOWN_TOPIC_OR_PARTITION), which it does not retry.
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((t) => ({
        topic: t.name,
        numPartitions: t.partitions,
        replicationFactor,
        configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })),
      })),
    });
  }
  await waitForLeaders(admin, plan.map((t) => t.name));
  const configured = plan.filter((t) => existing.has(t.name) && Object.keys(t.config).length > 0);
  if (configured.length > 0) {
    await admin.alterConfigs({
      validateOnly: false,
      resources: configured.map((t) => ({ type: ConfigResourceTypes.TOPIC, name: t.name, configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })) })),
    });
  }
  const acls = aclPlan(parties, indexed);
  await admin.createAcls({ acl: acls.map(toKafkaAcl) });
  return { topicsCreated: missing.length, topicsTotal: plan.length, acls: acls.length };
}

/** Until every partition answers a ListOffsets: a fresh topic's leader takes a moment to be known. */
async function waitForLeaders(admin: Admin, names: string[]): Promise<void> {
  for (const topic of names) await retryUntil(() => admin.fetchTopicOffsets(topic), { timeoutMs: 30_000, intervalMs: 200 });
}

function toKafkaAcl(spec: AclSpec) {
  return {
    resourceType: RESOURCE[spec.resource],
    resourceName: spec.name,
    resourcePatternType: spec.pattern === 'LITERAL' ? ResourcePatternTypes.LITERAL : ResourcePatternTypes.PREFIXED,
    principal: spec.principal,
    host: '*',
    operation: OPERATION[spec.operation],
    permissionType: AclPermissionTypes.ALLOW,
  };
}
