import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../../services/policy/policy.ts';

const agreementsFile = (yaml: string): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'liaison-policy-')), 'agreements.yaml');
  writeFileSync(file, yaml);
  return file;
};

const transatlantic = (extra: string) => `agreements:
  - id: transatlantic
    name: Transatlantic
    members: [BE, US]
    crimeAreas: [TERRORISM]
    classificationCeiling: RESTRICTED
    personalDataRoles: [SUSPECT]
    retentionDays: 365
${extra}`;

describe('loadPolicy', () => {
  it('loads the agreements of config/agreements.yaml with a content-hash version', () => {
    const policy = loadPolicy();
    expect(policy.agreements.map((a) => a.id)).toEqual([
      'be-nl-cross-border', 'senn-post', 'hazeldonk', 'benelux-police-treaty', 'benelux-lo-network',
      'six-country-coalition', 'transatlantic', 'latam-source-transit', 'crime-pictures', 'euriec-administrative', 'europol-copy',
    ]);
    expect(policy.version).toMatch(/^[0-9a-f]{16}$/);
  });

  it('refuses a third-country member without a transfer basis (rule 5)', () => {
    const file = agreementsFile(transatlantic('    specialCategories: false\n'));
    expect(() => loadPolicy(file)).toThrow(`${file}: agreements[0] (transatlantic).thirdCountryTransfer: required, US is outside the EU/EEA`);
  });

  it('refuses a hit/no-hit index with a third country, without personal data, or towards some members only', () => {
    const withUs = agreementsFile(transatlantic('    specialCategories: false\n    thirdCountryTransfer: safeguards\n    hitIndex: true\n'));
    expect(() => loadPolicy(withUs)).toThrow(`${withUs}: agreements[0] (transatlantic).hitIndex: not allowed, US is outside the EU/EEA`);
    const eu = (extra: string) => agreementsFile(`agreements:
  - id: pictures
    name: Pictures
    members: [BE, NL, EUROPOL]
    crimeAreas: all
    classificationCeiling: RESTRICTED
    specialCategories: false
    retentionDays: 365
    hitIndex: true
${extra}`);
    expect(() => loadPolicy(eu('    personalDataRoles: []\n'))).toThrow('(pictures).hitIndex: not allowed, the agreement carries no personal data');
    expect(() => loadPolicy(eu('    personalDataRoles: [SUSPECT]\n    onlyTowards: [EUROPOL]\n'))).toThrow('(pictures).hitIndex: not allowed with onlyTowards');
    expect(loadPolicy(eu('    personalDataRoles: [SUSPECT]\n')).agreements[0]!.hitIndex).toBe(true);
  });

  it('refuses special categories towards a third country (rule 3)', () => {
    const file = agreementsFile(transatlantic('    specialCategories: true\n    thirdCountryTransfer: safeguards\n'));
    expect(() => loadPolicy(file)).toThrow('agreements[0] (transatlantic).specialCategories: must be false');
  });

  it('refuses victims or witnesses towards a third country (rule 4)', () => {
    const file = agreementsFile(transatlantic('    specialCategories: false\n    thirdCountryTransfer: safeguards\n').replace('[SUSPECT]', '[SUSPECT, VICTIM]'));
    expect(() => loadPolicy(file)).toThrow('agreements[0] (transatlantic).personalDataRoles: VICTIM not allowed');
  });

  it('names unknown members, crime areas and misspelt fields', () => {
    expect(() => loadPolicy(agreementsFile(transatlantic('    specialCategories: false\n    thirdCountryTransfer: safeguards\n').replace('[BE, US]', '[BE, XX]')))).toThrow('.members[1]: "XX" is not a party');
    expect(() => loadPolicy(agreementsFile(transatlantic('    specialCategories: false\n    thirdCountryTransfer: safeguards\n').replace('[TERRORISM]', '[TERROR]')))).toThrow('.crimeAreas[0]: "TERROR" is not a crime area');
    expect(() => loadPolicy(agreementsFile(transatlantic('    specialCategories: false\n    thirdCountryTransfer: safeguards\n    retentionDay: 3\n')))).toThrow('agreements[0]: must NOT have additional properties "retentionDay"');
  });
});
