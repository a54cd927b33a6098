/**
 * The leak property (rule 7): whatever a destination does not get in the structured fields of
 * a notice, it never reads in its text either. Seeded, reproducible: notices with subjects of
 * random roles whose identifiers are planted in random string fields in the notations people
 * write, for random origin/destination pairs under the agreements; every identifier withheld
 * from a destination is looked for in its copy in normalised form (digits, letters, folded
 * case and accents), never as the raw string. Ordinary numbers planted beside them must stay.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alnum, fold, nationalNumber } from '../../../services/policy/declared-identifiers.ts';
import { decide } from '../../../services/policy/engine.ts';
import { loadPolicy } from '../../../services/policy/policy.ts';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { notice, person } from '../../fixtures/notices.ts';

type Notice = EuLiaison.Notice;
type Person = EuLiaison.Person;

const policy = loadPolicy();
const keys = (id: string) => Buffer.from(`leak-test-key-${id}`.padEnd(32, '#'));
const now = Date.parse('2026-11-22T10:00:00Z');

const FAMILY = ['Peeters', 'Janssens', 'Wouters', 'Van Damme', 'De Vries', 'Bakker', 'Verhoeven', 'Dubois', 'Müller', 'García', 'Lambrechts', 'Claessens'];
const GIVEN = ['Lies', 'Dries', 'Kevin', 'Sanne', 'Ruud', 'José', 'Jürgen', 'Ahmed', 'Noëlle', 'Pieter', 'Marco', 'Elif'];
const ROLES = ['SUSPECT', 'CONVICTED', 'VICTIM', 'WITNESS', 'CONTACT'] as const;
const MONTHS = [['January', 'januari', 'janvier'], ['February', 'februari', 'février'], ['March', 'maart', 'mars'], ['April', 'april', 'avril'], ['May', 'mei', 'mai'], ['June', 'juni', 'juin'], ['July', 'juli', 'juillet'], ['August', 'augustus', 'août'], ['September', 'september', 'septembre'], ['October', 'oktober', 'octobre'], ['November', 'november', 'novembre'], ['December', 'december', 'décembre']];

/** Where people type: every free-text field of the notice the generator can fill. */
const FIELDS = ['summary', 'purpose', 'condition', 'organisationRole', 'seizurePlace', 'parcelContents', 'attachmentName', 'remarks'] as const;
type Field = (typeof FIELDS)[number];

/** Routes that exercise each kind of agreement: full EU, roles limited, no personal data, safeguards, derogation. */
const ROUTES: Array<{ origin: string; destination: string; crimeAreas: EuLiaison.CrimeArea[]; legalBasis: string | null }> = [
  { origin: 'BE', destination: 'NL', crimeAreas: ['ATM_ATTACKS'], legalBasis: null },
  { origin: 'BE', destination: 'FR', crimeAreas: ['DRUG_TOURISM'], legalBasis: null },
  { origin: 'BE', destination: 'LU', crimeAreas: ['DRUGS_POST_COURIER'], legalBasis: null },
  { origin: 'NL', destination: 'LU', crimeAreas: ['CYBERCRIME'], legalBasis: 'crime-pictures' },
  { origin: 'BE', destination: 'US', crimeAreas: ['COCAINE_TRAFFICKING'], legalBasis: null },
  { origin: 'NL', destination: 'US', crimeAreas: ['MONEY_LAUNDERING'], legalBasis: null },
  { origin: 'BE', destination: 'CO', crimeAreas: ['COCAINE_TRAFFICKING'], legalBasis: null },
  { origin: 'BE', destination: 'DE', crimeAreas: ['COCAINE_TRAFFICKING'], legalBasis: null },
];

interface Identity {
  family: string;
  given: string;
  phone: string;
  email: string;
  document: string;
  dob: string;
  street: string;
  plate: string;
}

