import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { liaisonDashboards } from '../../../infra/grafana/dashboards.ts';
import { BOOTSTRAP, CLUSTER, CREDENTIALS_DIR, DATABASE_CLUSTER, databaseSecretOf, K8S_DIR, k8sManifests, kustomization, renderManifest, REGISTRY_URL } from '../../../infra/k8s/manifests.ts';
import { PROJECT_ROOT } from '../../../services/shared/connection.ts';
import { loadParties } from '../../../services/shared/parties.ts';
import { indexedAgreements, loadPolicy } from '../../../services/policy/index.ts';
import { ADMIN_PRINCIPAL, aclPlan, CLUSTER_RESOURCE, principalOf, REGISTRY_PRINCIPAL, registryAclPlan, SERVICE_PRINCIPALS, topicPlan, topics, type AclSpec } from '../../../services/shared/topology.ts';

type Doc = any;

const parties = loadParties();
/** What a cluster would receive: every document of every committed file. */
const docs: Doc[] = readdirSync(K8S_DIR)
  .filter((f) => /^\d\d-.*\.yaml$/.test(f))
  .flatMap((f) => parseAllDocuments(readFileSync(join(K8S_DIR, f), 'utf8')).map((d) => d.toJS()));
const ofKind = (kind: string): Doc[] => docs.filter((d) => d.kind === kind);
const workloads = (): Doc[] => [...ofKind('Deployment'), ...ofKind('StatefulSet')].filter((w) => w.metadata.name !== 'liaison-registry');
const container = (w: Doc) => w.spec.template.spec.containers[0];
const envOf = (w: Doc): Record<string, string> => Object.fromEntries(container(w).env.filter((e: Doc) => 'value' in e).map((e: Doc) => [e.name, e.value]));
const mountedPrincipals = (w: Doc): string[] =>
  (w.spec.template.spec.volumes.find((v: Doc) => v.name === 'kafka-credentials')?.projected.sources ?? []).map((s: Doc) => s.secret.name);

/** Strimzi ACL rules back to the topology's form, so they compare with aclPlan. */
const OPERATIONS: Record<string, AclSpec['operation']> = { Read: 'READ', Write: 'WRITE', Describe: 'DESCRIBE', Delete: 'DELETE', Create: 'CREATE', DescribeConfigs: 'DESCRIBE_CONFIGS' };
const RESOURCES: Record<string, AclSpec['resource']> = { topic: 'TOPIC', group: 'GROUP', transactionalId: 'TRANSACTIONAL_ID', cluster: 'CLUSTER' };
function aclsOf(user: Doc): AclSpec[] {
  return (user.spec.authorization?.acls ?? []).flatMap((rule: Doc) =>
    rule.operations.map((op: string): AclSpec => ({
      principal: `User:${user.metadata.name}`,
      resource: RESOURCES[rule.resource.type]!,
      pattern: rule.resource.type === 'cluster' || rule.resource.patternType === 'literal' ? 'LITERAL' : 'PREFIXED',
      name: rule.resource.type === 'cluster' ? CLUSTER_RESOURCE : rule.resource.name,
      operation: OPERATIONS[op]!,
    })),
  );
}
const sortAcls = (acls: AclSpec[]) => acls.map((a) => JSON.stringify(a)).sort();

