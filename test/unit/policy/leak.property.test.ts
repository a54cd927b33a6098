/**
 * The leak property (rule 7): whatever a destination does not get in the structured fields of a
 * notice, it never reads in its text either. Seeded, reproducible, 20,000 notices a run.
 *
 * The oracle is this file's own: every identifier is made from its parts (a phone number from
 * its country code, trunk prefix and subscriber digits; a street from its name, street type and
 * house number; …), every notation is written from those parts by a description of how people
 * write it (grouped, abbreviated, upper case, after a degree sign, introduced by words, in four
 * languages), and a leak is looked for by the parts that identify (the subscriber digits, the
 * street's name beside its number, …) in the copy's text. Nothing here calls the code's
 * normalisers or recognisers: a test that shares the code's notion of a phone number cannot find
 * the notation the code does not know.
 *
 * Beside them, ordinary operational text (containers, IMO numbers, UN/LOCODEs, case references,
 * PV numbers, amounts, times, quantities) is planted; what of it does not reach the copy
 * unchanged is a false positive, counted per class.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide } from '../../../services/policy/engine.ts';
import { loadPolicy } from '../../../services/policy/policy.ts';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { notice, person } from '../../fixtures/notices.ts';

type Notice = EuLiaison.Notice;
type Person = EuLiaison.Person;

const policy = loadPolicy();
const keys = (id: string) => Buffer.from(`leak-test-key-${id}`.padEnd(32, '#'));
const now = Date.parse('2026-11-22T10:00:00Z');
const NOTICES = Number(process.env.LEAK_NOTICES ?? 20_000);

const FAMILY = ['Peeters', 'Janssens', 'Wouters', 'Van Damme', 'De Vries', 'Bakker', 'Verhoeven', 'Dubois', 'Müller', 'García', 'Lambrechts', 'Claessens', 'Ramírez', 'Schneider'];
const GIVEN = ['Lies', 'Dries', 'Kevin', 'Sanne', 'Ruud', 'José', 'Jürgen', 'Ahmed', 'Noëlle', 'Pieter', 'Marco', 'Elif', 'Bart', 'Sofia'];
const ROLES = ['SUSPECT', 'CONVICTED', 'VICTIM', 'WITNESS', 'CONTACT'] as const;
const MONTHS = [['January', 'januari', 'janvier', 'Januar'], ['February', 'februari', 'février', 'Februar'], ['March', 'maart', 'mars', 'März'], ['April', 'april', 'avril', 'April'], ['May', 'mei', 'mai', 'Mai'], ['June', 'juni', 'juin', 'Juni'], ['July', 'juli', 'juillet', 'Juli'], ['August', 'augustus', 'août', 'August'], ['September', 'september', 'septembre', 'September'], ['October', 'oktober', 'octobre', 'Oktober'], ['November', 'november', 'novembre', 'November'], ['December', 'december', 'décembre', 'Dezember']] as const;

/** Street names by language, with the street type, its abbreviations, and whether the type comes first. */
const STREETS = [
  { name: 'Kribbe', type: 'straat', short: ['str.'], first: false, joined: true },
  { name: 'Turnhoutse', type: 'baan', short: ['baan'], first: false, joined: true },
  { name: 'Kastanje', type: 'laan', short: ['ln'], first: false, joined: true },
  { name: 'Haven', type: 'weg', short: ['weg'], first: false, joined: true },
  { name: 'Louise', type: 'avenue', short: ['av.', 'ave'], first: true, joined: false },
  { name: 'Anspach', type: 'boulevard', short: ['bd', 'bld'], first: true, joined: false },
  { name: 'de la Loi', type: 'rue', short: ['r.'], first: true, joined: false },
  { name: 'Berliner', type: 'Straße', short: ['Str.'], first: false, joined: false },
] as const;
const CITIES = [['2000', 'Antwerpen'], ['1000', 'Bruxelles'], ['3500', 'Hasselt'], ['50667', 'Köln'], ['3011', 'Rotterdam']] as const;

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

