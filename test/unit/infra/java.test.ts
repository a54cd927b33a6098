import { describe, expect, it } from 'vitest';
import { findJava, parseJavaMajor } from '../../../infra/local/java.ts';

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
