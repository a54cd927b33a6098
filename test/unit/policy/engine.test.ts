import { describe, expect, it } from 'vitest';
import { loadContract } from '../../../services/shared/contract.ts';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import fc from 'fast-check';
import { chooseAgreement, decide, type Decision, type DecisionInput } from '../../../services/policy/engine.ts';
import { FilterMemo, pseudonym } from '../../../services/policy/filter.ts';
import { type Treatment, treatmentKey } from '../../../services/policy/treatment.ts';
import { loadPolicy } from '../../../services/policy/policy.ts';
import { contact, notice, person, suspect, victim, witness } from '../../fixtures/notices.ts';

const policy = loadPolicy();
const keys = (agreementId: string) => Buffer.from(`test-key-${agreementId}`);
const now = Date.parse('2026-11-22T10:00:00Z');
const run = (input: Partial<DecisionInput> & Pick<DecisionInput, 'notice'>): Decision =>
  decide(policy, keys, { origin: 'BE', destination: 'NL', now, ...input });
const actions = (d: Decision) => d.fieldActions.map((a) => `${a.action} ${a.path} ${a.rule}`);
const copyOf = (d: Decision) => d.deliver[0]!.notice;

describe('rule 1: legal basis', () => {
  it.each([
    ['BE', 'NL', ['ATM_ATTACKS'], 'be-nl-cross-border'],
    ['NL', 'DE-NW', ['DRUGS_POST_COURIER'], 'senn-post'],
    ['NL', 'FR', ['DRUG_TOURISM'], 'hazeldonk'],
    ['BE', 'IT', ['COCAINE_TRAFFICKING'], 'six-country-coalition'],
    ['BE', 'DE-NW', ['MONEY_LAUNDERING'], 'six-country-coalition'], // a Land belongs to its state's agreements
    ['BE', 'DE-NW', ['COCAINE_TRAFFICKING'], 'senn-post'], // the more specific agreement first
    ['NL', 'US', ['TERRORISM'], 'transatlantic'],
    ['BE', 'CO', ['COCAINE_TRAFFICKING'], 'latam-source-transit'],
    ['LU', 'EUROPOL', ['FIREARMS'], 'europol-copy'],
  ])('%s → %s for %j goes under %s', (origin, destination, crimeAreas, id) => {
    const choice = chooseAgreement(policy, notice({ crimeAreas: crimeAreas as never }), origin, destination);
    expect(choice).toMatchObject({ agreement: { id } });
  });

  it.each([
    ['FR', 'US', ['COCAINE_TRAFFICKING'], 'no agreement binds FR and US'],
    ['BE', 'US', ['HUMAN_TRAFFICKING'], 'no agreement between BE and US covers HUMAN_TRAFFICKING'],
    ['IT', 'LU', ['COCAINE_TRAFFICKING'], 'no agreement binds IT and LU'], // the Europol copy is no route between states
    ['EUROPOL', 'BE', ['COCAINE_TRAFFICKING'], 'no agreement binds EUROPOL and BE'],
  ])('blocks %s → %s for %j', (origin, destination, crimeAreas, reason) => {
    const d = run({ origin, destination, notice: notice({ crimeAreas: crimeAreas as never }) });
    expect(d.status).toBe('BLOCKED');
    expect(d.reasons[0]).toContain(reason);
    expect(d.rules).toContain('rule-1-legal-basis');
    expect(d.deliver).toEqual([]);
  });

  it('uses the legal basis the sender names, and blocks when it does not bind the parties', () => {
    expect(run({ notice: notice({ legalBasis: 'benelux-police-treaty' }) }).agreement).toBe('benelux-police-treaty');
    const d = run({ destination: 'FR', notice: notice({ legalBasis: 'be-nl-cross-border' }) });
    expect(d).toMatchObject({ status: 'BLOCKED', reasons: ['legal basis be-nl-cross-border does not bind BE and FR'] });
  });
});

