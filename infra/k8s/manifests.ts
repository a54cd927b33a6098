/**
 * Liaison on Kubernetes with the Strimzi operator, generated from the same topology the embedded
 * stack provisions (services/shared/topology.ts) so topic names, principals and ACLs cannot drift:
 *
 *   npm run k8s:manifests        # writes infra/k8s/*.yaml; a unit test fails when they are stale
 *
 * What is declared: the Kafka cluster (KRaft node pool, SCRAM listener, simple authorization with
 * the admin as the only super user), one KafkaTopic per topic, one KafkaUser per principal with the
 * per-country ACLs, the schema registry (Apicurio, schemas kept in Kafka), the gateway as a
 * StatefulSet (stable instance ids: transactional ids and audit chains survive restarts; the pods
 * share one consumer group), a CloudNativePG cluster for what the services serve (one managed role
 * and schema per service), the national adapter, one contact point per country (each pod holds
 * only its own country's credentials), the ops console, Prometheus Operator monitoring (PodMonitor,
 * PrometheusRule from infra/prometheus/rules) and the Grafana dashboards as a ConfigMap.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { liaisonDashboards, render } from '../grafana/dashboards.ts';
import { indexedAgreements, loadPolicy } from '../../services/policy/index.ts';
import { loadParties, type Party } from '../../services/shared/parties.ts';
import {
  ADMIN_PRINCIPAL,
  aclPlan,
  principalOf,
  REGISTRY_PRINCIPAL,
  registryAclPlan,
  SERVICE_PRINCIPALS,
  topicPlan,
  type AclSpec,
} from '../../services/shared/topology.ts';
import { DATABASE_NAME, databaseRoleOf, type DatabaseService, schemaOf } from '../../services/shared/connection.ts';

export const NAMESPACE = 'liaison';
export const CLUSTER = 'liaison';
export const KAFKA_PORT = 9092;
export const BOOTSTRAP = `${CLUSTER}-kafka-bootstrap:${KAFKA_PORT}`;
export const IMAGE = 'liaison/liaison:0.1.0';
export const REGISTRY_IMAGE = 'apicurio/apicurio-registry:3.3.3';
export const REGISTRY_URL = 'http://liaison-registry:8080/apis/ccompat/v7';
export const CREDENTIALS_DIR = '/etc/liaison/kafka';
const STRIMZI = 'kafka.strimzi.io/v1';
const REPLICAS = 3;

type Doc = Record<string, unknown>;
export interface ManifestFile {
  file: string;
  docs: Doc[];
}

const labels = (component: string) => ({ 'app.kubernetes.io/name': component, 'app.kubernetes.io/part-of': 'liaison' });
const meta = (name: string, component = name, extra: Record<string, string> = {}) => ({ name, namespace: NAMESPACE, labels: { ...labels(component), ...extra } });
const strimziMeta = (name: string) => ({ name, namespace: NAMESPACE, labels: { 'strimzi.io/cluster': CLUSTER, 'app.kubernetes.io/part-of': 'liaison' } });
/** Kubernetes names are lower case; Kafka names keep the party code as written. */
export const k8sName = (name: string) => name.toLowerCase();

// ---------------------------------------------------------------- Kafka (Strimzi)

function kafkaCluster(): Doc[] {
  return [
    {
      apiVersion: STRIMZI,
      kind: 'KafkaNodePool',
      metadata: strimziMeta(`${CLUSTER}-dual-role`),
      spec: {
        replicas: REPLICAS,
        roles: ['controller', 'broker'],
        storage: { type: 'jbod', volumes: [{ id: 0, type: 'persistent-claim', size: '100Gi', deleteClaim: false, kraftMetadata: 'shared' }] },
        resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } },
      },
    },
    {
      apiVersion: STRIMZI,
      kind: 'Kafka',
      metadata: { name: CLUSTER, namespace: NAMESPACE, labels: { 'app.kubernetes.io/part-of': 'liaison' } },
      spec: {
        kafka: {
          version: '4.3.1',
          listeners: [{ name: 'scram', port: KAFKA_PORT, type: 'internal', tls: false, authentication: { type: 'scram-sha-512' } }],
          authorization: { type: 'simple', superUsers: [ADMIN_PRINCIPAL] },
          config: {
            'allow.everyone.if.no.acl.found': false,
            'auto.create.topics.enable': false,
            'default.replication.factor': REPLICAS,
            'min.insync.replicas': 2,
            'offsets.topic.replication.factor': REPLICAS,
            'transaction.state.log.replication.factor': REPLICAS,
            'transaction.state.log.min.isr': 2,
          },
        },
        entityOperator: { topicOperator: {}, userOperator: {} },
      },
    },
  ];
}

