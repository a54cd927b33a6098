/**
 * Rule 7: identifiers found in free text (e-mail addresses, phone numbers, IBANs, licence
 * plates, document numbers) are masked for destinations that may not receive them.
 * Patterns are tuned for the Benelux, French and German formats seen in the exchange, and
 * leave alone what only looks similar: dates, case references, container and IMO numbers,
 * UN/LOCODEs, quantities and amounts.
 */
export type IdentifierKind = 'email' | 'iban' | 'phone' | 'licence-plate' | 'document-number';

interface Pattern {
  kind: IdentifierKind;
  regex: RegExp;
  accept?: (match: string) => boolean;
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

const looksLikeDate = (s: string): boolean => /^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}/.test(s);

const NL_SIDECODES = [
  '[A-Z]{2}-\\d{2}-\\d{2}', '\\d{2}-\\d{2}-[A-Z]{2}', '\\d{2}-[A-Z]{2}-\\d{2}', '[A-Z]{2}-\\d{2}-[A-Z]{2}',
  '[A-Z]{2}-[A-Z]{2}-\\d{2}', '\\d{2}-[A-Z]{2}-[A-Z]{2}', '\\d{2}-[A-Z]{3}-\\d', '\\d-[A-Z]{3}-\\d{2}',
  '[A-Z]{2}-\\d{3}-[A-Z]', '[A-Z]-\\d{3}-[A-Z]{2}', '[A-Z]{3}-\\d{2}-[A-Z]', '[A-Z]-\\d{2}-[A-Z]{3}',
  '\\d-[A-Z]{2}-\\d{3}', '\\d{3}-[A-Z]{2}-\\d',
];

const PATTERNS: Pattern[] = [
  { kind: 'email', regex: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g },
  { kind: 'iban', regex: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g, accept: isValidIban },
  // International (+32 / 0032) or national trunk prefix 0, then 8 to 12 more digits.
  { kind: 'phone', regex: /(?<![\w+])(?:(?:\+|00)[1-9]\d{0,2}(?:[ ./-]?\(0\))?(?:[ ./-]?\d){7,12}|0[1-9](?:[ ./-]?\d){7,9})(?![\w])/g, accept: (m) => !looksLikeDate(m) },
  {
    kind: 'licence-plate',
    regex: new RegExp(
      [
        '[1-9]-[A-Z]{3}-\\d{3}', // Belgium
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

export function findIdentifiers(text: string): Finding[] {
  const findings: Finding[] = [];
  const overlaps = (start: number, end: number) => findings.some((f) => start < f.end && f.start < end);
  for (const { kind, regex, accept } of PATTERNS) {
    for (const match of text.matchAll(regex)) {
      const start = match.index;
      const end = start + match[0].length;
      if (accept && !accept(match[0])) continue;
      if (!overlaps(start, end)) findings.push({ kind, start, end });
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
  const findings = findIdentifiers(text);
  const counts: Partial<Record<IdentifierKind, number>> = {};
  let out = '';
  let at = 0;
  for (const f of findings) {
    out += `${text.slice(at, f.start)}[${f.kind} removed]`;
    at = f.end;
    counts[f.kind] = (counts[f.kind] ?? 0) + 1;
  }
  return { text: out + text.slice(at), counts };
}
