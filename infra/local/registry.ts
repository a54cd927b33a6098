/**
 * Apicurio Registry on the embedded stack (Confluent-compatible API): the release this machine's
 * Java can run, fetched with Maven once, its schemas in H2 on disk, and BACKWARD compatibility
 * for every subject.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connection } from '../../services/shared/connection.ts';
import { StackError } from '../../services/shared/errors.ts';
import { findJava, type JavaRuntime, REGISTRY_RELEASES, type RegistryRelease, registryRuntime, requireMaven } from './java.ts';
import { type StackOptions, stackPaths } from './stack-options.ts';
import { startDetached } from './supervision.ts';

const POM = fileURLToPath(new URL('./pom.xml', import.meta.url));

/**
 * The registry release this data folder runs: chosen on its first start (the newest this
 * machine's Java can run) and recorded, because schema ids do not carry over between releases:
 * records written under one would be unreadable under another.
 */
export function recordedRegistry(opts: StackOptions): { release: RegistryRelease; java: JavaRuntime } {
  const file = join(opts.home, 'registry-release');
  if (!existsSync(file)) {
    const chosen = registryRuntime(opts.registryJava);
    writeFileSync(file, `${chosen.release.version}\n`);
    return chosen;
  }
  const version = readFileSync(file, 'utf8').trim();
  const release = REGISTRY_RELEASES.find((r) => r.version === version);
  if (!release) throw new StackError(`${file}: Apicurio Registry ${version} is no longer supported; run \`make clean-stack\` (drops all local data) and \`make up\``);
  const java = findJava(`Apicurio Registry ${version} (recorded in ${file})`, release.minJava, opts.registryJava);
  return { release, java };
}

/** Fetches the jars once; again only when the pom changes. */
export function resolveArtifacts(opts: StackOptions, release: RegistryRelease): void {
  const p = stackPaths(opts.home, opts.dist);
  const pomHash = createHash('sha256').update(readFileSync(POM)).digest('hex');
  const jar = join(p.registryDir(release), release.jar);
  if (existsSync(p.resolvedStamp(release)) && readFileSync(p.resolvedStamp(release), 'utf8') === pomHash && existsSync(jar)) return;
  const mvn = requireMaven();
  opts.progress(`Fetching Apache Kafka and Apicurio Registry ${release.version} from Maven Central (first run only, about 200 MB)...`);
  rmSync(p.registryDir(release), { recursive: true, force: true });
  rmSync(join(p.dist, 'kafka'), { recursive: true, force: true });
  // Maven's unpack markers: with them left, Maven would think the folders just removed were still unpacked.
  rmSync(join(p.dist, 'target'), { recursive: true, force: true });
  const dir = p.registryDir(release).slice(p.dist.length + 1);
  const result = spawnSync(mvn, ['-B', '-q', '-f', POM, 'generate-resources', `-Dliaison.dist=${p.dist}`, `-Dapicurio.version=${release.version}`, `-Dapicurio.dir=${dir}`], { stdio: 'inherit' });
  if (result.status !== 0) throw new StackError(`Maven could not fetch the stack (exit ${result.status}); see the output above`);
  if (!existsSync(jar)) throw new StackError(`Maven finished but ${jar} is missing`);
  writeFileSync(p.resolvedStamp(release), pomHash);
}

export function startRegistry(opts: StackOptions, { release, java }: { release: RegistryRelease; java: JavaRuntime }): void {
  const p = stackPaths(opts.home, opts.dist);
  startDetached(
    opts.home,
    'registry',
    java.bin,
    [
      '-Xmx512m',
      `-Dquarkus.http.host=127.0.0.1`,
      `-Dquarkus.http.port=${opts.registryPort}`,
      `-Dquarkus.management.host=127.0.0.1`,
      `-Dquarkus.management.port=${opts.registryManagementPort}`,
      // H2 on disk, not in memory: Kafka keeps its records across `down`/`up`, and each
      // record names its schema by id, so the ids must survive too.
      '-Dapicurio.storage.kind=sql',
      '-Dapicurio.storage.sql.kind=h2',
      `-Dapicurio.datasource.url=jdbc:h2:file:${p.registryData(release)};DB_CLOSE_ON_EXIT=FALSE`,
      '-jar',
      join(p.registryDir(release), release.jar),
    ],
    p.registryDir(release),
  );
}

export async function registryReady(connection: Connection): Promise<void> {
  const response = await fetch(`${connection.registryUrl}/subjects`);
  if (!response.ok) throw new Error(`registry answered ${response.status}`);
}

/** BACKWARD compatibility for every subject: consumers on the new schema can read old records. */
export async function setGlobalCompatibility(connection: Connection): Promise<void> {
  const response = await fetch(`${connection.registryUrl}/config`, {
    method: 'PUT',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ compatibility: 'BACKWARD' }),
  });
  if (!response.ok) throw new StackError(`could not set the registry's global compatibility: ${response.status} ${await response.text()}`);
}