function kafkaTopics(parties: readonly Party[]): Doc[] {
  return topicPlan(parties, indexedAgreements(loadPolicy())).map((t) => ({
    apiVersion: STRIMZI,
    kind: 'KafkaTopic',
    metadata: strimziMeta(k8sName(t.name)),
    spec: { topicName: t.name, partitions: t.partitions, replicas: REPLICAS, config: { 'min.insync.replicas': '2', ...t.config } },
  }));
}

const OPERATION: Record<AclSpec['operation'], string> = {
  READ: 'Read', WRITE: 'Write', DESCRIBE: 'Describe', DELETE: 'Delete', CREATE: 'Create', DESCRIBE_CONFIGS: 'DescribeConfigs',
};
const RESOURCE: Record<AclSpec['resource'], string> = { TOPIC: 'topic', GROUP: 'group', TRANSACTIONAL_ID: 'transactionalId', CLUSTER: 'cluster' };

/** Strimzi's ACL rules: one per resource pattern, listing its operations. */
export function strimziAcls(acls: AclSpec[]): Doc[] {
  const rules = new Map<string, { resource: Doc; operations: string[] }>();
  for (const a of acls) {
    // Strimzi's cluster resource has neither name nor pattern.
    const resource = a.resource === 'CLUSTER' ? { type: RESOURCE[a.resource] } : { type: RESOURCE[a.resource], name: a.name, patternType: a.pattern === 'LITERAL' ? 'literal' : 'prefix' };
    const key = JSON.stringify(resource);
    const rule = rules.get(key) ?? { resource, operations: [] as string[] };
    rule.operations.push(OPERATION[a.operation]);
    rules.set(key, rule);
  }
  return [...rules.values()].map((r) => ({ resource: r.resource, operations: r.operations, host: '*' }));
}

function kafkaUsers(parties: readonly Party[]): Doc[] {
  const user = (name: string, acls?: AclSpec[]): Doc => ({
    apiVersion: STRIMZI,
    kind: 'KafkaUser',
    metadata: strimziMeta(name),
    spec: {
      authentication: { type: 'scram-sha-512' },
      ...(acls ? { authorization: { type: 'simple', acls: strimziAcls(acls) } } : {}),
    },
  });
  const all = aclPlan(parties, indexedAgreements(loadPolicy()));
  const own = (principal: string) => all.filter((a) => a.principal === `User:${principal}`);
  return [
    // Super user (Kafka spec.kafka.authorization.superUsers): provisioning and the CLI only.
    user(ADMIN_PRINCIPAL),
    user(REGISTRY_PRINCIPAL, registryAclPlan()),
    ...Object.values(SERVICE_PRINCIPALS).map((principal) => user(principal, own(principal))),
    ...parties.map((p) => user(principalOf(p.code), own(principalOf(p.code)))),
  ];
}

// ---------------------------------------------------------------- database

/** The CloudNativePG cluster of what the services serve; its read-write Service is `<name>-rw`. */
export const DATABASE_CLUSTER = 'liaison-db';
/** The services with state in the database so far, with their role (a managed role of the cluster). */
const DATABASE_ROLES = { adapter: databaseRoleOf('adapter'), 'contact-point': databaseRoleOf('contact-point'), gateway: databaseRoleOf('gateway') } as const;
/** The Secret (kubernetes.io/basic-auth, made by the operator: see the README) holding a role's password. */
export const databaseSecretOf = (role: string): string => `${DATABASE_CLUSTER}-${role.replace(/_/g, '-')}`;

