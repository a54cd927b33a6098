import { describe, expect, it } from 'vitest';
import { declaredBySubject, DeclaredMasker, nationalNumber } from '../../../services/policy/declared-identifiers.ts';
import { actionsForRecipient, decide } from '../../../services/policy/engine.ts';
import { deliveriesOf } from '../../../services/policy/delivery.ts';
import { loadPolicy, type Policy } from '../../../services/policy/policy.ts';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { notice, person } from '../../fixtures/notices.ts';

const policy = loadPolicy();
const keys = (id: string) => Buffer.from(`declared-test-${id}`.padEnd(32, '#'));
const now = Date.parse('2026-11-22T10:00:00Z');

const maes = person({
  subjectId: 'S1', role: 'SUSPECT', familyName: 'Maes', givenNames: 'Dries', dateOfBirth: '1969-01-15', phoneNumbers: ['+32 470 12 34 56'], emailAddresses: ['drugs.boss@example.nl'],
  documents: [{ type: 'OTHER', number: '69.01.15-431.90', issuingCountry: 'BE' }], addresses: [{ street: 'Kribbestraat 3', postcode: '2000', city: 'Antwerpen', country: 'BE' }],
});
const wouters = person({ subjectId: 'V1', role: 'VICTIM', familyName: 'Wouters', givenNames: 'Lies', phoneNumbers: ['0032 3 123 45 67'] });

const copyFor = (n: EuLiaison.Notice, destination: string, p: Policy = policy) => {
  const d = decide(p, keys, { notice: n, origin: n.sender.country, destination, now });
  return { decision: d, copy: (d.deliver[0] ?? d.hold)!.notice };
};