/** A person's identifiers, as parts. */
interface Identity {
  family: string;
  given: string;
  /** Country code, trunk prefix, and the national significant number's groups as people write them. */
  phone: { cc: string; groups: string[] };
  document: { letters: string; digits: string };
  dob: { y: number; m: number; d: number };
  street: { index: number; house: number; suffix: string; city: number };
  plate: { digit: number; letters: string; number: number };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const digitsOf = (n: number, width: number) => String(n).padStart(width, '0');

/** Belgian national register number: YYMMDD, a 3-digit serial, and 97 minus the remainder of the nine (prefixed 2 from 2000) by 97. */
function registerNumber({ y, m, d }: Identity['dob'], serial: number): string {
  const nine = `${pad(y % 100)}${pad(m)}${pad(d)}${digitsOf(serial, 3)}`;
  const check = 97 - Number(BigInt(`${y >= 2000 ? '2' : ''}${nine}`) % 97n);
  return `${nine}${pad(check)}`;
}

const identity = (i: number, names: number): fc.Arbitrary<Identity> =>
  fc
    .record({
      mobile: fc.integer({ min: 0, max: 2 }),
      subscriber: fc.integer({ min: 1_000_003, max: 9_999_996 }),
      doc: fc.integer({ min: 1_000_003, max: 9_999_996 }),
      y: fc.integer({ min: 1950, max: 2006 }),
      m: fc.integer({ min: 1, max: 12 }),
      d: fc.integer({ min: 1, max: 28 }),
      street: fc.nat(STREETS.length - 1),
      house: fc.integer({ min: 1, max: 240 }),
      suffix: fc.constantFrom('', 'B', 'A'),
      city: fc.nat(CITIES.length - 1),
      plateDigit: fc.integer({ min: 1, max: 9 }),
      plateLetters: fc.constantFrom('GGY', 'KLM', 'XPR', 'HBT', 'VZN'),
      plateNumber: fc.integer({ min: 100, max: 999 }),
    })
    .map((r) => {
      // Values of different subjects never coincide (≡ i modulo 3), so a kept subject's own value is never taken for another's.
      const subscriber = r.subscriber - (r.subscriber % 3) + i;
      const groups = [
        // Belgian mobile 4xx, Dutch mobile 6, German mobile 170: the national significant number in the groups people write.
        ['47' + String(subscriber)[0], String(subscriber).slice(1, 3), String(subscriber).slice(3, 5), String(subscriber).slice(5, 7)],
        ['6', String(subscriber).slice(0, 4) + '9', String(subscriber).slice(4)],
        ['170', String(subscriber).slice(0, 4), String(subscriber).slice(4) + '0'],
      ][r.mobile]!;
      return {
        // One name per subject of a notice (5 and 3 are prime to 14): a kept subject's own name is not another's leak.
        family: FAMILY[(names + i * 5) % FAMILY.length]!,
        given: GIVEN[(names + i * 3) % GIVEN.length]!,
        phone: { cc: ['32', '31', '49'][r.mobile]!, groups },
        document: { letters: ['EH', 'NW', 'C0'][i % 3]!, digits: String(r.doc - (r.doc % 3) + i) },
        dob: { y: r.y, m: r.m, d: r.d - (r.d % 3) + i + 1 },
        street: { index: r.street, house: r.house - (r.house % 3) + i + 1, suffix: r.suffix, city: r.city },
        plate: { digit: r.plateDigit, letters: r.plateLetters, number: r.plateNumber - (r.plateNumber % 3) + i + 100 > 999 ? 100 + i : r.plateNumber - (r.plateNumber % 3) + i },
      };
    });

const streetName = (s: Identity['street'], type: string): string => {
  const street = STREETS[s.index]!;
  return street.first ? `${type} ${street.name}` : street.joined ? `${street.name}${type}` : `${street.name} ${type}`;
};
const house = (s: Identity['street']) => `${s.house}${s.suffix}`;
const city = (s: Identity['street']) => CITIES[s.city]!;

/** Every notation of each kind of identifier, written from its parts. */
const written = {
  name: (p: Identity) => [`${p.given} ${p.family}`, `${p.family.toUpperCase()} ${p.given}`, `${p.family}, ${p.given}`, `${p.given[0]}. ${p.family}`, `${p.given[0]}. ${p.family.toUpperCase()}`, p.family],
  phone: ({ phone: { cc, groups } }: Identity) => [
    `+${cc} ${groups.join(' ')}`,
    `00${cc} ${groups.join('')}`,
    `0${groups.join(' ')}`,
    `0${groups[0]}/${groups.slice(1).join('.')}`,
    `+${cc} (0)${groups[0]}-${groups.slice(1).join('')}`,
    `tel. 0${groups.join('')}`,
  ],
  document: ({ document: { letters, digits } }: Identity) => [`${letters}${digits}`, `${letters} ${digits.slice(0, 3)} ${digits.slice(3)}`, `travels on ${letters}${digits}`, `document ${letters.toLowerCase()}${digits}`, `paspoort nr. ${letters}${digits}`, `passeport n° ${letters}${digits}`],
  dob: ({ dob: { y, m, d } }: Identity) => [
    `born ${y}-${pad(m)}-${pad(d)}`,
    `(°${y}-${pad(m)}-${pad(d)})`,
    `°${pad(d)}.${pad(m)}.${y}`,
    `geboren op ${d} ${MONTHS[m - 1]![1]} ${y}`,
    `née le ${d} ${MONTHS[m - 1]![2]} ${y}`,
    `geb. ${pad(d)}/${pad(m)}/${y}`,
    `born ${MONTHS[m - 1]![0]} ${d}, ${y}`,
    `geboren am ${d}. ${MONTHS[m - 1]![3]} ${y}`,
  ],
  street: ({ street: s }: Identity) => {
    const type = STREETS[s.index]!;
    const [postcode, town] = city(s);
    return [
      `${streetName(s, type.type)} ${house(s)}`,
      `${streetName(s, type.type)} ${house(s)}`.toUpperCase(),
      `${streetName(s, type.short[0]!)} ${house(s)}`,
      `${streetName(s, type.type)} ${house(s)}, ${postcode} ${town}`,
      `${house(s)} ${streetName(s, type.short[type.short.length - 1]!)}`,
      `woont ${streetName(s, type.type)} ${house(s)} ${postcode} ${town.toUpperCase()}`,
    ];
  },
  plate: ({ plate: { digit, letters, number } }: Identity) => [`${digit}-${letters}-${number}`, `${digit}${letters}${number}`, `${digit} ${letters} ${number}`],
  nrn: (p: Identity) => {
    const n = registerNumber(p.dob, 33);
    return [n, `${n.slice(0, 2)}.${n.slice(2, 4)}.${n.slice(4, 6)}-${n.slice(6, 9)}.${n.slice(9)}`, `NRN ${n.slice(0, 6)} ${n.slice(6, 9)} ${n.slice(9)}`];
  },
} as const;
type Kind = keyof typeof written;
const KINDS = Object.keys(written) as Kind[];

/** The copy's text as this test reads it: letters and digits without accents, lower case; and the digits alone. */
const letters = (s: string) => ` ${s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim()} `;
const onlyDigits = (s: string) => s.replace(/\D/g, '');

/** Is the identifier there, by the parts that identify it? */
function present(kind: Kind, p: Identity, text: { letters: string; digits: string; compact: string }): boolean {
  switch (kind) {
    case 'name':
      return text.letters.includes(letters(p.family));
    case 'phone':
      // The subscriber part: what makes the number this person's in any notation.
      return text.digits.includes(p.phone.groups.join('').slice(-7));
    case 'document':
      return text.digits.includes(p.document.digits);
    case 'dob': {
      const { y, m, d } = p.dob;
      if (text.digits.includes(`${y}${pad(m)}${pad(d)}`) || text.digits.includes(`${pad(d)}${pad(m)}${y}`)) return true;
      return MONTHS[m - 1]!.some((month) => text.letters.includes(` ${d} ${letters(month).trim()} ${y} `) || text.letters.includes(` ${letters(month).trim()} ${d} ${y} `));
    }
    case 'street': {
      const name = letters(STREETS[p.street.index]!.name).trim().split(' ').pop() ?? '';
      const number = ` ${p.street.house}${p.street.suffix.toLowerCase()}`;
      // The street's name with its number, a street-type word between at the most (letters only: never another number).
      const around = new RegExp(`${name}[a-z]*(?: [a-z]{1,9})? ${p.street.house}${p.street.suffix.toLowerCase()} |${number} (?:[a-z]{1,9} )?${name}`);
      return around.test(text.letters);
    }
    case 'plate':
      return text.compact.includes(`${p.plate.digit}${p.plate.letters}${p.plate.number}`.toLowerCase());
    case 'nrn':
      return text.digits.includes(registerNumber(p.dob, 33).slice(0, 9));
  }
}

/**
 * People the notice does not declare, named only in its text: a third country (under
 * safeguards, or only non-personal content) never reads them. Their names and numbers are drawn
 * apart from the subjects' (other families, Austrian and German 015x/016x mobiles, plates with Q).
 */
const STRANGERS = ['Verbruggen', 'Moreau', 'Schulz', 'Rossi', 'Nowak', 'Okafor'];
interface Stranger {
  family: string;
  initial: string;
  mobile: string[];
  plate: string;
}
const strangerOf = (k: number): Stranger => ({
  family: STRANGERS[k % STRANGERS.length]!,
  initial: 'BSMKT'[k % 5]!,
  mobile: [['151', '160', '162'][k % 3]!, digitsOf((k * 7_919) % 10_000, 4), digitsOf((k * 104_729) % 10_000, 4)],
  plate: `${1 + (k % 9)}${['QGY', 'QKL', 'QXB'][k % 3]}${100 + (k % 900)}`,
});
const strangerWritten = {
  name: (x: Stranger) => [`${x.initial}. ${x.family}`, `${x.initial}. ${x.family.toUpperCase()}`, `Mr ${x.family}`, `Herr ${x.family}`, `Mme ${x.family}`],
  phone: (x: Stranger) => [`0${x.mobile.join(' ')}`, `+49 ${x.mobile.join(' ')}`, `0${x.mobile[0]}/${x.mobile[1]}${x.mobile[2]}`, `gsm 0${x.mobile.join('')}`],
  plate: (x: Stranger) => [`${x.plate[0]} ${x.plate.slice(1, 4)} ${x.plate.slice(4)}`, `${x.plate[0]}-${x.plate.slice(1, 4)}-${x.plate.slice(4)}`, `plate ${x.plate}`],
} as const;
type StrangerKind = keyof typeof strangerWritten;
const STRANGER_KINDS = Object.keys(strangerWritten) as StrangerKind[];

function strangerPresent(kind: StrangerKind, x: Stranger, text: { letters: string; digits: string; compact: string }): boolean {
  switch (kind) {
    case 'name':
      return text.letters.includes(letters(x.family));
    case 'phone':
      return text.digits.includes(x.mobile.join('').slice(-8));
    case 'plate':
      return text.compact.includes(x.plate.toLowerCase());
  }
}

/** Ordinary operational text, by class, written from parts too: none of it identifies a person. */
const ordinary = {
  container: (k: number) => `container ${['MSCU', 'MAEU', 'CMAU', 'HLXU'][k % 4]}${digitsOf((1_234_565 + k * 7919) % 10_000_000, 7)}`,
  imo: (k: number) => `IMO${9_000_000 + ((k * 104_729) % 999_999)}`,
  locode: (k: number) => `port ${['BEANR', 'NLRTM', 'ECGYE', 'DEHAM', 'FRLEH'][k % 5]}`,
  caseRef: (k: number) => `case ${['ANR', 'RTM', 'HSS'][k % 3]}-2026-${digitsOf(k % 10_000, 4)}`,
  pv: (k: number) => `PV ${10 + (k % 89)}.${digitsOf(k % 1000, 3)}/2026`,
  amount: (k: number) => `EUR ${(1 + (k % 97)) * 500}`.replace(/(\d)(\d{3})$/, '$1,$2'),
  time: (k: number) => `at ${pad(k % 24)}:${pad((k * 7) % 60)}`,
  quantity: (k: number) => `${1 + (k % 40)}.${digitsOf(k % 1000, 3)} kg`,
  boxes: (k: number) => `${2 + (k % 300)} boxes`,
} as const;
type Ordinary = keyof typeof ordinary;
const ORDINARY = Object.keys(ordinary) as Ordinary[];

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => strings(v, out));
  return out;
}