describe('rule 2: classification ceiling', () => {
  it('delivers at the ceiling and blocks above it', () => {
    expect(run({ destination: 'IT', notice: notice({ classification: 'RESTRICTED' }) }).status).not.toBe('BLOCKED');
    const d = run({ destination: 'IT', notice: notice({ classification: 'CONFIDENTIAL' }) });
    expect(d.status).toBe('BLOCKED');
    expect(d.reasons[0]).toBe('classification CONFIDENTIAL is above the ceiling of six-country-coalition (RESTRICTED)');
    expect(d.rules).toContain('rule-2-classification-ceiling');
  });
});

describe('rule 3: special categories', () => {
  const sensitive = notice({ crimeAreas: ['ATM_ATTACKS'], specialCategories: { strictlyNecessary: true, justification: 'medical needs at arrest' } });

  it('go when declared strictly necessary and the agreement allows them', () => {
    const d = run({ notice: sensitive });
    expect(copyOf(d).subjects[0]!.healthInformation).toBe('diabetic, needs insulin in custody');
    expect(actions(d).filter((a) => a.includes('rule-3'))).toEqual([]);
  });

  it('are removed when not declared strictly necessary', () => {
    const d = run({ notice: { ...sensitive, specialCategories: { strictlyNecessary: false, justification: null } } });
    expect(copyOf(d).subjects[0]!.healthInformation).toBeNull();
    expect(actions(d)).toContain('REMOVED subjects[0].healthInformation rule-3-special-categories');
  });

  it('are removed where the agreement does not allow them, even when declared', () => {
    const d = run({ destination: 'FR', notice: { ...sensitive, crimeAreas: ['DRUG_TOURISM'] } });
    expect(d.agreement).toBe('hazeldonk');
    expect(copyOf(d).subjects[0]!.healthInformation).toBeNull();
  });
});

describe('rule 4: victims and witnesses', () => {
  const withPeople = notice({ crimeAreas: ['DRUG_TOURISM'], subjects: [suspect, witness, victim] });

  it('travel in full where the agreement allows them', () => {
    const d = run({ notice: { ...withPeople, crimeAreas: ['ATM_ATTACKS'] } });
    expect(copyOf(d).subjects.map((s) => s.familyName)).toEqual(['Van Damme', 'Peeters', 'Janssens']);
  });

  it('are pseudonymised where it does not: identifiers keyed-hashed, the rest removed', () => {
    const d = run({ destination: 'FR', notice: withPeople });
    const [, w, v] = copyOf(d).subjects;
    expect(w!.familyName).toBe(pseudonym(keys('hazeldonk'), 'familyName', 'Peeters'));
    expect(w!.dateOfBirth).toBeNull();
    expect(w!.addresses).toEqual([{ street: pseudonym(keys('hazeldonk'), 'street', 'Kaai 5'), postcode: null, city: null, country: 'BE' }]);
    expect(w!.remarks).toBeNull();
    expect(v!.ethnicOrigin).toBeNull();
    expect(actions(d)).toContain('PSEUDONYMISED subjects[1].familyName rule-8-pseudonyms');
    expect(actions(d)).toContain('REMOVED subjects[1].dateOfBirth rule-4-victims-witnesses');
    expect(d.status).toBe('DELIVERED_FILTERED');
  });

  it('never reach a third country', () => {
    const d = run({ destination: 'US', notice: { ...withPeople, crimeAreas: ['COCAINE_TRAFFICKING'] } });
    expect(copyOf(d).subjects.map((s) => s.role)).toEqual(['SUSPECT']);
    expect(actions(d)).toContain('REMOVED subjects[1] rule-4-victims-witnesses');
  });
});

