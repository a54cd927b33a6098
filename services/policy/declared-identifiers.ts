/**
 * Rule 7, the notice's own declarations: what the structured fields say about a subject or an
 * identifier is masked wherever it reappears in the text of a copy whose destination may not
 * have it, in the usual written forms: names in either order, with initials, accents or case
 * changed; phone numbers with or without the country code or trunk prefix and any separators;
 * e-mail addresses, also written `name [at] domain [dot] nl`; document numbers, plates, IBANs,
 * VINs, crypto and tracking numbers with or without separators; street addresses; dates of
 * birth as ISO, day/month/year or with the month in words (en, nl, fr, de).
 */
import { maskSpans } from './free-text.ts';

export type DeclaredKind = 'name' | 'phone' | 'email' | 'number' | 'address' | 'date-of-birth';

export interface Declared {
  kind: DeclaredKind;
  /** A regular expression source matching the written forms, for the folded text (lower case, no accents). */
  pattern: string;
  /**
   * What every written form contains, so that a text without it is not searched: a folded word
   * (`text`), or the identifier's letters and digits as they run together once separators are
   * dropped (`alnum`; for a phone number, its national digits).
   */
  anchor: { text: string } | { alnum: string };
  /** The pattern compiled, once per identifier for the life of the process (see `memo`). */
  regex: RegExp;
}

/**
 * Declarations by identifier (`phone:+32 470 12 34 56`): built and compiled once, found again by
 * a short key for every copy of every notice about the same people.
 */
const memoised = new Map<string, Declared[]>();
function memo(key: string, build: () => Array<Omit<Declared, 'regex'>>): Declared[] {
  let found = memoised.get(key);
  if (!found) {
    if (memoised.size >= 50_000) memoised.clear();
    found = build().map((d) => ({ ...d, regex: new RegExp(d.pattern, 'g') }));
    memoised.set(key, found);
  }
  return found;
}

/** Lower case without accents, one UTF-16 unit for one, so positions in the folded text are those of the original. */
export function fold(text: string): string {
  if (/^[\x00-\x7f]*$/.test(text)) return text.toLowerCase();
  let out = '';
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    out += code < 128 ? text[i]!.toLowerCase() : foldChar(text[i]!);
  }
  return out;
}