const scenario = fc
  .record({
    route: fc.constantFrom(...ROUTES),
    subjectCount: fc.integer({ min: 1, max: 3 }),
    names: fc.nat(FAMILY.length - 1),
    roles: fc.array(fc.constantFrom(...ROLES), { minLength: 3, maxLength: 3 }),
    plants: fc.array(fc.record({ subject: fc.nat(2), kind: fc.constantFrom(...KINDS), notation: fc.nat(), field: fc.constantFrom(...FIELDS) }), { minLength: 1, maxLength: 6 }),
    strangers: fc.array(fc.record({ k: fc.nat(10_000), kind: fc.constantFrom(...STRANGER_KINDS), notation: fc.nat(), field: fc.constantFrom(...FIELDS.filter((f) => f !== 'remarks')) }), { maxLength: 2 }),
    // Not in a subject's remarks, which go with a subject the destination does not get.
    ordinary: fc.array(fc.record({ kind: fc.constantFrom(...ORDINARY), k: fc.nat(1_000_000), field: fc.constantFrom(...FIELDS.filter((f) => f !== 'remarks')) }), { minLength: 1, maxLength: 3 }),
  })
  .chain((s) => fc.tuple(fc.constant(s), fc.tuple(...Array.from({ length: s.subjectCount }, (_, i) => identity(i, s.names)))));

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function build([{ route, subjectCount, roles, plants, strangers, ordinary: plain }, identities]: Scenario): { n: Notice; planted: Array<{ kind: Ordinary; text: string }> } {
  const text: Record<Field, string[]> = Object.fromEntries(FIELDS.map((f) => [f, ['Notes:']])) as Record<Field, string[]>;
  for (const plant of plants) {
    const who = identities[plant.subject % subjectCount]!;
    const notations = written[plant.kind](who);
    text[plant.field].push(`seen ${notations[plant.notation % notations.length]}.`);
  }
  for (const { k, kind, notation, field } of strangers) {
    const notations = strangerWritten[kind](strangerOf(k));
    text[field].push(`met ${notations[notation % notations.length]}.`);
  }
  const planted = plain.map(({ kind, k, field }) => {
    const t = ordinary[kind](k);
    text[field].push(`${t};`);
    return { kind, text: t };
  });
  const subjects: Person[] = identities.map((p, i) => {
    const s = p.street;
    return person({
      subjectId: `S${i + 1}`,
      role: roles[i]!,
      familyName: p.family,
      givenNames: p.given,
      dateOfBirth: `${p.dob.y}-${pad(p.dob.m)}-${pad(p.dob.d)}`,
      phoneNumbers: [`+${p.phone.cc} ${p.phone.groups.join(' ')}`],
      documents: [
        { type: 'PASSPORT', number: `${p.document.letters}${p.document.digits}`, issuingCountry: 'BE' },
        { type: 'ID_CARD', number: written.nrn(p)[1]!, issuingCountry: 'BE' },
      ],
      addresses: [{ street: `${streetName(s, STREETS[s.index]!.type)} ${house(s)}`, postcode: city(s)[0], city: city(s)[1], country: 'BE' }],
      remarks: i === 0 ? text.remarks.join(' ') : null,
    });
  });
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
    vehicles: identities.map((p, i) => ({ licencePlate: `${p.plate.digit}-${p.plate.letters}-${p.plate.number}`, registrationCountry: 'BE', vin: null, make: 'Audi', model: 'A6', colour: null, linkedSubjectId: `S${i + 1}` })),
    financial: [],
  });
  return { n, planted };
}

