import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMPOSE_ENV_FILES, COMPOSE_SECRETS, generateComposeSecrets, KAFKA_HOST, KAFKA_PORT, POSTGRES_INIT } from '../../../infra/compose/secrets.ts';
import { PROJECT_ROOT, type StackCredentials } from '../../../services/shared/connection.ts';
import { loadParties } from '../../../services/shared/parties.ts';
import { ADMIN_PRINCIPAL, principalOf, SERVICE_PRINCIPALS } from '../../../services/shared/topology.ts';

type Service = {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  secrets?: string[];
  env_file?: string;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
};

const COMPOSE_DIR = join(PROJECT_ROOT, 'infra/compose');
const compose = parse(readFileSync(join(COMPOSE_DIR, 'compose.yaml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  secrets: Record<string, { file: string }>;
};
const services = Object.entries(compose.services);
const liaisonServices = services.filter(([, s]) => s.image === 'liaison/liaison:0.1.0');
const secretsDir = (() => {
  const dir = join(mkdtempSync(join(tmpdir(), 'liaison-compose-')), 'secrets');
  generateComposeSecrets(dir);
  return dir;
})();
const properties = readFileSync(join(secretsDir, COMPOSE_SECRETS['kafka-server-properties']), 'utf8');

describe('Docker Compose deployment (infra/compose)', () => {
  it('declares every secret a service mounts, and the generator writes each of them', () => {
    for (const [name, s] of services) for (const secret of s.secrets ?? []) expect(compose.secrets[secret], `${name} mounts ${secret}`).toBeDefined();
    expect(Object.keys(compose.secrets).sort()).toEqual(Object.keys(COMPOSE_SECRETS).sort());
    for (const [secret, { file }] of Object.entries(compose.secrets)) {
      expect(file, secret).toBe(`secrets/${COMPOSE_SECRETS[secret as keyof typeof COMPOSE_SECRETS]}`);
      expect(existsSync(join(dirname(secretsDir), file)), file).toBe(true);
    }
    // Both gateways read one env file (their role is one).
    const envFiles = [...new Set(services.flatMap(([, s]) => (s.env_file ? [s.env_file] : [])))];
    expect(envFiles.sort()).toEqual(COMPOSE_ENV_FILES.map((f) => `secrets/${f}`).sort());
    for (const f of envFiles) expect(existsSync(join(dirname(secretsDir), f)), f).toBe(true);
  });

  it('keeps the generated secrets out of git and away from other users of the host', () => {
    const ignored = spawnSync('git', ['check-ignore', '-q', 'infra/compose/secrets/kafka-credentials.json'], { cwd: PROJECT_ROOT });
    expect(ignored.status, 'infra/compose/secrets/ is ignored').toBe(0);
    expect(statSync(secretsDir).mode & 0o077).toBe(0);
    expect(statSync(join(secretsDir, 'api-tokens.json')).mode & 0o077, 'plain tokens: owner only').toBe(0);
    expect(statSync(join(secretsDir, 'registry-db.env')).mode & 0o077).toBe(0);
  });

  it('does not change existing secrets when run again', () => {
    const before = readFileSync(join(secretsDir, COMPOSE_SECRETS['kafka-credentials']), 'utf8');
    expect(generateComposeSecrets(secretsDir)).toEqual([]);
    expect(readFileSync(join(secretsDir, COMPOSE_SECRETS['kafka-credentials']), 'utf8')).toBe(before);
  });

  it('runs Kafka with the embedded stack’s security: SCRAM everywhere, ACLs, no anonymous super user', () => {
    expect(properties).toContain(`advertised.listeners=CLIENT://${KAFKA_HOST}:${KAFKA_PORT}`);
    expect(properties).toContain('listener.security.protocol.map=CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT');
    expect(properties).toContain('authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer');
    expect(properties).toContain('allow.everyone.if.no.acl.found=false');
    expect(properties).toContain(`super.users=User:${ADMIN_PRINCIPAL}`);
    expect(properties).not.toMatch(/ANONYMOUS|PLAINTEXT:PLAINTEXT/);
    const credentials = JSON.parse(readFileSync(join(secretsDir, COMPOSE_SECRETS['kafka-credentials']), 'utf8')) as StackCredentials;
    const scram = readFileSync(join(secretsDir, COMPOSE_SECRETS['kafka-scram-users']), 'utf8').trim().split('\n');
    const principals = [ADMIN_PRINCIPAL, ...Object.values(SERVICE_PRINCIPALS), ...loadParties().map((p) => principalOf(p.code))];
    expect(scram.map((l) => l.match(/name=([^,]+),/)![1]).sort()).toEqual(principals.sort());
    for (const [code, c] of Object.entries(credentials.parties)) expect(scram, code).toContain(`SCRAM-SHA-512=[name=${principalOf(code)},password=${c.password}]`);
    // The broker is formatted with those users and started with those properties.
    const kafka = compose.services.kafka!;
    expect(kafka.command!.join('\n')).toMatch(/kafka-storage\.sh format --ignore-formatted .*\/run\/secrets\/kafka-server-properties/);
    expect(kafka.command!.join('\n')).toContain('kafka-server-start.sh /run/secrets/kafka-server-properties');
    expect(kafka.ports, 'Kafka is not published on the host').toBeUndefined();
  });

  it('points every Liaison service at that broker and the registry, after provisioning', () => {
    expect(liaisonServices.map(([name]) => name).sort()).toEqual(['contact-point', 'gateway-1', 'gateway-2', 'national-adapter', 'ops-console', 'provision']);
    for (const [name, s] of liaisonServices) {
      expect(s.environment, name).toMatchObject({
        KAFKA_BROKERS: `${KAFKA_HOST}:${KAFKA_PORT}`,
        SCHEMA_REGISTRY_URL: 'http://registry:8080/apis/ccompat/v7',
      });
      expect(s.build).toEqual({ context: '../..', dockerfile: 'infra/docker/Dockerfile' });
      if (name !== 'provision') expect(s.depends_on, name).toMatchObject({ provision: { condition: 'service_completed_successfully' } });
      if (name !== 'provision') expect(Object.entries(s.environment!).some(([k, v]) => k.endsWith('_HOST') && v === '0.0.0.0'), `${name} binds 0.0.0.0`).toBe(true);
    }
    expect(compose.services.provision!.command).toEqual(['node', 'bin/liaison.mjs', 'provision']);
    // Each service reads the credentials file mounted for it, and holds only its own principals' passwords.
    const mounted = (name: string) => {
      const s = compose.services[name]!;
      const file = s.environment!.LIAISON_CREDENTIALS!;
      const secret = file.replace('/run/secrets/', '');
      expect(s.secrets, name).toContain(secret);
      const credentials = JSON.parse(readFileSync(join(secretsDir, COMPOSE_SECRETS[secret as keyof typeof COMPOSE_SECRETS]), 'utf8')) as StackCredentials;
      return [credentials.admin, ...Object.values(credentials.services ?? {}), ...Object.values(credentials.parties)].filter((c) => c.password !== '').map((c) => c.username).sort();
    };
    const countries = loadParties().map((p) => principalOf(p.code));
    expect(mounted('provision')).toContain(ADMIN_PRINCIPAL);
    expect(mounted('gateway-1')).toEqual([SERVICE_PRINCIPALS.gateway]);
    expect(mounted('gateway-2')).toEqual([SERVICE_PRINCIPALS.gateway]);
    expect(mounted('national-adapter')).toEqual([SERVICE_PRINCIPALS.adapter, ...countries].sort());
    expect(mounted('contact-point')).toEqual([...countries].sort());
    expect(compose.services['ops-console']!.environment!.LIAISON_CREDENTIALS).toBeUndefined();
    expect(compose.services.kafka!.image).toBe('apache/kafka:4.3.1');
    expect(compose.services.registry!.image).toBe('apicurio/apicurio-registry:3.3.3');
  });

  it('runs two gateway instances in one consumer group, each with its own instance id and the pseudonym keys', () => {
    const gateways = liaisonServices.filter(([name]) => name.startsWith('gateway-'));
    expect(new Set(gateways.map(([, s]) => s.environment!.LIAISON_GATEWAY_INSTANCE)).size).toBe(2);
    expect(new Set(gateways.map(([, s]) => s.environment!.LIAISON_GATEWAY_GROUP))).toEqual(new Set(['liaison.gateway']));
    for (const [, s] of gateways) {
      expect(s.secrets).toContain('pseudonym-keys');
      expect(s.environment!.LIAISON_PSEUDONYM_KEYS).toBe('/run/secrets/pseudonym-keys');
      expect(s.command).toEqual(['node', '--import', 'tsx', 'services/gateway/main.ts']);
    }
  });

  it('publishes ports on the host’s loopback only', () => {
    for (const [name, s] of services) for (const p of s.ports ?? []) expect(p, name).toMatch(/^127\.0\.0\.1:/);
  });

  it('scrapes every Liaison service with the embedded stack’s rules (promtool check config)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'liaison-compose-prometheus-'));
    cpSync(join(COMPOSE_DIR, 'prometheus.yml'), join(dir, 'prometheus.yml'));
    const prometheus = compose.services.prometheus!;
    expect(prometheus.volumes).toContain('../prometheus/rules:/etc/prometheus/rules:ro');
    cpSync(join(PROJECT_ROOT, 'infra/prometheus/rules'), join(dir, 'rules'), { recursive: true });
    const result = spawnSync('promtool', ['check', 'config', 'prometheus.yml'], { cwd: dir, encoding: 'utf8' });
    expect(result.stdout + result.stderr).toContain('SUCCESS');
    expect(result.status).toBe(0);

    const config = parse(readFileSync(join(COMPOSE_DIR, 'prometheus.yml'), 'utf8'));
    const targets: string[] = config.scrape_configs.flatMap((c: { job_name: string; static_configs: Array<{ targets: string[] }> }) => (c.job_name.startsWith('liaison-') ? c.static_configs.flatMap((s) => s.targets) : []));
    const served = liaisonServices.filter(([name]) => name !== 'provision').map(([name]) => name);
    expect(targets.map((t) => t.split(':')[0]).sort()).toEqual(served.sort());
    for (const t of targets) {
      const [host, port] = t.split(':');
      const s = compose.services[host!]!;
      const published = (s.ports ?? []).map((p) => p.split(':').at(-1));
      const command = s.command!.join(' ');
      const defaultPort = { gateway: '18090', 'national-adapter': '18100', 'contact-point': '18200', 'ops-console': '18300' }[command.match(/services\/([a-z-]+)\/main\.ts/)![1]!];
      expect(port, t).toBe(defaultPort);
      if (published.length) expect(published, t).toContain(port);
    }
    // The ops console watches the same services.
    const opsTargets = compose.services['ops-console']!.environment!.LIAISON_OPS_TARGETS!.split(',').map((t) => new URL(t.split('=')[1]!).host);
    expect(opsTargets.sort()).toEqual(targets.filter((t) => !t.startsWith('ops-console')).sort());
  });

  it('provisions Grafana with the Liaison datasource and dashboards', () => {
    const grafana = compose.services.grafana!;
    expect(grafana.volumes).toEqual(expect.arrayContaining(['../grafana/provisioning:/etc/grafana/provisioning:ro', '../grafana/dashboards:/var/lib/grafana/dashboards/liaison:ro']));
    expect(grafana.environment!.LIAISON_PROMETHEUS_URL).toBe('http://prometheus:9090');
    expect(grafana.environment!.GF_SECURITY_ADMIN_PASSWORD__FILE).toBe('/run/secrets/grafana-admin-password');
  });
});

describe('the Liaison image (infra/docker/Dockerfile)', () => {
  const dockerfile = readFileSync(join(PROJECT_ROOT, 'infra/docker/Dockerfile'), 'utf8');
  const copied = [...dockerfile.matchAll(/^COPY (\S+) /gm)].map((m) => m[1]!);
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

  /** Every file reachable by import from the entry points, and every package they import. */
  function reachable(entries: string[]): { files: Set<string>; packages: Set<string> } {
    const files = new Set<string>();
    const packages = new Set<string>();
    const queue = entries.map((e) => join(PROJECT_ROOT, e));
    while (queue.length) {
      const file = queue.pop()!;
      if (files.has(file)) continue;
      files.add(file);
      const source = readFileSync(file, 'utf8');
      for (const m of source.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'([^']+)'/g)) {
        const spec = m[1]!;
        if (spec.startsWith('.')) {
          const target = resolve(dirname(file), spec);
          if (/\.(ts|mjs|js)$/.test(target)) queue.push(target);
        } else if (!spec.startsWith('node:') && !builtinModules.includes(spec)) {
          packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
        }
      }
    }
    return { files, packages };
  }

  it('copies every file the services and the CLI import, and installs every package they use', () => {
    for (const source of copied) expect(existsSync(join(PROJECT_ROOT, source)), `COPY ${source}`).toBe(true);
    const entries = ['bin/liaison.mjs', 'services/gateway/main.ts', 'services/national-adapter/main.ts', 'services/contact-point/main.ts', 'services/ops-console/main.ts'];
    const { files, packages } = reachable(entries);
    expect(files.size).toBeGreaterThan(20);
    for (const file of files) {
      const rel = relative(PROJECT_ROOT, file);
      expect(copied.some((c) => rel === c || rel.startsWith(`${c.replace(/\/$/, '')}/`)), `${rel} is in the image`).toBe(true);
    }
    for (const p of packages) expect(pkg.dependencies[p], `${p} is a runtime dependency (npm ci --omit=dev)`).toBeDefined();
    // Data files the services read at run time.
    expect(copied).toEqual(expect.arrayContaining(['config', 'schemas']));
  });

  it('gives each service with state its own database role and schema, and its URL in its own env file only', () => {
    const postgres = compose.services.postgres!;
    expect(postgres.image).toMatch(/^postgres:/);
    expect(postgres.volumes).toContain(`./secrets/${POSTGRES_INIT}:/docker-entrypoint-initdb.d/10-liaison.sql:ro`);
    const init = readFileSync(join(secretsDir, POSTGRES_INIT), 'utf8');
    for (const [service, role, schema] of [['gateway-1', 'liaison_gateway', 'gateway'], ['gateway-2', 'liaison_gateway', 'gateway'], ['national-adapter', 'liaison_adapter', 'adapter'], ['contact-point', 'liaison_contact_point', 'contact_point']] as const) {
      expect(init).toContain(`CREATE SCHEMA "${schema}" AUTHORIZATION "${role}";`);
      const envFile = compose.services[service]!.env_file!;
      const url = new URL(readFileSync(join(secretsDir, envFile.replace(/^secrets\//, '')), 'utf8').trim().replace(/^DATABASE_URL=/, ''));
      expect([url.hostname, url.port, url.pathname, decodeURIComponent(url.username)]).toEqual(['postgres', '5432', '/liaison', role]);
    }
    expect(init).not.toMatch(/SUPERUSER|CREATEDB|CREATEROLE/);
  });

  it('runs as the unprivileged user the Kubernetes manifests expect', () => {
    expect(dockerfile).toMatch(/^USER node$/m);
  });
});