function database(): Doc[] {
  return [
    {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: meta(DATABASE_CLUSTER),
      spec: {
        instances: 3,
        // A commit is acknowledged once a standby has it: a primary lost does not lose stored offsets.
        minSyncReplicas: 1,
        maxSyncReplicas: 1,
        storage: { size: '20Gi' },
        bootstrap: {
          initdb: {
            database: DATABASE_NAME,
            owner: 'liaison_admin',
            // Each service owns its schema and nothing else.
            postInitApplicationSQL: [
              'REVOKE ALL ON SCHEMA public FROM PUBLIC',
              ...Object.entries(DATABASE_ROLES).flatMap(([service, role]) => [`CREATE SCHEMA IF NOT EXISTS ${schemaOf(service as DatabaseService)} AUTHORIZATION ${role}`]),
            ],
          },
        },
        managed: {
          roles: Object.values(DATABASE_ROLES).map((role) => ({ name: role, ensure: 'present', login: true, passwordSecret: { name: databaseSecretOf(role) } })),
        },
        monitoring: { enablePodMonitor: true },
      },
    },
  ];
}

/** DATABASE_URL of a service, put together from its role's Secret (Kubernetes expands $(VAR) from earlier variables). */
function databaseEnv(service: DatabaseService): Doc[] {
  const secret = databaseSecretOf(DATABASE_ROLES[service]);
  return [
    { name: 'DATABASE_USER', valueFrom: { secretKeyRef: { name: secret, key: 'username' } } },
    { name: 'DATABASE_PASSWORD', valueFrom: { secretKeyRef: { name: secret, key: 'password' } } },
    { name: 'DATABASE_URL', value: `postgres://$(DATABASE_USER):$(DATABASE_PASSWORD)@${DATABASE_CLUSTER}-rw:5432/${DATABASE_NAME}` },
  ];
}

// ---------------------------------------------------------------- workloads

const env = (values: Record<string, string>) => Object.entries(values).map(([name, value]) => ({ name, value }));

const KAFKA_ENV = { KAFKA_BROKERS: BOOTSTRAP, SCHEMA_REGISTRY_URL: REGISTRY_URL, LIAISON_CREDENTIALS_DIR: CREDENTIALS_DIR, LIAISON_LOG_LEVEL: 'info' };

/** The principals' passwords, one folder each, from the Secrets the Strimzi user operator writes. */
const credentialsVolume = (principals: string[]) => ({
  name: 'kafka-credentials',
  projected: { sources: principals.map((p) => ({ secret: { name: p, items: [{ key: 'password', path: `${p}/password` }] } })) },
});

interface ServiceSpec {
  name: string;
  command: string[];
  port: number;
  env: Record<string, string>;
  principals: string[];
  secrets?: Array<{ secret: string; mountPath: string }>;
  resources: { cpu: string; memory: string; cpuLimit: string; memoryLimit: string };
  extraEnv?: Doc[];
}

function podSpec(s: ServiceSpec): Doc {
  const secretVolumes = (s.secrets ?? []).map((x, i) => ({ name: `secret-${i}`, secret: { secretName: x.secret } }));
  return {
    metadata: { labels: labels(s.name) },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: s.name.replace(/^liaison-/, ''),
          image: IMAGE,
          command: s.command,
          ports: [{ name: 'http', containerPort: s.port }],
          env: [...env({ ...KAFKA_ENV, ...s.env }), ...(s.extraEnv ?? [])],
          readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5, failureThreshold: 3 },
          livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, initialDelaySeconds: 20, periodSeconds: 10, failureThreshold: 6 },
          startupProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5, failureThreshold: 60 },
          resources: { requests: { cpu: s.resources.cpu, memory: s.resources.memory }, limits: { cpu: s.resources.cpuLimit, memory: s.resources.memoryLimit } },
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
          volumeMounts: [
            { name: 'kafka-credentials', mountPath: CREDENTIALS_DIR, readOnly: true },
            ...(s.secrets ?? []).map((x, i) => ({ name: `secret-${i}`, mountPath: x.mountPath, readOnly: true })),
            { name: 'tmp', mountPath: '/tmp' },
          ],
        },
      ],
      volumes: [credentialsVolume(s.principals), ...secretVolumes, { name: 'tmp', emptyDir: {} }],
    },
  };
}

