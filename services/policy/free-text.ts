/**
 * Rule 7: identifiers found in free text (e-mail addresses, phone numbers, IBANs, licence
 * plates, document numbers) are masked for destinations that may not receive them.
 * Patterns are tuned for the Benelux, French and German formats seen in the exchange, and
 * leave alone what only looks similar: dates, case references, container and IMO numbers,
 * UN/LOCODEs, quantities and amounts.
 */
export type IdentifierKind = 'email' | 'iban' | 'phone' | 'licence-plate' | 'document-number' | 'crypto-address' | 'vin' | 'date-of-birth';

interface Pattern {
  kind: IdentifierKind;
  regex: RegExp;
  accept?: (match: string) => boolean;
  /** A cheap test a text must pass before the (costlier) pattern runs on it. */
  guard?: RegExp;
}

/** ISO 13616 check: move the first four characters to the end, letters to numbers, mod 97 = 1. */
export function isValidIban(candidate: string): boolean {
  const iban = candidate.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(iban)) return false;
  const digits = (iban.slice(4) + iban.slice(0, 4)).replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let remainder = 0;
  for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  return remainder === 1;
}

/**
 * A date written with separators (14/03/1987, 2026-11-18, 3.1.89), which a phone pattern would
 * otherwise take; `0470/12.34.56` is not one (no day, month or year fits).
 */
const looksLikeDate = (s: string): boolean => {
  const m = /^(\d{1,4})[./-](\d{1,2})[./-](\d{2,4})(?!\d)/.exec(s);
  if (!m) return false;
  const [a, b, c] = [m[1]!, m[2]!, m[3]!];
  const year = (y: string) => y.length === 2 || (y.length === 4 && /^(?:1[89]|20)/.test(y));
  const day = (d: string) => d.length <= 2 && Number(d) >= 1 && Number(d) <= 31;
  const month = (x: string) => Number(x) >= 1 && Number(x) <= 12;
  return (a.length === 4 && year(a) && month(b) && day(c)) || (day(a) && month(b) && year(c));
};

const MONTH_WORDS = 'jan(?:uary|uari|vier|uar)?|feb(?:ruary|ruari|ruar)?|f[ée]v(?:rier)?|m(?:arch|aart|ars|[äa]rz|rt)|apr(?:il)?|avr(?:il)?|ma[iy]|mei|jun[ei]?|juin|jul[iy]?|juil(?:let)?|aug(?:ust|ustus)?|ao[ûu]t|sep(?:t|tember|tembre)?|o[ck]t(?:ober|obre)?|nov(?:ember|embre)?|d[ée]c(?:ember|embre)?|dez(?:ember)?';
const WRITTEN_DATE = `(?:\\d{4}-\\d{2}-\\d{2}|\\d{1,2}[./-]\\d{1,2}[./-]\\d{2,4}|\\d{1,2}(?:st|nd|rd|th|e|er)?\\s+(?:${MONTH_WORDS})\\.?\\s+\\d{4}|(?:${MONTH_WORDS})\\.?\\s+\\d{1,2},?\\s+\\d{4})`;

const NL_SIDECODES = [
  '[A-Z]{2}-\\d{2}-\\d{2}', '\\d{2}-\\d{2}-[A-Z]{2}', '\\d{2}-[A-Z]{2}-\\d{2}', '[A-Z]{2}-\\d{2}-[A-Z]{2}',
  '[A-Z]{2}-[A-Z]{2}-\\d{2}', '\\d{2}-[A-Z]{2}-[A-Z]{2}', '\\d{2}-[A-Z]{3}-\\d', '\\d-[A-Z]{3}-\\d{2}',
  '[A-Z]{2}-\\d{3}-[A-Z]', '[A-Z]-\\d{3}-[A-Z]{2}', '[A-Z]{3}-\\d{2}-[A-Z]', '[A-Z]-\\d{2}-[A-Z]{3}',
  '\\d-[A-Z]{2}-\\d{3}', '\\d{3}-[A-Z]{2}-\\d',
];

const AT = String.raw`(?:\s*@\s*|\s*[\[({<]\s*(?:at|@)\s*[\])}>]\s*|\s+at\s+)`;
const DOT = String.raw`(?:\.|\s*[\[({<]\s*(?:dot|punt|point|\.)\s*[\])}>]\s*|\s+dot\s+)`;