describe('rule 5: third countries', () => {
  it('under safeguards: suspects only, minimised, at least H2', () => {
    const d = run({ destination: 'US', notice: notice({ subjects: [suspect, contact] }) });
    expect(d.status).toBe('DELIVERED_FILTERED');
    const copy = copyOf(d);
    expect(copy.subjects).toHaveLength(1);
    expect(copy.subjects[0]!.dateOfBirth).toBe('1987');
    expect(copy.subjects[0]!.addresses).toEqual([{ street: null, postcode: null, city: 'Antwerpen', country: 'BE' }]);
    expect(copy.subjects[0]!.healthInformation).toBeNull();
    expect(copy.handling.code).toBe('H2');
    expect(copy.handling.processingConditions).toEqual(notice().handling.processingConditions);
    expect(actions(d)).toEqual(expect.arrayContaining([
      'REMOVED subjects[1] rule-5-third-country',
      'GENERALISED subjects[0].dateOfBirth rule-5-third-country',
      'GENERALISED subjects[0].addresses[0] rule-5-third-country',
      'RAISED handling.code rule-5-third-country',
    ]));
  });

  it('under a derogation: non-personal content at once, personal data held for the DPO', () => {
    const d = run({ destination: 'CO', notice: notice() });
    expect(d.status).toBe('HELD_FOR_REVIEW');
    expect(d.deliver).toHaveLength(1);
    const now = d.deliver[0]!;
    expect(now.part).toBe('NON_PERSONAL');
    expect(now.notice.subjects).toEqual([]);
    expect(now.notice.vehicles[0]!.licencePlate).toBeNull();
    expect(now.notice.financial[0]!.value).toBeNull();
    expect(now.notice.containers).toEqual(notice().containers);
    expect(now.notice.summary).not.toContain('+31 6 12345678');
    expect(d.hold!.notice.subjects[0]!.familyName).toBe('Van Damme');
    expect(d.hold!.notice.subjects[0]!.dateOfBirth).toBe('1987');
  });

  it('under a derogation, a notice without personal data is simply delivered', () => {
    const d = run({ destination: 'EC', notice: notice({ subjects: [], vehicles: [], financial: [], summary: 'Route ECGYE → BEANR in reefer containers', handling: { code: 'H2', h3Text: null, processingConditions: [] } }) });
    expect(d.status).toBe('DELIVERED');
    expect(d.hold).toBeNull();
  });
});

describe('rule 7: free text', () => {
  it('is masked where the destination may not receive every kind of personal data', () => {
    const d = run({ destination: 'IT', notice: notice() });
    expect(copyOf(d).summary).toBe('Container MSCU1234565 from ECGYE held 1.250 kg cocaine at BEANR. Suspect called [phone removed] in Rotterdam; payments via [iban removed].');
    expect(d.fieldActions).toContainEqual({ path: 'summary', action: 'MASKED', rule: 'rule-7-free-text', detail: '1 iban, 1 phone' });
  });

  it('is left alone where all personal data may go', () => {
    const d = run({ notice: notice({ crimeAreas: ['ATM_ATTACKS'], subjects: [{ ...suspect, healthInformation: null }] }) });
    expect(copyOf(d).summary).toBe(notice().summary);
    expect(d.status).toBe('DELIVERED');
    expect(d.fieldActions).toEqual([]);
  });
});

describe('rule 8: pseudonyms', () => {
  it('are stable within an agreement and differ between agreements', () => {
    const a = pseudonym(keys('hazeldonk'), 'familyName', 'Peeters');
    expect(pseudonym(keys('hazeldonk'), 'familyName', '  PEETERS ')).toBe(a);
    expect(pseudonym(keys('senn-post'), 'familyName', 'Peeters')).not.toBe(a);
    expect(a).toMatch(/^PSN-[0-9a-f]{20}$/);
  });
});

describe('rule 9: fail closed', () => {
  it('blocks the destination when evaluation fails, with nothing delivered', () => {
    const broken = { ...notice(), subjects: [{ ...suspect, addresses: null }] } as never;
    const d = decide(policy, () => { throw new Error('no pseudonym key for agreement'); }, { notice: broken, origin: 'BE', destination: 'FR', now });
    expect(d).toMatchObject({ status: 'BLOCKED', rules: ['rule-9-fail-closed', 'rule-13-explain'], deliver: [], hold: null });
    expect(d.reasons[0]).toContain('no pseudonym key');
  });
});