const identity = (i: number, n: number): fc.Arbitrary<Identity> =>
  fc.record({
    phone: fc.integer({ min: 10_000_000, max: 96_999_999 }),
    doc: fc.integer({ min: 100_000, max: 999_900 }),
    y: fc.integer({ min: 1950, max: 2004 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 28 }),
    house: fc.integer({ min: 1, max: 250 }),
    plate: fc.integer({ min: 100, max: 999 }),
  }).map(({ phone: p0, doc: d0, y, m, d: day0, house: h0, plate: pl0 }) => {
    // Distinct per subject however the values shrink: a kept subject's own identifiers are not leaks.
    // (each value ≡ i modulo 3, so two subjects never share one, whatever each one's draw)
    const [phone, doc, d, house, plate] = [10_000_000 + ((p0 % 29_000_000) * 3) + i, 100_000 + ((d0 % 290_000) * 3) + i, 1 + i + 3 * (day0 % 9), 1 + i + 3 * (h0 % 80), 100 + i + 3 * (pl0 % 290)];
    return {
    family: FAMILY[(i + n) % FAMILY.length]!,
    given: GIVEN[(i * 5 + n) % GIVEN.length]!,
    phone: `+32 4${String(phone).slice(0, 2)} ${String(phone).slice(2, 4)} ${String(phone).slice(4, 6)} ${String(phone).slice(6, 8)}`,
    email: `${fold(GIVEN[(i * 5 + n) % GIVEN.length]!).normalize('NFD').replace(/\p{M}/gu, '')}.x${doc}@example.be`,
    document: `EH${doc}`,
    dob: `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
    street: `${['Kribbestraat', 'Noorderlaan', 'Rue de la Loi', 'Havenweg'][house % 4]} ${house}`,
    plate: `${1 + (plate % 9)}-${['ABC', 'KLM', 'XYZ', 'QRT'][plate % 4]}-${plate}`,
    };
  });

/** The notations people really write, by kind of identifier. */
const written = {
  name: (p: Identity, k: number) => [`${p.given} ${p.family}`, `${p.family.toUpperCase()} ${p.given}`, `${p.family}, ${p.given}`, `${p.given[0]}. ${p.family}`, fold(`${p.given} ${p.family}`), p.family][k % 6]!,
  phone: (p: Identity, k: number) => {
    const nsn = nationalNumber(p.phone);
    return [p.phone, `0032${nsn}`, `0${nsn.slice(0, 3)}/${nsn.slice(3, 5)}.${nsn.slice(5, 7)}.${nsn.slice(7)}`, `0${nsn.slice(0, 3)} ${nsn.slice(3, 5)} ${nsn.slice(5, 7)} ${nsn.slice(7)}`, `+32 (0)${nsn.slice(0, 3)}-${nsn.slice(3)}`][k % 5]!;
  },
  email: (p: Identity, k: number) => [p.email, p.email.replace('@', ' [at] ').replace(/\.be$/, ' [dot] be'), p.email.replace('@', ' (at) ')][k % 3]!,
  document: (p: Identity, k: number) => [p.document, `${p.document.slice(0, 2)} ${p.document.slice(2, 5)} ${p.document.slice(5)}`, p.document.toLowerCase()][k % 3]!,
  dob: (p: Identity, k: number) => {
    const [y, m, d] = p.dob.split('-').map(Number) as [number, number, number];
    return [`born ${p.dob}`, `born ${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/${y}`, `geboren op ${d} ${MONTHS[m - 1]![1]} ${y}`, `née le ${d} ${MONTHS[m - 1]![2]} ${y}`, `born ${MONTHS[m - 1]![0]} ${d}, ${y}`][k % 5]!;
  },
  street: (p: Identity, k: number) => [p.street, p.street.toLowerCase()][k % 2]!,
  plate: (p: Identity, k: number) => [p.plate, p.plate.replace(/-/g, ''), p.plate.replace(/-/g, ' ')][k % 3]!,
} as const;
type Kind = keyof typeof written;
const KINDS = Object.keys(written) as Kind[];

/** A copy's text in the forms identifiers are compared in: letters and digits (folded, no accents), digits alone, letters and digits run together. */
interface Forms {
  letters: string;
  digits: string;
  alnum: string;
}

const plain = (s: string) => ` ${s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim()} `;

function formsOf(text: string): Forms {
  return { letters: plain(text), digits: text.replace(/\D/g, ''), alnum: alnum(text) };
}

/** Is the identifier there, in any notation, in this text? Compared in normalised forms only. */
function present(kind: Kind, p: Identity, f: Forms): boolean {
  switch (kind) {
    case 'name':
      return f.letters.includes(plain(p.family));
    case 'phone':
      return f.digits.includes(nationalNumber(p.phone));
    case 'email':
      return f.letters.includes(plain(p.email.split('@')[0]!));
    case 'document':
      return f.alnum.includes(alnum(p.document));
    case 'dob': {
      const [y, m, d] = p.dob.split('-');
      if (f.digits.includes(`${y}${m}${d}`) || f.digits.includes(`${d}${m}${y}`)) return true;
      return MONTHS[Number(m) - 1]!.some((name) => f.letters.includes(`${Number(d)}${plain(name)}${y} `) || f.letters.includes(`${plain(name)}${Number(d)} ${y} `));
    }
    case 'street':
      return f.letters.includes(plain(p.street));
    case 'plate':
      return f.alnum.includes(alnum(p.plate));
  }
}

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => strings(v, out));
  return out;
}

const ORDINARY = ['1.250 kg', 'EUR 48,500', 'container MSCU1234565', 'IMO9321483', 'port BEANR', 'case ANR-2026-0042', 'in 2026', 'gate 1700', '3 boxes'];

const scenario = fc
  .record({
    route: fc.constantFrom(...ROUTES),
    subjectCount: fc.integer({ min: 1, max: 3 }),
    roles: fc.array(fc.constantFrom(...ROLES), { minLength: 3, maxLength: 3 }),
    offset: fc.integer({ min: 0, max: 1000 }),
    plants: fc.array(fc.record({ subject: fc.integer({ min: 0, max: 2 }), kind: fc.constantFrom(...KINDS), notation: fc.nat(), field: fc.constantFrom(...FIELDS) }), { minLength: 1, maxLength: 6 }),
    ordinary: fc.constantFrom(...ORDINARY),
  })
  .chain((s) => fc.tuple(fc.constant(s), fc.tuple(...Array.from({ length: s.subjectCount }, (_, i) => identity(i, s.offset)))));

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function build(s: Scenario): { n: Notice; identities: Identity[] } {
  const [{ route, subjectCount, roles, plants, ordinary }, identities] = s;
  const text: Record<Field, string[]> = Object.fromEntries(FIELDS.map((f) => [f, [`Notes (${ordinary})`]])) as Record<Field, string[]>;
  for (const plant of plants) {
    const who = identities[plant.subject % subjectCount]!;
    text[plant.field].push(`seen: ${written[plant.kind](who, plant.notation)}.`);
  }
  const subjects: Person[] = identities.map((p, i) =>
    person({
      subjectId: `S${i + 1}`, role: roles[i]!, familyName: p.family, givenNames: p.given, dateOfBirth: p.dob, phoneNumbers: [p.phone], emailAddresses: [p.email],
      documents: [{ type: 'PASSPORT', number: p.document, issuingCountry: 'BE' }], addresses: [{ street: p.street, postcode: '2000', city: 'Antwerpen', country: 'BE' }],
      remarks: i === 0 ? text.remarks.join(' ') : null,
    }),
  );
  const n = notice({
    sender: { country: route.origin, agency: 'Federale Gerechtelijke Politie', contactPoint: 'SPOC', onBehalfOf: null },
    recipients: [route.destination],
    crimeAreas: route.crimeAreas,
    legalBasis: route.legalBasis,
    classification: 'RESTRICTED',
    summary: text.summary.join(' '),
    purpose: text.purpose.join(' '),
    handling: { code: 'H2', h3Text: null, processingConditions: [text.condition.join(' ')] },
    organisations: [{ name: 'Scheldt Fruit Import BV', registrationNumber: null, country: 'BE', role: text.organisationRole.join(' ') }],
    seizures: [{ substance: 'cocaine', quantityKg: 1250, units: null, place: text.seizurePlace.join(' '), date: '2026-11-18' }],
    parcels: [{ trackingNumber: null, carrier: 'bpost', originCountry: 'BE', destinationCountry: 'NL', senderName: null, recipientName: null, recipientAddress: null, contents: text.parcelContents.join(' ') }],
    attachments: [{ name: text.attachmentName.join(' '), mediaType: 'image/jpeg', sha256: 'a'.repeat(64), uri: null }],
    subjects,
    vehicles: identities.map((p, i) => ({ licencePlate: p.plate, registrationCountry: 'BE', vin: null, make: 'Audi', model: 'A6', colour: null, linkedSubjectId: `S${i + 1}` })),
    financial: [],
  });
  return { n, identities };
}

/** What the structure of this copy withholds about a subject: everything when the subject is gone or pseudonymised, else what was generalised. */
function withheld(original: Person, copy: Notice): Kind[] {
  const kept = copy.subjects.find((s) => s.subjectId === original.subjectId);
  if (!kept || kept.familyName !== original.familyName) return [...KINDS];
  const out: Kind[] = [];
  if (kept.dateOfBirth !== original.dateOfBirth) out.push('dob');
  if (kept.addresses.every((a) => a.street === null)) out.push('street');
  return out;
}

describe('the leak property (rule 7)', () => {
  it('never lets an identifier withheld from a destination reach it in any string, and leaves ordinary numbers alone (10,000 seeded cases)', { timeout: 120_000 }, () => {
    let leaks = 0;
    let checked = 0;
    fc.assert(
      fc.property(scenario, (s) => {
        const { n, identities } = build(s);
        const route = s[0].route;
        const decision = decide(policy, keys, { notice: n, origin: route.origin, destination: route.destination, now });
        const copies = [...decision.deliver, ...(decision.hold ? [decision.hold] : [])];
        for (const copy of copies) {
          const forms = formsOf(strings(copy.notice).join('\n'));
          n.subjects.forEach((subject, i) => {
            const p = identities[i]!;
            const kinds = new Set(withheld(subject, copy.notice));
            const plateKept = copy.notice.vehicles.some((v) => v.licencePlate !== null && alnum(v.licencePlate) === alnum(p.plate));
            if (!plateKept) kinds.add('plate');
            for (const kind of kinds) {
              checked += 1;
              if (present(kind, p, forms)) {
                leaks += 1;
                expect.fail(`${route.origin}→${route.destination} (${decision.agreement}, ${copy.part}): ${kind} of ${subject.role} ${subject.subjectId} reached the copy`);
              }
            }
          });
          // Ordinary numbers stay wherever the text itself stays.
          if (copy.notice.summary) expect(copy.notice.summary).toContain(s[0].ordinary);
        }
      }),
      { seed: 20261130, numRuns: 10_000 },
    );
    expect(leaks).toBe(0);
    expect(checked).toBeGreaterThan(10_000);
  });
});