const foldedChars = new Map<string, string>();
function foldChar(ch: string): string {
  let f = foldedChars.get(ch);
  if (f === undefined) {
    const lower = (ch.normalize('NFD')[0] ?? ch).toLowerCase();
    f = lower.length === 1 ? lower : ch;
    foldedChars.set(ch, f);
  }
  return f;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const SEP = '[\\s./-]*';
/**
 * Letters and digits of the folded text (Latin, Greek, Cyrillic, Hebrew, Arabic): the edges of a
 * word. A plain class rather than Unicode properties, which made compiling a pattern cost as much
 * as matching it a hundred times.
 */
const WORD = 'a-z0-9\\u00c0-\\u024f\\u0370-\\u03ff\\u0400-\\u052f\\u0590-\\u06ff';
const B = `(?<![${WORD}])`;
const E = `(?![${WORD}])`;

/** Letters and digits only, folded: `BE71 0961-2345` → `be7109612345`. */
export const alnum = (value: string): string => fold(value).replace(/[^\p{L}\p{N}]/gu, '');

/** An identifier written with any separators between its characters (or none). */
function spaced(value: string): string | null {
  const chars = [...alnum(value)];
  if (chars.length < 5) return null;
  return `${B}${chars.map(escape).join(SEP)}${E}`;
}



/** The digits that identify a phone number whatever its prefix: without +CC, 00CC or the trunk 0. */
export function nationalNumber(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (/^\+/.test(phone.trim()) || digits.startsWith('00')) {
    const rest = digits.startsWith('00') ? digits.slice(2) : digits;
    // Country codes of the parties are one to three digits; try the ones used by the exchange.
    for (const cc of ['1', '31', '32', '33', '34', '39', '49', '55', '57', '51', '352', '507', '591', '593', '595']) {
      if (rest.startsWith(cc)) return rest.slice(cc.length).replace(/^0/, '');
    }
    return rest.slice(2);
  }
  return digits.replace(/^0/, '');
}

function phonePattern(phone: string): string | null {
  const nsn = nationalNumber(phone);
  if (nsn.length < 6) return null;
  const prefix = `(?:(?:\\+|00)${SEP}\\d{1,3}${SEP}(?:\\(0\\)${SEP})?|0${SEP})?`;
  return `(?<![${WORD}+])${prefix}${[...nsn].join(SEP)}${E}`;
}

function emailPattern(email: string): string | null {
  const at = email.lastIndexOf('@');
  if (at < 1) return null;
  const local = fold(email.slice(0, at));
  const domain = fold(email.slice(at + 1));
  const dot = '(?:\\.|\\s*[[(]\\s*dot\\s*[\\])]\\s*|\\s+dot\\s+|\\s+punt\\s+|\\s+point\\s+)';
  const atSign = '(?:@|\\s*[[(]\\s*at\\s*[\\])]\\s*|\\s+at\\s+|\\s+apenstaartje\\s+|\\s+arobase\\s+)';
  const part = (s: string) => s.split('.').map(escape).join(dot);
  return `${B}${part(local)}${atSign}${part(domain)}${E}`;
}

const MONTHS: string[][] = [
  ['january', 'januari', 'janvier', 'januar', 'jan'],
  ['february', 'februari', 'fevrier', 'februar', 'feb', 'fev'],
  ['march', 'maart', 'mars', 'marz', 'maerz', 'mar', 'mrt'],
  ['april', 'avril', 'apr', 'avr'],
  ['may', 'mei', 'mai'],
  ['june', 'juni', 'juin', 'jun'],
  ['july', 'juli', 'juillet', 'jul', 'juil'],
  ['august', 'augustus', 'aout', 'aug'],
  ['september', 'septembre', 'sep', 'sept'],
  ['october', 'oktober', 'octobre', 'oct', 'okt'],
  ['november', 'novembre', 'nov'],
  ['december', 'dezember', 'decembre', 'dec', 'dez'],
];

function datePattern(date: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const [, y, mm, dd] = m as unknown as [string, string, string, string];
  const d = String(Number(dd));
  const mo = String(Number(mm));
  const day = `0?${d}`;
  const month = `0?${mo}`;
  const names = `(?:${MONTHS[Number(mm) - 1]!.join('|')})\\.?`;
  const yy = y.slice(2);
  const forms = [
    `${y}${SEP}${mm}${SEP}${dd}`,
    `${day}\\s*[./-]\\s*${month}\\s*[./-]\\s*(?:${y}|${yy})`,
    `${day}(?:st|nd|rd|th|e|er)?\\s+${names}\\s+${y}`,
    `${names}\\s+${day}(?:st|nd|rd|th)?,?\\s+${y}`,
  ];
  return `${B}(?:${forms.join('|')})${E}`;
}

/** Names: the full name in either order, with initials, and the family name alone; aliases as written. */
function namePatterns(family: string | null, given: string | null): string[] {
  const words = (s: string) => fold(s).split(/[\s,]+/).filter(Boolean).map(escape);
  const join = (parts: string[]) => parts.join('[\\s,.-]+');
  const out: string[] = [];
  const f = family ? words(family) : [];
  const g = given ? words(given) : [];
  if (f.length && g.length) {
    out.push(`${B}${join([...g, ...f])}${E}`, `${B}${join(f)}\\s*,?\\s*${join(g)}${E}`);
    out.push(`${B}${g.map((w) => `${w[0]}\\.?`).join('\\s*')}\\s*${join(f)}${E}`);
  }
  // The family name alone when it is distinctive enough not to be an ordinary word.
  if (f.length && f.join('').length >= 4) out.push(`${B}${join(f)}${E}`);
  return out;
}

export interface SubjectLike {
  familyName?: string | null;
  givenNames?: string | null;
  aliases?: string[];
  dateOfBirth?: string | null;
  phoneNumbers?: string[];
  emailAddresses?: string[];
  documents?: Array<{ number: string | null }>;
  addresses?: Array<{ street: string | null; postcode?: string | null }>;
}

/** Everything a subject's structured fields declare, as patterns. */
const longest = (words: string[]) => words.reduce((a, b) => (b.length > a.length ? b : a), '');

export function declaredBySubject(s: SubjectLike): Declared[] {
  const out: Declared[] = [];
  out.push(
    ...memo(`name\u0000${s.familyName ?? ''}\u0000${s.givenNames ?? ''}`, () => {
      const anchor = { text: longest(fold(s.familyName ?? '').split(/[\s,]+/).filter(Boolean)) };
      return namePatterns(s.familyName ?? null, s.givenNames ?? null).map((pattern) => ({ kind: 'name' as const, pattern, anchor }));
    }),
  );
  for (const alias of s.aliases ?? []) {
    out.push(
      ...memo(`alias\u0000${alias}`, () => {
        const words = fold(alias.trim()).split(/\s+/).filter(Boolean);
        return alias.trim().length >= 3 ? [{ kind: 'name' as const, pattern: `${B}${words.map(escape).join('\\s+')}${E}`, anchor: { text: longest(words) } }] : [];
      }),
    );
  }
  if (s.dateOfBirth) out.push(...dateDeclared(s.dateOfBirth));
  for (const phone of s.phoneNumbers ?? []) out.push(...phoneDeclared(phone));
  for (const email of s.emailAddresses ?? []) out.push(...emailDeclared(email));
  for (const d of s.documents ?? []) out.push(...numberDeclared(d.number));
  for (const a of s.addresses ?? []) if (a.street) out.push(...streetDeclared(a.street, a.postcode));
  return out;
}

export function numberDeclared(value: string | null | undefined): Declared[] {
  if (!value) return [];
  return memo(`number\u0000${value}`, () => {
    const p = spaced(value);
    return p ? [{ kind: 'number', pattern: p, anchor: { alnum: alnum(value) } }] : [];
  });
}

export function nameDeclared(value: string | null | undefined): Declared[] {
  if (!value || value.trim().length < 4) return [];
  return memo(`holder\u0000${value}`, () => {
    const words = fold(value.trim()).split(/[\s,.]+/).filter(Boolean);
    return [{ kind: 'name', pattern: `${B}${words.map(escape).join('[\\s,.-]+')}${E}`, anchor: { text: longest(words) } }];
  });
}

export function streetDeclared(street: string, postcode?: string | null): Declared[] {
  return memo(`street\u0000${street}\u0000${postcode ?? ''}`, () => buildStreet(street, postcode ?? null));
}

/**
 * Street-type words (folded) and how people shorten them: a word ending in one (Kribbestraat,
 * Hauptstraße, Turnhoutsebaan) or being one (avenue, rue, calle) matches its usual abbreviations.
 */
const STREET_TYPES: Array<[suffix: string, written: string]> = [
  ['straat', '(?:straat|str\\.?)'],
  ['steenweg', '(?:steenweg|stwg\\.?|stw\\.?|stnwg\\.?)'],
  ['laan', '(?:laan|ln\\.?)'],
  ['plein', '(?:plein|pln\\.?|pl\\.?)'],
  ['straße', '(?:straße|strasse|str\\.?)'],
  ['strasse', '(?:straße|strasse|str\\.?)'],
  ['platz', '(?:platz|pl\\.?)'],
  ['allee', '(?:allee|al\\.?)'],
  ['gasse', '(?:gasse|g\\.)'],
  ['avenue', '(?:avenue|av(?:e|n)?\\.?)'],
  ['boulevard', '(?:boulevard|bd\\.?|bld\\.?|blvd\\.?|boul\\.?)'],
  ['chaussee', '(?:chaussee|chee\\.?|ch\\.)'],
  ['place', '(?:place|pl\\.?)'],
  ['rue', '(?:rue|r\\.)'],
  ['route', '(?:route|rte\\.?)'],
  ['square', '(?:square|sq\\.?)'],
  ['impasse', '(?:impasse|imp\\.?)'],
  ['faubourg', '(?:faubourg|fbg\\.?)'],
  ['calle', '(?:calle|c\\/|c\\.)'],
  ['avenida', '(?:avenida|avda\\.?|av\\.?)'],
  ['plaza', '(?:plaza|pza\\.?|pl\\.?)'],
  ['paseo', '(?:paseo|p[o\u00ba]\\.?)'],
  ['piazza', '(?:piazza|p\\.?zz?a|p\\.)'],
  ['viale', '(?:viale|v\\.le)'],
  ['corso', '(?:corso|c\\.so)'],
  ['via', '(?:via|v\\.)'],
  ['street', '(?:street|st\\.?)'],
  ['road', '(?:road|rd\\.?)'],
];
const TYPE_WORDS = new Set(STREET_TYPES.map(([t]) => t));

/** One folded word of a street name as a pattern: `kribbestraat` → `kribbe(?:straat|str\.?)`, `sint-jansplein` with a hyphen, a space or neither. */
function streetWord(word: string): { source: string; stem: string } {
  for (const [suffix, written] of STREET_TYPES) {
    if (word === suffix) return { source: written, stem: '' };
    if (word.endsWith(suffix) && word.length - suffix.length >= 3 && !['rue', 'via', 'place', 'route', 'road', 'street'].includes(suffix)) {
      const stem = word.slice(0, -suffix.length);
      // Brusselsesteenweg, Brusselse Steenweg, Brusselse-Steenweg, Brusselsestwg.
      return { source: `${stem.split('-').map(escape).join('[\\s-]?')}[\\s-]?${written}`, stem };
    }
  }
  return { source: word.split('-').map(escape).join('[\\s-]?'), stem: word };
}

function buildStreet(street: string, postcode: string | null): Array<Omit<Declared, 'regex'>> {
  const raw = fold(street).split(/\s+/).filter(Boolean);
  if (raw.join('').length < 5) return [];
  const name = raw.filter((w) => !/\d/.test(w));
  const numbers = raw.filter((w) => /\d/.test(w));
  // What every written form contains: the longest stem of the name that is not a street type (kribbe, turnhoutse, louise).
  const stems = name.flatMap((w) => streetWord(w).stem.split('-')).filter((w) => w.length >= 3 && !TYPE_WORDS.has(w));
  const anchor = { text: stems.length ? longest(stems) : (name[0] ?? raw[0]!) };
  // 46B as 46B, 46 b or 46-B; 3 bus 2 as written.
  const number = numbers.map((n) => n.replace(/^(\d+)([a-z])$/, '$1[\\s-]?$2')).join('\\s*');
  const words = name.map((w) => streetWord(w).source);
  const nameSource = words.join('[\\s,.]*');
  // A postcode (and the city after it) that follows the street goes with it: `Kribbestr. 46B, 2000 Antwerpen`.
  const tail = postcode ? `(?:\\s*,?\\s*(?:[a-z]{1,2}-)?${escape(fold(postcode))}(?:\\s+[${WORD}]+(?:-[${WORD}]+)*)?)?` : '';
  const out: Array<Omit<Declared, 'regex'>> = [];
  if (numbers.length && name.length) {
    // Name then number (Kribbestraat 46B), number then name (46B Kribbestraat, 12 av. Louise, 12, rue de la Loi).
    out.push({ kind: 'address', pattern: `${B}(?:${nameSource}\\s*,?\\s*(?:n[o\u00b0]\\.?\\s*|nr\\.?\\s*)?${number}|${number}\\s*,?\\s*${nameSource})${E}${tail}`, anchor });
  } else {
    out.push({ kind: 'address', pattern: `${B}${raw.map((w) => (/\d/.test(w) ? escape(w) : streetWord(w).source)).join('\\s+')}${E}${tail}`, anchor });
  }
  // The street without its number ("Kribbestraat" of "Kribbestraat 3", "Kribbestr.").
  if (name.length && name.length < raw.length && name.join('').length >= 6) out.push({ kind: 'address', pattern: `${B}${nameSource}${E}`, anchor });
  return out;
}

export const phoneDeclared = (value: string): Declared[] =>
  memo(`phone\u0000${value}`, () => {
    const p = phonePattern(value);
    return p ? [{ kind: 'phone', pattern: p, anchor: { alnum: nationalNumber(value) } }] : [];
  });
export const emailDeclared = (value: string): Declared[] =>
  memo(`email\u0000${value}`, () => {
    const p = emailPattern(value);
    return p ? [{ kind: 'email', pattern: p, anchor: { text: fold(value).split(/[@.]/)[0]! } }] : [];
  });
export const dateDeclared = (value: string): Declared[] =>
  memo(`date\u0000${value}`, () => {
    const p = datePattern(value);
    // Every written form carries the year, at least its last two digits.
    return p ? [{ kind: 'date-of-birth', pattern: p, anchor: { alnum: value.slice(2, 4) } }] : [];
  });

export interface MaskedText {
  text: string;
  counts: Partial<Record<DeclaredKind, number>>;
}

/** A set of declarations: masks every occurrence in a text, longest first. */
export class DeclaredMasker {
  private readonly compiled: Declared[];

  constructor(declared: Declared[]) {
    this.compiled = [...new Set(declared)];
  }

  get empty(): boolean {
    return this.compiled.length === 0;
  }

  mask(text: string): MaskedText {
    if (this.compiled.length === 0) return { text, counts: {} };
    const folded = fold(text);
    let run: string | undefined;
    const spans: Array<{ start: number; end: number; kind: DeclaredKind }> = [];
    for (const { kind, regex, anchor } of this.compiled) {
      if ('text' in anchor ? !folded.includes(anchor.text) : !(run ??= alnum(folded)).includes(anchor.alnum)) continue;
      regex.lastIndex = 0;
      for (const m of folded.matchAll(regex)) spans.push({ start: m.index, end: m.index + m[0].length, kind });
    }
    if (spans.length === 0) return { text, counts: {} };
    // Longest first, then drop what overlaps a span already taken.
    spans.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
    const taken: typeof spans = [];
    for (const s of spans) if (!taken.some((t) => s.start < t.end && t.start < s.end)) taken.push(s);
    taken.sort((a, b) => a.start - b.start);
    return maskSpans(text, taken);
  }
}