/** What the structure of this copy withholds about a subject: everything when it is gone or pseudonymised, else what was generalised or dropped. */
function withheld(original: Person, copy: Notice): Kind[] {
  const kept = copy.subjects.find((s) => s.subjectId === original.subjectId);
  if (!kept || kept.familyName !== original.familyName) return [...KINDS];
  const out: Kind[] = [];
  if (kept.dateOfBirth !== original.dateOfBirth) out.push('dob');
  // A derived identifier is the identifier: a number kept in the structure may appear in the text, one dropped may not.
  if (!kept.documents.some((d) => d.type === 'ID_CARD')) out.push('nrn');
  if (!kept.documents.some((d) => d.type === 'PASSPORT')) out.push('document');
  if (kept.addresses.every((a) => a.street === null)) out.push('street');
  return out;
}

describe('the leak property', () => {
  it(`withholds from the text what the structure withholds, in every notation of every class (${NOTICES.toLocaleString('en')} notices), and leaves ordinary text alone`, () => {
    const leaks = new Map<Kind, number>();
    const checked = new Map<Kind, number>();
    const examples: string[] = [];
    const ordinaryPlanted = new Map<Ordinary, number>();
    const ordinaryAltered = new Map<Ordinary, number>();
    fc.assert(
      fc.property(scenario, (s) => {
        const [{ route }, identities] = s;
        const { n, planted } = build(s);
        const decision = decide(policy, keys, { notice: n, origin: route.origin, destination: route.destination, now });
        const copies = [...decision.deliver, ...(decision.hold ? [decision.hold] : [])];
        for (const copy of copies) {
          // A pseudonym (rule 8) is a keyed hash in hex, a notice id a random UUID: their digits are no one's number.
          const values = strings(copy.notice).map((v) => v.replace(/PSN-[0-9a-f]{20}/g, 'PSN').replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'UUID'));
          const all = values.join('\n');
          // Digits are compared within one field's text, never across two.
          const text = { letters: letters(all), digits: values.map(onlyDigits).join('|'), compact: values.map((v) => letters(v).replace(/ /g, '')).join('|') };
          n.subjects.forEach((subject, i) => {
            const p = identities[i]!;
            const kinds = new Set(withheld(subject, copy.notice));
            if (!copy.notice.vehicles.some((v) => v.licencePlate !== null && v.licencePlate.replace(/\W/g, '') === `${p.plate.digit}${p.plate.letters}${p.plate.number}`)) kinds.add('plate');
            for (const kind of kinds) {
              checked.set(kind, (checked.get(kind) ?? 0) + 1);
              if (!present(kind, p, text)) continue;
              leaks.set(kind, (leaks.get(kind) ?? 0) + 1);
              if (examples.length < 10) examples.push(`${route.origin} → ${route.destination}, ${kind} of ${subject.role} (${written[kind](p).join(' | ')}): ${strings([copy.notice.subjects]).join(' ')} // ${strings([copy.notice.summary, copy.notice.purpose, copy.notice.handling, copy.notice.organisations, copy.notice.seizures, copy.notice.parcels, copy.notice.attachments, copy.notice.subjects.map((x) => x.remarks)]).join(' / ')}`);
            }
          });
          // Rule 5: a third country reads no one the notice does not declare either.
          if (policy.parties.get(route.destination)?.region === 'third') {
            for (const { k, kind } of s[0].strangers) {
              const key = `stranger ${kind}` as Kind;
              checked.set(key, (checked.get(key) ?? 0) + 1);
              if (!strangerPresent(kind, strangerOf(k), text)) continue;
              leaks.set(key, (leaks.get(key) ?? 0) + 1);
              if (examples.length < 10) examples.push(`${route.origin} → ${route.destination}, stranger ${kind} (${strangerWritten[kind](strangerOf(k)).join(' | ')}): ${all.replace(/\s+/g, ' ').slice(0, 300)}`);
            }
          }
          for (const { kind, text: t } of planted) {
            ordinaryPlanted.set(kind, (ordinaryPlanted.get(kind) ?? 0) + 1);
            if (!all.includes(t)) ordinaryAltered.set(kind, (ordinaryAltered.get(kind) ?? 0) + 1);
          }
        }
        return true;
      }),
      { seed: 20261208, numRuns: NOTICES },
    );
    const rate = (a: Map<string, number>, b: Map<string, number>, k: string) => `${k} ${a.get(k) ?? 0}/${b.get(k) ?? 0}`;
    console.log(`leak property (${NOTICES} notices, seed 20261208): leaks ${[...KINDS, ...STRANGER_KINDS.map((k) => `stranger ${k}`)].map((k) => rate(leaks, checked, k)).join(', ')}; ordinary text altered ${ORDINARY.map((k) => rate(ordinaryAltered, ordinaryPlanted, k)).join(', ')}`);
    expect(examples).toEqual([]);
    for (const kind of KINDS) expect(checked.get(kind) ?? 0, kind).toBeGreaterThan(NOTICES / 20);
    for (const kind of STRANGER_KINDS) expect(checked.get(`stranger ${kind}` as Kind) ?? 0, kind).toBeGreaterThan(NOTICES / 200);
    const planted = [...ordinaryPlanted.values()].reduce((a, b) => a + b, 0);
    const altered = [...ordinaryAltered.values()].reduce((a, b) => a + b, 0);
    expect(altered / planted, `ordinary text altered: ${altered} of ${planted}`).toBeLessThanOrEqual(0.005);
  }, 300_000);
});
