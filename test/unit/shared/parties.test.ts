import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadParties } from '../../../services/shared/parties.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/config/${name}`, import.meta.url));

describe('loadParties', () => {
  it('loads the parties of every agreement in config/parties.yaml', () => {
    const codes = loadParties().map((p) => p.code);
    for (const code of ['BE', 'NL', 'LU', 'FR', 'DE', 'DE-NW', 'IT', 'ES', 'US', 'CO', 'BR', 'EC', 'PA', 'PY', 'BO', 'PE', 'EUROPOL']) {
      expect(codes).toContain(code);
    }
  });

  it('names the file, the entry and the field of every problem', () => {
    const file = fixture('parties-bad-code.yaml');
    expect(() => loadParties(file)).toThrow(`${file}: parties[1].code: must match pattern`);
    expect(() => loadParties(file)).toThrow('parties[2].region: must be equal to one of the allowed values');
  });

  it('refuses a party listed twice', () => {
    expect(() => loadParties(fixture('parties-duplicate.yaml'))).toThrow('parties[1].code: "BE" is listed twice');
  });

  it('refuses a parent that is not a party', () => {
    expect(() => loadParties(fixture('parties-bad-parent.yaml'))).toThrow('parties[0].parent: "DE" is not a listed party');
  });

  it('says when the file cannot be read', () => {
    expect(() => loadParties('/nonexistent/parties.yaml')).toThrow('/nonexistent/parties.yaml: cannot be read');
  });
});
