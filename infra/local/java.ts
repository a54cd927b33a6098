/**
 * Finding the Java runtimes and Maven that the embedded stack needs, with errors that say
 * what is missing and how to install it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { StackError } from '../../services/shared/errors.ts';

export interface JavaRuntime {
  bin: string;
  major: number;
}

/** `openjdk version "17.0.15"` / `openjdk version "25.0.3" 2026-04-21 LTS` → 17 / 25 */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 ? Number(match[2]) : first; // "1.8.0" is Java 8
}

function probe(bin: string): JavaRuntime | undefined {
  const result = spawnSync(bin, ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  const major = parseJavaMajor(`${result.stderr}${result.stdout}`);
  return major === undefined ? undefined : { bin, major };
}

function candidates(env: NodeJS.ProcessEnv): string[] {
  const list: string[] = [];
  if (env.JAVA_HOME) list.push(join(env.JAVA_HOME, 'bin', 'java'));
  list.push('java');
  for (const root of ['/usr/lib/jvm', '/opt/java', '/usr/java']) {
    if (!existsSync(root)) continue;
    for (const dir of readdirSync(root)) list.push(join(root, dir, 'bin', 'java'));
  }
  return list;
}

/**
 * The runtime for a component: the one named by `override` if set, else the first of JAVA_HOME,
 * PATH and the usual JVM folders that is at least `minMajor`.
 */
export function findJava(component: string, minMajor: number, override: string | undefined, env = process.env): JavaRuntime {
  if (override) {
    const found = probe(override);
    if (!found) throw new StackError(`${component}: ${override} is not a working java`);
    if (found.major < minMajor) throw new StackError(`${component}: ${override} is Java ${found.major}, needs ${minMajor} or newer`);
    return found;
  }
  const seen: JavaRuntime[] = [];
  for (const bin of candidates(env)) {
    const found = probe(bin);
    if (!found) continue;
    if (found.major >= minMajor) return found;
    seen.push(found);
  }
  const have = seen.length ? `found only ${seen.map((j) => `Java ${j.major} (${j.bin})`).join(', ')}` : 'no java found';
  throw new StackError(
    `${component} needs Java ${minMajor} or newer: ${have}. ` +
      (minMajor <= 17
        ? 'Install it with `sudo apt-get install -y openjdk-17-jre-headless` or set JAVA_HOME.'
        : `Install a JDK ${minMajor}+ (for example Eclipse Temurin from https://adoptium.net) and set LIAISON_REGISTRY_JAVA to its bin/java.`),
  );
}

export function requireMaven(): string {
  const result = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new StackError('Maven is needed to fetch Kafka and the schema registry from Maven Central: install it with `sudo apt-get install -y maven`');
  }
  return 'mvn';
}

/** A release of Apicurio Registry the embedded stack can run, and what it needs. */
export interface RegistryRelease {
  version: string;
  /** The jar to run, in the folder the release is unpacked into. */
  jar: string;
  minJava: number;
}

/**
 * Newest first. 3.3 is compiled for Java 21; 3.0.9 is the newest release built for Java 17
 * (Debian 12 packages no newer Java): same storage settings, the same Confluent API (v7).
 */
export const REGISTRY_RELEASES: readonly RegistryRelease[] = [
  { version: '3.3.3', jar: 'quarkus-run.jar', minJava: 21 },
  { version: '3.0.9', jar: 'apicurio-registry-app-3.0.9-runner.jar', minJava: 17 },
];

/**
 * The newest registry release some Java here can run, with that Java: `find(minMajor)` gives a
 * runtime of at least that version or throws (findJava). With `override` (LIAISON_REGISTRY_JAVA)
 * the release is the newest that runtime can run.
 */
export function chooseRegistry(find: (minMajor: number) => JavaRuntime, override: JavaRuntime | undefined): { release: RegistryRelease; java: JavaRuntime } {
  if (override) {
    const release = REGISTRY_RELEASES.find((r) => override.major >= r.minJava);
    if (!release) throw new StackError(`Apicurio Registry: ${override.bin} is Java ${override.major}; every release needs ${REGISTRY_RELEASES.at(-1)!.minJava} or newer`);
    return { release, java: override };
  }
  let last: unknown;
  for (const release of REGISTRY_RELEASES) {
    try {
      return { release, java: find(release.minJava) };
    } catch (error) {
      last = error;
    }
  }
  throw last;
}

/** The registry to run on this machine (LIAISON_REGISTRY_JAVA, else the newest Java found). */
export function registryRuntime(override: string | undefined, env = process.env): { release: RegistryRelease; java: JavaRuntime } {
  const forced = override ? findJava('Apicurio Registry', REGISTRY_RELEASES.at(-1)!.minJava, override, env) : undefined;
  return chooseRegistry((min) => findJava('Apicurio Registry', min, undefined, env), forced);
}