const service = (name: string, port: number, headless = false): Doc => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: meta(name),
  spec: { ...(headless ? { clusterIP: 'None' } : {}), selector: labels(name), ports: [{ name: 'http', port, targetPort: 'http' }] },
});

const deployment = (s: ServiceSpec, replicas: number, strategy: 'RollingUpdate' | 'Recreate' = 'RollingUpdate'): Doc => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: meta(s.name),
  spec: { replicas, strategy: { type: strategy }, selector: { matchLabels: labels(s.name) }, template: podSpec(s) },
});

const API_KEYS = { secret: 'liaison-api-keys', mountPath: '/etc/liaison/api-keys' };
const API_KEYS_FILE = `${API_KEYS.mountPath}/api-keys.json`;
const SMALL = { cpu: '100m', memory: '192Mi', cpuLimit: '500m', memoryLimit: '384Mi' };
const NODE = ['node', '--import', 'tsx'];

export const GATEWAY_REPLICAS = 3;
export const GATEWAY_PORT = 18090;
export const ADAPTER_PORT = 18100;
export const CONTACT_POINT_PORT = 18200;
export const OPS_CONSOLE_PORT = 18300;

function gateway(): Doc[] {
  const spec: ServiceSpec = {
    name: 'liaison-gateway',
    command: [...NODE, 'services/gateway/main.ts'],
    port: GATEWAY_PORT,
    env: { LIAISON_GATEWAY_HOST: '0.0.0.0', LIAISON_GATEWAY_PORT: String(GATEWAY_PORT), LIAISON_GATEWAY_GROUP: 'liaison.gateway', LIAISON_PSEUDONYM_KEYS: '/etc/liaison/pseudonym-keys/pseudonym-keys.json' },
    // The pod name (liaison-gateway-0, -1, ...) is the stable instance id.
    // The delivery ledger is the database's: the instances share it.
    extraEnv: [{ name: 'LIAISON_GATEWAY_INSTANCE', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, ...databaseEnv('gateway')],
    principals: [SERVICE_PRINCIPALS.gateway],
    secrets: [{ secret: 'liaison-pseudonym-keys', mountPath: '/etc/liaison/pseudonym-keys' }],
    resources: { cpu: '250m', memory: '384Mi', cpuLimit: '1', memoryLimit: '768Mi' },
  };
  return [
    service('liaison-gateway', GATEWAY_PORT, true),
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta('liaison-gateway'),
      spec: {
        serviceName: 'liaison-gateway',
        replicas: GATEWAY_REPLICAS,
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: labels('liaison-gateway') },
        template: { ...podSpec(spec), spec: { ...(podSpec(spec).spec as Doc), terminationGracePeriodSeconds: 30 } },
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta('liaison-gateway'),
      spec: { minAvailable: GATEWAY_REPLICAS - 1, selector: { matchLabels: labels('liaison-gateway') } },
    },
  ];
}

function adapter(parties: readonly Party[]): Doc[] {
  const spec: ServiceSpec = {
    name: 'liaison-national-adapter',
    command: [...NODE, 'services/national-adapter/main.ts'],
    port: ADAPTER_PORT,
    env: { LIAISON_ADAPTER_HOST: '0.0.0.0', LIAISON_ADAPTER_PORT: String(ADAPTER_PORT), LIAISON_API_KEYS: API_KEYS_FILE },
    // Writes each country's outbox with that country's principal; its own for the status view and held decisions.
    principals: [SERVICE_PRINCIPALS.adapter, ...parties.map((p) => principalOf(p.code))],
    secrets: [API_KEYS],
    resources: SMALL,
    // Idempotency-Keys and lookup budgets are the database's: the replicas share them.
    extraEnv: databaseEnv('adapter'),
  };
  return [service(spec.name, ADAPTER_PORT), deployment(spec, 2)];
}