const PATTERNS: Pattern[] = [
  // Dates of birth where the text says so (born, geboren, né, °, DOB): the date, in any usual form.
  // The words, then the date as group 1 (what is masked): a lookbehind made every position of every text a search.
  { kind: 'date-of-birth', regex: new RegExp(String.raw`\b(?:born(?: on)?|geboren(?: op)?|geb\.|n[ée]e?(?: le)?|date of birth|dob|°)\s*:?\s*(${WRITTEN_DATE})`, 'giud'), guard: /born|geboren|geb\.|n[ée]e?\b|dob|date of birth|°/i },
  { kind: 'email', regex: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g },
  // Obfuscated: drugs.boss [at] example [dot] nl, jan (at) politie.nl, name at domain dot be.
  {
    kind: 'email',
    regex: new RegExp(String.raw`\b[A-Za-z0-9._%+-]+${AT}[A-Za-z0-9-]+(?:${DOT}[A-Za-z0-9-]+)*${DOT}[A-Za-z]{2,6}\b`, 'gi'),
    accept: (m) => /[\[({<]|\s(?:at|dot)\s/i.test(m) || m.includes('@'),
  },
  // Bitcoin (bech32 and legacy), Ethereum, Monero.
  { kind: 'crypto-address', guard: /bc1|0x|\b[134][1-9A-HJ-NP-Za-km-z]{25}/, regex: /\b(?:bc1[ac-hj-np-z02-9]{11,71}|[13][a-km-zA-HJ-NP-Z1-9]{25,34}|0x[0-9a-fA-F]{40}|4[0-9AB][1-9A-HJ-NP-Za-km-z]{93})\b/g, accept: (m) => /\d/.test(m) && /[a-zA-Z]/.test(m) },
  // A Belgian national register number (YY.MM.DD-NNN.CC) and identity-card number (NNN-NNNNNNN-NN).
  { kind: 'document-number', regex: /(?<![\w./-])(?:\d{2}\.\d{2}\.\d{2}[-. ]\d{3}\.\d{2}|\d{3}-\d{7}-\d{2})(?![\w-])/g },
  // Vehicle identification numbers: 17 characters, no I, O or Q, letters and digits mixed.
  { kind: 'vin', regex: /\b[A-HJ-NPR-Z0-9]{17}\b/g, accept: (m) => /\d.*\d.*\d/.test(m) && /[A-Z].*[A-Z]/.test(m) },
  { kind: 'iban', regex: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g, accept: isValidIban },
  // International (+32 / 0032) or national trunk prefix 0, then 8 to 12 more digits.
  // Not inside a dotted reference (PV AN.55.L1.080238/2021) or a longer number.
  { kind: 'phone', regex: /(?<![\w+./])(?:(?:\+|00)[1-9]\d{0,2}(?:[ ./-]?\(0\))?(?:[ ./-]?\d){7,12}|0[1-9](?:[ ./-]?\d){7,9})(?![\w/])/g, accept: (m) => !looksLikeDate(m) },
  // Luxembourg mobiles without a prefix: 621 123 456.
  { kind: 'phone', regex: /(?<![\w+./])6[2-9]1[ .]?\d{3}[ .]?\d{3}(?![\w/])/g },
  {
    kind: 'licence-plate',
    regex: new RegExp(
      [
        '[1-9]-?[A-Z]{3}-?\\d{3}', // Belgium, with or without dashes (1-ABC-234, 1ABC234)
        '[A-Z]{2}\\d{3}[A-Z]{2}', // France and Italy without dashes (AB123CD)
        '\\d{4}[ -]?[B-DF-HJ-NP-TV-Z]{3}', // Spain (1234 BCD)
        '(?:[A-Z]{2}\\d{3}[A-Z]|[A-Z]\\d{3}[A-Z]{2}|\\d{2}[A-Z]{3}\\d|\\d[A-Z]{3}\\d{2})', // the Netherlands without dashes (HX123B)
        ...NL_SIDECODES, // the Netherlands (France's AB-123-CD is sidecode-shaped too)
        '[A-Z]{2}-\\d{3}-[A-Z]{2}', // France
        '[A-ZÄÖÜ]{1,3}-[A-Z]{1,2} \\d{1,4}[EH]?', // Germany: K-AB 1234
      ]
        .map((p) => `(?<![\\w-])${p}(?![\\w-])`)
        .join('|'),
      'g',
    ),
  },
  // Passport and identity-card numbers: one or two letters, six to eight digits (EH123456, NW1234567).
  { kind: 'document-number', regex: /(?<![\w-])[A-Z]{1,2}\d{6,8}(?![\w-])/g },
];

export interface Finding {
  kind: IdentifierKind;
  start: number;
  end: number;
}

/** Every pattern needs a digit, an @ or a written-out "at": a text with none of them has no identifier to find. */
const ANY = /[0-9@]|[\[({<]\s*at\s*[\])}>]|\sat\s/i;

export function findIdentifiers(text: string): Finding[] {
  const findings: Finding[] = [];
  if (!ANY.test(text)) return findings;
  for (const { kind, regex, accept, guard } of PATTERNS) {
    if (guard && !guard.test(text)) continue;
    for (const match of text.matchAll(regex)) {
      // A pattern with a group masks only the group (the words that announce it stay).
      const [start, end] = match.indices?.[1] ?? [match.index, match.index + match[0].length];
      if (accept && !accept(match[1] ?? match[0])) continue;
      if (!findings.some((f) => start < f.end && f.start < end)) findings.push({ kind, start, end });
    }
  }
  return findings.sort((a, b) => a.start - b.start);
}

export interface Masked {
  text: string;
  counts: Partial<Record<IdentifierKind, number>>;
}

/** Replaces each identifier with `[<kind> removed]`; counts say what was masked, never the values. */
export function maskIdentifiers(text: string): Masked {
  return maskSpans(text, findIdentifiers(text));
}

/** Replaces spans (in order, not overlapping) with `[<kind> removed]` and counts them by kind. */
export function maskSpans<K extends string>(text: string, spans: ReadonlyArray<{ kind: K; start: number; end: number }>): { text: string; counts: Partial<Record<K, number>> } {
  const counts: Partial<Record<K, number>> = {};
  let out = '';
  let at = 0;
  for (const f of spans) {
    out += `${text.slice(at, f.start)}[${f.kind} removed]`;
    at = f.end;
    counts[f.kind] = (counts[f.kind] ?? 0) + 1;
  }
  return { text: out + text.slice(at), counts };
}