describe('Kubernetes manifests (infra/k8s)', () => {
  it('are the generated ones (run npm run k8s:manifests after changing the topology or manifests.ts)', () => {
    const files = k8sManifests(parties);
    expect(readdirSync(K8S_DIR).filter((f) => f.endsWith('.yaml')).sort()).toEqual([...files.map((f) => f.file), 'kustomization.yaml'].sort());
    for (const m of files) expect(readFileSync(join(K8S_DIR, m.file), 'utf8'), m.file).toBe(renderManifest(m));
    expect(readFileSync(join(K8S_DIR, 'kustomization.yaml'), 'utf8')).toBe(kustomization(files));
  });

  it('give every resource a valid Kubernetes name in the liaison namespace', () => {
    for (const d of docs) {
      expect(d.apiVersion && d.kind, JSON.stringify(d).slice(0, 80)).toBeTruthy();
      expect(d.metadata.name, `${d.kind} ${d.metadata.name}`).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
      expect(d.metadata.name.length).toBeLessThanOrEqual(d.kind === 'KafkaTopic' ? 253 : 63);
      if (d.kind !== 'Namespace') expect(d.metadata.namespace, `${d.kind} ${d.metadata.name}`).toBe('liaison');
    }
    const keys = docs.map((d) => `${d.kind}/${d.metadata.name}`);
    expect(new Set(keys).size, 'no resource declared twice').toBe(keys.length);
  });

  it('declare a KRaft cluster with SCRAM on every listener, simple authorization and only the admin as super user', () => {
    const [kafka] = ofKind('Kafka');
    expect(kafka.apiVersion).toBe('kafka.strimzi.io/v1');
    expect(kafka.metadata.name).toBe(CLUSTER);
    for (const l of kafka.spec.kafka.listeners) expect(l.authentication).toEqual({ type: 'scram-sha-512' });
    expect(kafka.spec.kafka.authorization).toEqual({ type: 'simple', superUsers: [ADMIN_PRINCIPAL] });
    expect(kafka.spec.kafka.config['allow.everyone.if.no.acl.found']).toBe(false);
    expect(kafka.spec.kafka.config['auto.create.topics.enable']).toBe(false);
    const [pool] = ofKind('KafkaNodePool');
    expect(pool.spec.roles.sort()).toEqual(['broker', 'controller']);
    expect(pool.metadata.labels['strimzi.io/cluster']).toBe(CLUSTER);
    expect(BOOTSTRAP).toBe(`${CLUSTER}-kafka-bootstrap:${kafka.spec.kafka.listeners[0].port}`);
  });

  it('declare exactly the topics the code uses, with their partitions and retention', () => {
    const declared = ofKind('KafkaTopic');
    for (const t of declared) expect(t.metadata.labels['strimzi.io/cluster']).toBe(CLUSTER);
    const byName = new Map(declared.map((t) => [t.spec.topicName ?? t.metadata.name, t]));
    const plan = topicPlan(parties, indexedAgreements(loadPolicy()));
    expect([...byName.keys()].sort()).toEqual(plan.map((t) => t.name).sort());
    for (const t of plan) {
      expect(byName.get(t.name)!.spec.partitions, t.name).toBe(t.partitions);
      expect(byName.get(t.name)!.spec.config, t.name).toMatchObject(t.config);
    }
    // Names the services build, spelled as the code spells them.
    for (const name of [topics.outbox('DE-NW'), topics.inbox('EUROPOL'), topics.reports('NL'), topics.audit, topics.dlq, topics.held, topics.heldDecisions, topics.lookups, topics.index('benelux-police-treaty')]) expect(byName.has(name), name).toBe(true);
  });

  it('declare one SCRAM user per principal with exactly the per-country ACLs the embedded stack applies', () => {
    const users = new Map(ofKind('KafkaUser').map((u) => [u.metadata.name, u]));
    expect([...users.keys()].sort()).toEqual([ADMIN_PRINCIPAL, REGISTRY_PRINCIPAL, ...Object.values(SERVICE_PRINCIPALS), ...parties.map((p) => principalOf(p.code))].sort());
    for (const u of users.values()) {
      expect(u.spec.authentication).toEqual({ type: 'scram-sha-512' });
      expect(u.metadata.labels['strimzi.io/cluster']).toBe(CLUSTER);
    }
    const plan = aclPlan(parties, indexedAgreements(loadPolicy()));
    for (const principal of [...parties.map((p) => principalOf(p.code)), ...Object.values(SERVICE_PRINCIPALS)]) {
      expect(sortAcls(aclsOf(users.get(principal))), principal).toEqual(sortAcls(plan.filter((a) => a.principal === `User:${principal}`)));
    }
    expect(sortAcls(aclsOf(users.get(REGISTRY_PRINCIPAL)))).toEqual(sortAcls(registryAclPlan()));
    expect(users.get(ADMIN_PRINCIPAL).spec.authorization, 'the super user needs no ACLs').toBeUndefined();
    // No party may touch another party's topics.
    const nl = aclsOf(users.get(principalOf('NL')));
    expect(nl.filter((a) => a.resource === 'TOPIC').every((a) => a.name.endsWith('.NL'))).toBe(true);
  });

  it('run every service against the declared cluster and registry, with probes and resource limits', () => {
    const registry = ofKind('Deployment').find((d) => d.metadata.name === 'liaison-registry');
    expect(registry).toBeDefined();
    expect(REGISTRY_URL).toMatch(new RegExp(`^http://${registry.metadata.name}:${container(registry).ports[0].containerPort}/apis/ccompat/v7$`));
    const secretUsers = new Set(ofKind('KafkaUser').map((u) => u.metadata.name));
    expect(workloads().map((w) => w.metadata.name)).toEqual(expect.arrayContaining(['liaison-gateway', 'liaison-national-adapter', 'liaison-ops-console', 'liaison-contact-point-nl', 'liaison-contact-point-de-nw']));
    for (const w of workloads()) {
      const c = container(w);
      const name = w.metadata.name;
      expect(envOf(w), name).toMatchObject({ KAFKA_BROKERS: BOOTSTRAP, SCHEMA_REGISTRY_URL: REGISTRY_URL, LIAISON_CREDENTIALS_DIR: CREDENTIALS_DIR });
      expect(c.readinessProbe.httpGet, name).toEqual({ path: '/readyz', port: 'http' });
      expect(c.livenessProbe.httpGet, name).toEqual({ path: '/healthz', port: 'http' });
      expect(c.resources.limits, name).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(c.resources.requests, name).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      // The service listens on all interfaces of the pod, on the port the probes and Service use.
      const port = c.ports.find((p: Doc) => p.name === 'http').containerPort;
      const env = envOf(w);
      expect(Object.entries(env).some(([k, v]) => k.endsWith('_PORT') && v === String(port)), `${name} listens on ${port}`).toBe(true);
      expect(Object.entries(env).some(([k, v]) => k.endsWith('_HOST') && v === '0.0.0.0'), `${name} binds 0.0.0.0`).toBe(true);
      for (const p of mountedPrincipals(w)) expect(secretUsers.has(p), `${name} mounts the secret of ${p}`).toBe(true);
      const svc = ofKind('Service').find((s) => s.metadata.name === name);
      expect(svc?.spec.ports[0].port, `Service ${name}`).toBe(port);
    }
  });

  it('scale the gateway as one consumer group with a stable instance id per pod', () => {
    const [gateway] = ofKind('StatefulSet');
    expect(gateway.metadata.name).toBe('liaison-gateway');
    expect(gateway.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(envOf(gateway).LIAISON_GATEWAY_GROUP).toBe('liaison.gateway');
    expect(container(gateway).env.find((e: Doc) => e.name === 'LIAISON_GATEWAY_INSTANCE')).toEqual({ name: 'LIAISON_GATEWAY_INSTANCE', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
    expect(mountedPrincipals(gateway), 'the gateway connects as itself, not as the super user').toEqual([SERVICE_PRINCIPALS.gateway]);
    expect(envOf(gateway).LIAISON_PSEUDONYM_KEYS).toBeDefined();
  });

  it('give the adapter its own principal and the countries’ (it writes each outbox as that country), never the super user’s', () => {
    const adapter = ofKind('Deployment').find((d) => d.metadata.name === 'liaison-national-adapter');
    expect(mountedPrincipals(adapter).sort()).toEqual([SERVICE_PRINCIPALS.adapter, ...parties.map((p) => principalOf(p.code))].sort());
    const admins = workloads().filter((w) => mountedPrincipals(w).includes(ADMIN_PRINCIPAL)).map((w) => w.metadata.name);
    expect(admins, 'no long-running service holds the super user’s password').toEqual([]);
  });

  it('give each country’s contact point its own principal and nobody else’s', () => {
    for (const p of parties) {
      const w = ofKind('Deployment').find((d) => d.metadata.name === `liaison-contact-point-${p.code.toLowerCase()}`);
      expect(w, p.code).toBeDefined();
      expect(envOf(w).LIAISON_CONTACT_POINT_COUNTRIES).toBe(p.code);
      expect(mountedPrincipals(w)).toEqual([principalOf(p.code)]);
      expect(w.spec.replicas).toBe(1);
    }
  });

  it('monitor every service with the same alerts and dashboards as the embedded stack', () => {
    const [rule] = ofKind('PrometheusRule');
    expect(rule.spec).toEqual(parse(readFileSync(join(PROJECT_ROOT, 'infra/prometheus/rules/liaison-alerts.yml'), 'utf8')));
    const [monitor] = ofKind('PodMonitor');
    expect(monitor.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/part-of': 'liaison' });
    expect(monitor.spec.podMetricsEndpoints[0]).toMatchObject({ port: 'http', path: '/metrics' });
    const dashboards = ofKind('ConfigMap').find((c) => c.metadata.labels.grafana_dashboard === '1');
    expect(Object.keys(dashboards.data).sort()).toEqual(liaisonDashboards().map((d) => d.file).sort());
    // The ops console watches every gateway pod, the adapter and every contact point.
    const targets = envOf(ofKind('Deployment').find((d) => d.metadata.name === 'liaison-ops-console')).LIAISON_OPS_TARGETS!.split(',');
    expect(targets).toHaveLength(ofKind('StatefulSet')[0].spec.replicas + 1 + parties.length);
  });
});

describe('the database (CloudNativePG)', () => {
  it('declares one replicated cluster with a managed role and a schema of its own per service, owned by it', () => {
    const [cluster] = ofKind('Cluster');
    expect(cluster).toMatchObject({ apiVersion: 'postgresql.cnpg.io/v1', metadata: { name: DATABASE_CLUSTER }, spec: { instances: 3, minSyncReplicas: 1, bootstrap: { initdb: { database: 'liaison' } } } });
    const roles = cluster.spec.managed.roles as Doc[];
    expect(roles.map((r) => r.name).sort()).toEqual(['liaison_adapter', 'liaison_contact_point', 'liaison_gateway']);
    for (const role of roles) {
      expect(role).toMatchObject({ login: true, ensure: 'present', passwordSecret: { name: databaseSecretOf(role.name) } });
      expect(role.superuser ?? false).toBe(false);
    }
    const sql = cluster.spec.bootstrap.initdb.postInitApplicationSQL as string[];
    expect(sql).toEqual(expect.arrayContaining(['CREATE SCHEMA IF NOT EXISTS adapter AUTHORIZATION liaison_adapter', 'CREATE SCHEMA IF NOT EXISTS contact_point AUTHORIZATION liaison_contact_point', 'CREATE SCHEMA IF NOT EXISTS gateway AUTHORIZATION liaison_gateway']));
  });

  it('gives the gateway, the adapter and every contact point their own role’s DATABASE_URL, from its Secret, and no other service one', () => {
    for (const w of workloads()) {
      const env = container(w).env as Doc[];
      const url = env.find((e) => e.name === 'DATABASE_URL')?.value as string | undefined;
      const role = w.metadata.name === 'liaison-gateway' ? 'liaison_gateway' : w.metadata.name === 'liaison-national-adapter' ? 'liaison_adapter' : w.metadata.name.startsWith('liaison-contact-point-') ? 'liaison_contact_point' : undefined;
      if (role === undefined) {
        expect(url, w.metadata.name).toBeUndefined();
        continue;
      }
      expect(url, w.metadata.name).toBe(`postgres://$(DATABASE_USER):$(DATABASE_PASSWORD)@${DATABASE_CLUSTER}-rw:5432/liaison`);
      // Kubernetes expands $(VAR) only from variables defined before it.
      const names = env.map((e) => e.name);
      expect(names.indexOf('DATABASE_USER')).toBeLessThan(names.indexOf('DATABASE_URL'));
      expect(env.find((e) => e.name === 'DATABASE_PASSWORD').valueFrom.secretKeyRef).toEqual({ name: databaseSecretOf(role), key: 'password' });
    }
  });
});