function contactPoints(parties: readonly Party[]): Doc[] {
  return parties.flatMap((p) => {
    const spec: ServiceSpec = {
      name: `liaison-contact-point-${k8sName(p.code)}`,
      command: [...NODE, 'services/contact-point/main.ts'],
      port: CONTACT_POINT_PORT,
      env: { LIAISON_CONTACT_POINT_COUNTRIES: p.code, LIAISON_CONTACT_POINT_HOST: '0.0.0.0', LIAISON_CONTACT_POINT_PORT: String(CONTACT_POINT_PORT), LIAISON_API_KEYS: API_KEYS_FILE },
      principals: [principalOf(p.code)],
      secrets: [API_KEYS],
      resources: SMALL,
      extraEnv: databaseEnv('contact-point'),
    };
    // The desk's state is in the database with its offsets: a rolling update starts the new pod
    // from them, and two pods of one country share the partitions and send each receipt once.
    return [service(spec.name, CONTACT_POINT_PORT), deployment(spec, 1)];
  });
}

export function opsTargets(parties: readonly Party[]): string {
  return [
    ...Array.from({ length: GATEWAY_REPLICAS }, (_, i) => `gateway-${i}=http://liaison-gateway-${i}.liaison-gateway:${GATEWAY_PORT}`),
    `national-adapter=http://liaison-national-adapter:${ADAPTER_PORT}`,
    ...parties.map((p) => `contact-point-${k8sName(p.code)}=http://liaison-contact-point-${k8sName(p.code)}:${CONTACT_POINT_PORT}`),
  ].join(',');
}

function opsConsole(parties: readonly Party[]): Doc[] {
  const spec: ServiceSpec = {
    name: 'liaison-ops-console',
    command: [...NODE, 'services/ops-console/main.ts'],
    port: OPS_CONSOLE_PORT,
    env: { LIAISON_OPS_CONSOLE_HOST: '0.0.0.0', LIAISON_OPS_CONSOLE_PORT: String(OPS_CONSOLE_PORT), LIAISON_API_KEYS: API_KEYS_FILE, LIAISON_OPS_TARGETS: opsTargets(parties) },
    principals: [],
    secrets: [API_KEYS],
    resources: SMALL,
  };
  const d = deployment(spec, 1);
  return [service(spec.name, OPS_CONSOLE_PORT), d];
}

function registry(): Doc[] {
  const name = 'liaison-registry';
  return [
    service(name, 8080),
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(name),
      spec: {
        replicas: 1,
        selector: { matchLabels: labels(name) },
        template: {
          metadata: { labels: labels(name) },
          spec: {
            containers: [
              {
                name: 'registry',
                image: REGISTRY_IMAGE,
                ports: [{ name: 'http', containerPort: 8080 }],
                env: [
                  ...env({
                    APICURIO_STORAGE_KIND: 'kafkasql',
                    APICURIO_KAFKASQL_BOOTSTRAP_SERVERS: BOOTSTRAP,
                    APICURIO_KAFKA_COMMON_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
                    APICURIO_KAFKA_COMMON_SASL_MECHANISM: 'SCRAM-SHA-512',
                  }),
                  { name: 'APICURIO_KAFKA_COMMON_SASL_JAAS_CONFIG', valueFrom: { secretKeyRef: { name: REGISTRY_PRINCIPAL, key: 'sasl.jaas.config' } } },
                ],
                readinessProbe: { httpGet: { path: '/health/ready', port: 'http' }, periodSeconds: 5 },
                livenessProbe: { httpGet: { path: '/health/live', port: 'http' }, initialDelaySeconds: 30, periodSeconds: 10 },
                resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
              },
            ],
          },
        },
      },
    },
  ];
}

