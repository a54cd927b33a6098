import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agreementsAt, diffPolicies } from '../../../services/cli/policy-diff.ts';
import { DEFAULT_AGREEMENTS_FILE, loadPolicy } from '../../../services/policy/index.ts';
import { contact, notice, suspect, witness } from '../../fixtures/notices.ts';

const now = Date.parse('2026-11-22T10:00:00Z');

/** The agreements with one of them dropped and another narrowed to suspects. */
function proposed(): string {
  const yaml = readFileSync(DEFAULT_AGREEMENTS_FILE, 'utf8');
  const dropped = yaml.replace(/  - id: be-nl-cross-border\n(?: {4}.*\n)+\n/, '');
  const narrowed = dropped.replace(/(  - id: hazeldonk\n(?: {4}.*\n)*? {4}personalDataRoles: )\[[^\]]*\]/, '$1[SUSPECT]');
  expect(narrowed).not.toBe(dropped);
  expect(dropped).not.toBe(yaml);
  const file = join(mkdtempSync(join(tmpdir(), 'liaison-diff-test-')), 'agreements.yaml');
  writeFileSync(file, narrowed);
  return file;
}

describe('liaison policy diff', () => {
  const before = loadPolicy();
  const after = loadPolicy(proposed());
  const atm = notice({ caseRef: 'ANR-2026-0101', crimeAreas: ['ATM_ATTACKS'], recipients: ['NL'], subjects: [suspect] });
  const tourism = notice({ caseRef: 'ANR-2026-0102', crimeAreas: ['DRUG_TOURISM'], recipients: ['FR', 'US'], subjects: [suspect, contact, witness] });

  it('names every delivery that would change, with its status and the fields now withheld or released, and counts them per agreement', () => {
    const diff = diffPolicies(before, after, [{ notice: atm, origin: 'BE' }, { notice: tourism, origin: 'BE' }], now);
    expect(diff.notices).toBe(2);
    expect(diff.deliveries).toBe(3);
    const nl = diff.changes.find((c) => c.destination === 'NL')!;
    expect(nl).toMatchObject({ noticeId: atm.noticeId, origin: 'BE', before: { agreement: 'be-nl-cross-border' }, after: { agreement: 'benelux-police-treaty' } });
    const fr = diff.changes.find((c) => c.destination === 'FR')!;
    expect(fr.before).toEqual(fr.after); // the same status under the same agreement...
    expect(fr.withheld).toContain('subjects[1] removed'); // ...but the contact no longer goes
    expect(fr.released).toEqual([]);
    // The US is decided alike under both: not listed.
    expect(diff.changes.map((c) => c.destination).sort()).toEqual(['FR', 'NL']);
    expect(Object.fromEntries(diff.byAgreement)).toEqual({ 'be-nl-cross-border → benelux-police-treaty': 1, hazeldonk: 1 });
    // The report names notices, routes and field paths, never a value of the notice.
    const text = JSON.stringify(diff.changes);
    for (const value of ['Van Damme', 'de Vries', 'Peeters', '+31 6 12345678', '+32 470 12 34 56']) expect(text).not.toContain(value);
  });

  it('shows what a destination no longer gets at once when its transfers become a derogation', () => {
    const yaml = readFileSync(DEFAULT_AGREEMENTS_FILE, 'utf8').replace(/(  - id: transatlantic\n(?: {4}.*\n)*? {4}thirdCountryTransfer: )safeguards/, '$1derogation');
    const file = join(mkdtempSync(join(tmpdir(), 'liaison-diff-test-')), 'agreements.yaml');
    writeFileSync(file, yaml);
    const toUs = notice({ crimeAreas: ['COCAINE_TRAFFICKING'], recipients: ['US'], subjects: [suspect] });
    const [change] = diffPolicies(before, loadPolicy(file), [{ notice: toUs, origin: 'BE' }], now).changes;
    expect(change).toMatchObject({ destination: 'US', before: { status: 'DELIVERED_FILTERED' }, after: { status: 'HELD_FOR_REVIEW', agreement: 'transatlantic' } });
    expect(change!.withheld).toContain('subjects[0] removed'); // the suspect waits for the DPO
  });

  it('reports nothing between a policy and itself', () => {
    const diff = diffPolicies(before, loadPolicy(), [{ notice: atm, origin: 'BE' }, { notice: tourism, origin: 'BE' }], now);
    expect(diff.changes).toEqual([]);
    expect(diff.deliveries).toBe(3);
  });

  it('takes --from as a file, or as a git revision of config/agreements.yaml, and names what it cannot find', () => {
    expect(agreementsAt(DEFAULT_AGREEMENTS_FILE)).toBe(DEFAULT_AGREEMENTS_FILE);
    expect(readFileSync(agreementsAt('HEAD'), 'utf8')).toContain('be-nl-cross-border');
    expect(() => agreementsAt('no-such-revision-or-file')).toThrow(/--from: "no-such-revision-or-file" is neither a file nor a git revision/);
  });
});