describe('what a notice declares is masked wherever it reappears (rule 7)', () => {
  it('masks each written form of a declared identifier, and nothing else', () => {
    const masker = new DeclaredMasker(declaredBySubject(maes));
    const cases: Array<[string, string]> = [
      ['Dries Maes was seen', '[name removed] was seen'],
      ['MAES Dries was seen', '[name removed] was seen'],
      ['Maes, Dries was seen', '[name removed] was seen'],
      ['D. Maes was seen', '[name removed] was seen'],
      ['call 0470/12.34.56', 'call [phone removed]'],
      ['call 0032470123456', 'call [phone removed]'],
      ['call +32 (0)470-12-34-56', 'call [phone removed]'],
      ['mail drugs.boss [at] example [dot] nl', 'mail [email removed]'],
      ['NRN 690115431 90', 'NRN [number removed]'],
      ['lives Kribbestraat 3, Antwerpen', 'lives [address removed], Antwerpen'],
      ['born 15 January 1969', 'born [date-of-birth removed]'],
      ['geboren 15 januari 1969', 'geboren [date-of-birth removed]'],
      ['born 15/01/1969', 'born [date-of-birth removed]'],
      ['Maesen and Dries Verhoeven, 1.250 kg, call 0470 12 34 57', 'Maesen and Dries Verhoeven, 1.250 kg, call 0470 12 34 57'],
    ];
    for (const [text, masked] of cases) expect(masker.mask(text).text, text).toBe(masked);
  });

  it('reads phone numbers the same whatever their prefix', () => {
    expect(new Set(['+32 470 12 34 56', '0032 470 12 34 56', '0470/12.34.56', '+32 (0)470 123456'].map(nationalNumber))).toEqual(new Set(['470123456']));
  });

  it('gives Luxembourg nothing personal under crime pictures, in any field people type into', () => {
    const n = notice({
      recipients: ['LU'], legalBasis: 'crime-pictures', crimeAreas: ['COCAINE_TRAFFICKING'],
      purpose: 'contact analyst at +32 2 555 12 34',
      handling: { code: 'H1', h3Text: null, processingConditions: ['Questions to j.peeters@police.be'] },
      organisations: [{ name: 'Scheldt Fruit Import BV', registrationNumber: null, country: 'BE', role: 'front company, call 0470/12.34.56' }],
      summary: 'Dries Maes (born 14/03/1987) drives 1ABC234; mail drugs.boss [at] example [dot] nl; wallet bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq. 1.250 kg, container MSCU1234565.',
      subjects: [maes],
    });
    const { copy } = copyFor(n, 'LU');
    const text = JSON.stringify(copy);
    for (const leak of ['555 12 34', 'j.peeters', '0470/12.34.56', 'Maes', '14/03/1987', '1ABC234', 'drugs.boss', 'bc1qar0']) expect(text, leak).not.toContain(leak);
    expect(copy.summary).toContain('1.250 kg, container MSCU1234565');
    expect(copy.subjects).toEqual([]);
  });

  it('gives the US neither the victim named in the summary nor the suspect’s street, full date of birth or register number', () => {
    const n = notice({
      recipients: ['US'], crimeAreas: ['COCAINE_TRAFFICKING'],
      summary: 'Lies Wouters (the victim) was threatened by Dries Maes at Kribbestraat 3; Wouters called 03 123 45 67.',
      subjects: [maes, wouters],
      vehicles: [{ licencePlate: '2-WOU-123', registrationCountry: 'BE', vin: null, make: 'Opel', model: 'Corsa', colour: null, linkedSubjectId: 'V1' }],
    });
    const { decision, copy } = copyFor(n, 'US');
    expect(copy.summary).toBe('[name removed] (the victim) was threatened by Dries Maes at [address removed]; [name removed] called [phone removed].');
    expect(copy.subjects.map((s) => [s.subjectId, s.dateOfBirth, s.documents])).toEqual([['S1', '1969', []]]);
    expect(copy.vehicles[0]).toMatchObject({ licencePlate: null, linkedSubjectId: null });
    // The origin learns which subject was removed and why; the copy does not say it was a victim.
    expect(decision.fieldActions.find((a) => a.path === 'subjects[1]')!.detail).toBe('data subject with role VICTIM');
    const told = actionsForRecipient(decision.fieldActions, true);
    expect(told.find((a) => a.path === 'subjects[1]')).toMatchObject({ detail: 'data subject withheld under the agreement', rule: 'rule-5-third-country' });
    // Nor does any rule: rule 4 removes only victims and witnesses, so it would say one existed (the subject, its plate).
    expect(told.map((a) => a.rule)).not.toContain('rule-4-victims-witnesses');
    const [delivered] = deliveriesOf(policy, keys, n, 'BE', ['US'], now);
    expect(delivered!.deliver.flatMap((c) => c.fieldActions).map((a) => a.rule)).not.toContain('rule-4-victims-witnesses');
    expect(delivered!.decision.fieldActions.map((a) => a.rule)).toContain('rule-4-victims-witnesses'); // the origin's report still says why
  });

  it('scans a string field the schema does not tag (fail closed)', () => {
    const untagged: Policy = { ...policy, untagged: new Set(['newRemark']), tags: new Map([...policy.tags, ['newRemark', 'identifier']]) };
    const n = { ...notice({ recipients: ['NL'], crimeAreas: ['ATM_ATTACKS'], legalBasis: 'be-nl-cross-border', subjects: [maes, { ...wouters, role: 'WITNESS' as const }] }), newRemark: 'witness Lies Wouters, 0032 3 123 45 67' };
    const withWitness = copyFor(n as EuLiaison.Notice, 'NL', untagged).copy as unknown as { newRemark: string };
    expect(withWitness.newRemark).toBe('witness Lies Wouters, 0032 3 123 45 67'); // BE–NL: witnesses travel
    const hazeldonk = { ...n, crimeAreas: ['DRUG_TOURISM'], legalBasis: null, recipients: ['FR'] };
    const toFrance = copyFor(hazeldonk as EuLiaison.Notice, 'FR', untagged).copy as unknown as { newRemark: string | null };
    expect(toFrance.newRemark ?? '').not.toMatch(/Wouters|123 45 67/);
  });
});