/** Sets the registry's compatibility rule once the registry answers (topics and ACLs are Strimzi's). */
function provisionJob(): Doc {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta('liaison-provision'),
    spec: {
      backoffLimit: 10,
      template: {
        metadata: { labels: labels('liaison-provision') },
        spec: {
          restartPolicy: 'OnFailure',
          containers: [{
            name: 'provision',
            image: IMAGE,
            command: ['node', 'bin/liaison.mjs', 'provision', '--skip-kafka'],
            env: env(KAFKA_ENV),
            volumeMounts: [{ name: 'kafka-credentials', mountPath: CREDENTIALS_DIR, readOnly: true }],
            resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
          }],
          volumes: [credentialsVolume([ADMIN_PRINCIPAL])],
        },
      },
    },
  };
}

// ---------------------------------------------------------------- monitoring

const ALERT_RULES = join(dirname(fileURLToPath(import.meta.url)), '../prometheus/rules/liaison-alerts.yml');

function monitoring(): Doc[] {
  return [
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PodMonitor',
      metadata: meta('liaison', 'liaison-monitoring'),
      spec: {
        selector: { matchLabels: { 'app.kubernetes.io/part-of': 'liaison' }, matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'NotIn', values: ['liaison-registry', 'liaison-provision'] }] },
        podMetricsEndpoints: [{ port: 'http', path: '/metrics', interval: '15s', relabelings: [{ sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], regex: 'liaison-(gateway|national-adapter|ops-console|contact-point).*', replacement: 'liaison-$1', targetLabel: 'job' }] }],
      },
    },
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: meta('liaison-alerts', 'liaison-monitoring'),
      spec: parse(readFileSync(ALERT_RULES, 'utf8')),
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta('liaison-grafana-dashboards', 'liaison-monitoring', { grafana_dashboard: '1' }),
      data: Object.fromEntries(liaisonDashboards().map((d) => [d.file, render(d)])),
    },
  ];
}

export function k8sManifests(parties: readonly Party[] = loadParties()): ManifestFile[] {
  return [
    { file: '00-namespace.yaml', docs: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE, labels: { 'app.kubernetes.io/part-of': 'liaison' } } }] },
    { file: '10-kafka.yaml', docs: kafkaCluster() },
    { file: '11-topics.yaml', docs: kafkaTopics(parties) },
    { file: '12-users.yaml', docs: kafkaUsers(parties) },
    { file: '15-database.yaml', docs: database() },
    { file: '20-registry.yaml', docs: [...registry(), provisionJob()] },
    { file: '30-gateway.yaml', docs: gateway() },
    { file: '31-national-adapter.yaml', docs: adapter(parties) },
    { file: '32-contact-points.yaml', docs: contactPoints(parties) },
    { file: '33-ops-console.yaml', docs: opsConsole(parties) },
    { file: '40-monitoring.yaml', docs: monitoring() },
  ];
}

const HEADER = '# Generated by `npm run k8s:manifests` from infra/k8s/manifests.ts; do not edit by hand.\n';

export const renderManifest = (m: ManifestFile): string => HEADER + m.docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');

export function kustomization(files: ManifestFile[]): string {
  return `${HEADER}${stringify({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: NAMESPACE,
    resources: files.map((f) => f.file),
    images: [{ name: IMAGE.split(':')[0], newTag: IMAGE.split(':')[1] }],
  })}`;
}

export const K8S_DIR = dirname(fileURLToPath(import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(K8S_DIR, { recursive: true });
  for (const old of readdirSync(K8S_DIR).filter((f) => /^\d\d-.*\.yaml$/.test(f))) rmSync(join(K8S_DIR, old));
  const files = k8sManifests();
  for (const m of files) writeFileSync(join(K8S_DIR, m.file), renderManifest(m));
  writeFileSync(join(K8S_DIR, 'kustomization.yaml'), kustomization(files));
  console.log(`wrote ${files.length} manifests and kustomization.yaml to infra/k8s/`);
}