describe('rule 10: conditions travel, other recipients stay unseen', () => {
  it('keeps handling, H3 text and conditions, and names only the destination', () => {
    const original = notice({ recipients: ['NL', 'FR', 'US'], handling: { code: 'H3', h3Text: 'Only for the JIT Scheldt', processingConditions: ['No use in court'] } });
    const copy = copyOf(run({ notice: original }));
    expect(copy.handling).toEqual(original.handling);
    expect(copy.recipients).toEqual(['NL']);
  });
});

describe('rule 11: onward transfer', () => {
  const forwarded = notice({ receivedFrom: [{ country: 'NL', noticeId: 'b1c0a2e4-0000-4000-8000-000000000001', onwardTransferAuthorisation: null }] });

  it('blocks data from another country towards a third country without its authorisation', () => {
    const d = run({ destination: 'US', notice: forwarded });
    expect(d.status).toBe('BLOCKED');
    expect(d.reasons[0]).toContain('received from NL without a recorded authorisation');
    expect(d.rules).toContain('rule-11-onward-transfer');
  });

  it('lets it go with the authorisation, and inside the EU without one', () => {
    const authorised = { ...forwarded, receivedFrom: [{ ...forwarded.receivedFrom[0]!, onwardTransferAuthorisation: 'NL-DLP-2026-118' }] };
    expect(run({ destination: 'US', notice: authorised }).status).toBe('DELIVERED_FILTERED');
    expect(run({ destination: 'FR', notice: { ...forwarded, crimeAreas: ['DRUG_TOURISM'] } }).status).not.toBe('BLOCKED');
  });
});

describe('rule 14: retention', () => {
  it('expires a copy at the earlier of the notice expiry and the agreement maximum', () => {
    const d = run({ destination: 'CO', notice: notice({ subjects: [], vehicles: [], financial: [] }) });
    expect(d.expiresAt).toBe(now + 365 * 86_400_000);
    const soon = Date.parse('2027-01-01T00:00:00Z');
    expect(run({ notice: notice({ expiresAt: soon }) }).expiresAt).toBe(soon);
    expect(copyOf(run({ notice: notice({ expiresAt: soon }) })).expiresAt).toBe(soon);
  });
});

describe('agreements without personal data', () => {
  it.each([['crime-pictures'], ['euriec-administrative']])('%s carries organisations and seizures, no persons', (legalBasis) => {
    const d = run({ notice: notice({ legalBasis, crimeAreas: ['MONEY_LAUNDERING'], subjects: [suspect, person({ subjectId: 'S2', role: 'CONVICTED', familyName: 'X' })] }) });
    const copy = copyOf(d);
    expect(copy.subjects).toEqual([]);
    expect(copy.vehicles[0]!.licencePlate).toBeNull();
    expect(copy.financial[0]!.holderName).toBeNull();
    expect(copy.organisations).toEqual(notice().organisations);
    expect(copy.seizures).toEqual(notice().seizures);
  });
});

describe('filtering once per kind of treatment (decide’s memo)', () => {
  it('gives every destination exactly the decision it gets without the memo', () => {
    const notices = [
      notice({ subjects: [suspect, witness, victim, contact], crimeAreas: ['COCAINE_TRAFFICKING'] }),
      notice({ subjects: [suspect, witness], crimeAreas: ['ATM_ATTACKS'], handling: { code: 'H0', h3Text: null, processingConditions: [] } }),
      notice({ subjects: [victim, contact], crimeAreas: ['DRUGS_POST_COURIER'], summary: 'Tom Janssens called Sanne de Vries on +31 6 12345678' }),
    ];
    let compared = 0;
    for (const n of notices) {
      const memo = new FilterMemo();
      for (const destination of [...policy.parties.keys()].filter((d) => d !== 'BE')) {
        const input = { notice: n, origin: 'BE', destination, now };
        expect(decide(policy, keys, input, memo), destination).toEqual(decide(policy, keys, input));
        compared += 1;
      }
      expect(memo.filtered.size).toBeGreaterThan(0);
    }
    expect(compared).toBe(48);
  });
});

