import { describe, expect, it } from 'vitest';
import { chooseRegistry, findJava, parseJavaMajor, REGISTRY_RELEASES } from '../../../infra/local/java.ts';

describe('parseJavaMajor', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['openjdk version "25.0.3" 2026-04-21 LTS', 25],
    ['java version "1.8.0_402"', 8],
    ['openjdk version "21" 2023-09-19', 21],
  ])('%s → %i', (output, major) => {
    expect(parseJavaMajor(output)).toBe(major);
  });

  it('returns undefined for output that names no version', () => {
    expect(parseJavaMajor('bash: java: command not found')).toBeUndefined();
  });
});

describe('findJava', () => {
  it('names the component and how to proceed when an override is not a java', () => {
    expect(() => findJava('Apicurio Registry', 21, '/nonexistent/bin/java')).toThrow(
      'Apicurio Registry: /nonexistent/bin/java is not a working java',
    );
  });

  it('explains what is missing when no runtime is new enough', () => {
    expect(() => findJava('Some component', 999, undefined, { PATH: process.env.PATH })).toThrow(/needs Java 999 or newer/);
  });
});

describe('chooseRegistry: the registry release a machine can run', () => {
  const java = (major: number) => ({ bin: `/usr/lib/jvm/java-${major}/bin/java`, major });
  /** A machine with these Java versions: findJava's answer for each minimum. */
  const machine = (...majors: number[]) => (min: number) => {
    const found = majors.filter((m) => m >= min).sort((a, b) => b - a)[0];
    if (found === undefined) throw new Error(`needs Java ${min} or newer`);
    return java(found);
  };

  it('runs the newest release (3.3.3) where a Java 21 or newer is found', () => {
    expect(chooseRegistry(machine(17, 25), undefined)).toEqual({ release: REGISTRY_RELEASES[0], java: java(25) });
    expect(chooseRegistry(machine(21), undefined).release.version).toBe('3.3.3');
  });

  it('runs 3.0.9 on Java 17 where that is all there is (stock Debian 12)', () => {
    const { release, java: chosen } = chooseRegistry(machine(17), undefined);
    expect(release).toEqual({ version: '3.0.9', jar: 'apicurio-registry-app-3.0.9-runner.jar', minJava: 17 });
    expect(chosen.major).toBe(17);
  });

  it('follows LIAISON_REGISTRY_JAVA: the newest release that runtime can run', () => {
    expect(chooseRegistry(machine(25), java(17)).release.version).toBe('3.0.9');
    expect(chooseRegistry(machine(17), java(21)).release.version).toBe('3.3.3');
    expect(() => chooseRegistry(machine(25), java(11))).toThrow(/Java 11; every release needs 17 or newer/);
  });

  it('says what is missing when no Java at all is found', () => {
    expect(() => chooseRegistry(machine(), undefined)).toThrow(/needs Java 17 or newer/);
  });
});