describe('the notice decided on', () => {
  it('is never changed: every destination filters the decoded notice itself, without a copy made first', () => {
    const given = notice({
      subjects: [suspect, witness, victim, contact],
      summary: 'Kevin Peeters called +32 470 12 34 56; the witness Lies Janssens lives at Kerkstraat 12.',
    });
    const before = structuredClone(given);
    const memo = new FilterMemo();
    const decisions = ['NL', 'FR', 'LU', 'US', 'CO', 'DE-NW'].map((destination) => decide(policy, keys, { notice: given, origin: 'BE', destination, now }, memo));
    // The destinations were really filtered (so the walk ran over every kind of treatment)...
    expect(decisions.map((d) => d.status)).toEqual(expect.arrayContaining(['DELIVERED_FILTERED', 'HELD_FOR_REVIEW']));
    expect(decisions.flatMap((d) => d.fieldActions.map((a) => a.action))).toEqual(expect.arrayContaining(['REMOVED', 'MASKED', 'PSEUDONYMISED', 'GENERALISED']));
    // ...and the notice is as it was decoded.
    expect(given).toEqual(before);
  });
});

describe('a notice as the gateway decodes it', () => {
  it('is decided exactly as the same notice in plain objects: the methods avsc puts on a record are not fields', () => {
    const { types } = loadContract();
    const plain = notice({ subjects: [suspect, witness, victim, contact] });
    const decoded = types.notice.fromBuffer(types.notice.toBuffer(plain)) as EuLiaison.Notice;
    expect(Object.getPrototypeOf(decoded)).not.toBe(Object.prototype); // a record of avsc's, with methods
    for (const destination of ['NL', 'FR', 'LU', 'US', 'CO']) {
      const fromPlain = decide(policy, keys, { notice: plain, origin: 'BE', destination, now });
      const fromDecoded = decide(policy, keys, { notice: decoded, origin: 'BE', destination, now });
      expect(fromDecoded.fieldActions).toEqual(fromPlain.fieldActions);
      expect(JSON.parse(JSON.stringify(fromDecoded))).toEqual(JSON.parse(JSON.stringify(fromPlain)));
    }
  });
});

describe('the memo key is the treatment itself', () => {
  const roles = ['SUSPECT', 'CONVICTED', 'VICTIM', 'WITNESS', 'CONTACT'] as const;
  const treatment = fc.record({
    mode: fc.constantFrom('eu', 'safeguards', 'non-personal'),
    personalDataRoles: fc.subarray([...roles]),
    specialAllowed: fc.boolean(),
    maskFreeText: fc.boolean(),
    pseudonymsUnder: fc.option(fc.constantFrom('benelux-police-treaty', 'be-nl-cross-border', 'eu-us-umbrella'), { nil: null }),
  }) as fc.Arbitrary<Treatment>;

  it('two treatments share a key exactly when they are equal', () => {
    fc.assert(
      fc.property(treatment, treatment, (a, b) => {
        expect(treatmentKey(a) === treatmentKey(b)).toBe(JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort()));
      }),
      { numRuns: 2_000 },
    );
  });

  it('changing any one field of a treatment changes its key', () => {
    const base: Treatment = { mode: 'eu', personalDataRoles: ['SUSPECT'], specialAllowed: false, maskFreeText: true, pseudonymsUnder: null };
    const changed: { [K in keyof Treatment]: Treatment[K] } = { mode: 'safeguards', personalDataRoles: ['SUSPECT', 'WITNESS'], specialAllowed: true, maskFreeText: false, pseudonymsUnder: 'benelux-police-treaty' };
    for (const field of Object.keys(base) as Array<keyof Treatment>) {
      expect(treatmentKey({ ...base, [field]: changed[field] }), field).not.toBe(treatmentKey(base));
    }
    // Every field of a treatment is tried above: a field added to Treatment must be added here too.
    expect(Object.keys(changed).sort()).toEqual(Object.keys(base).sort());
  });
});
