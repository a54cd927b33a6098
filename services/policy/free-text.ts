/**
 * Rule 7: identifiers found in free text (e-mail addresses, phone numbers, IBANs, licence
 * plates, document and national numbers, street addresses, names written with an initial) are
 * masked for destinations that may not receive them. Patterns are tuned for the Benelux,
 * French, German, Spanish and Italian formats seen in the exchange, and leave alone what only
 * looks similar: dates, times, case and PV references, container and IMO numbers, UN/LOCODEs,
 * quantities and amounts.
 */
export type IdentifierKind = 'email' | 'iban' | 'phone' | 'licence-plate' | 'document-number' | 'crypto-address' | 'vin' | 'date-of-birth' | 'address' | 'name';

interface Pattern {
  kind: IdentifierKind;
  regex: RegExp;
  accept?: (match: string) => boolean;
  /** A cheap test a text must pass before the (costlier) pattern runs on it. */
  guard?: RegExp;
  /** Runs on texts without a digit or an @ too (names); every other pattern needs one. */
  digitless?: true;
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

/** n mod 97 of a string of digits (no BigInt needed, any length). */
const mod97 = (digits: string): number => {
  let r = 0;
  for (const d of digits) r = (r * 10 + d.charCodeAt(0) - 48) % 97;
  return r;
};

/**
 * Belgian national register number (and BIS number): YYMMDD SSS CC, CC = 97 − (YYMMDDSSS mod 97),
 * or, born in 2000 or later, 97 − (2YYMMDDSSS mod 97). BIS numbers add 20 or 40 to the month;
 * day and month 00 occur (date unknown).
 */
export function isValidBelgianNrn(candidate: string): boolean {
  const d = candidate.replace(/\D/g, '');
  if (d.length !== 11) return false;
  const month = Number(d.slice(2, 4)) % 20;
  const day = Number(d.slice(4, 6));
  if (Number(d.slice(2, 4)) > 52 || month > 12 || day > 31) return false;
  const check = Number(d.slice(9));
  const base = d.slice(0, 9);
  return 97 - mod97(base) === check || 97 - mod97(`2${base}`) === check;
}

/** French NIR (numéro de sécurité sociale): 13 characters (Corsica 2A/2B as 19/18), key = 97 − (n mod 97). */
export function isValidFrenchNir(candidate: string): boolean {
  const s = candidate.replace(/[\s.-]/g, '').toUpperCase();
  if (!/^[12378]\d{2}(?:0[1-9]|1[0-2]|[2-9]\d)(?:\d{2}|2A|2B)\d{6}\d{2}$/.test(s)) return false;
  const body = s.slice(0, 13).replace('2A', '19').replace('2B', '18');
  return 97 - mod97(body) === Number(s.slice(13));
}

/** Spanish DNI (8 digits and a letter) and NIE (X, Y or Z, 7 digits and a letter): the letter is the number mod 23. */
export function isValidSpanishId(candidate: string): boolean {
  const s = candidate.replace(/[\s-]/g, '').toUpperCase();
  const m = /^([XYZ]?)(\d{7,8})([A-Z])$/.exec(s);
  if (!m || (m[1] ? m[2]!.length !== 7 : m[2]!.length !== 8)) return false;
  const n = Number(`${m[1] ? 'XYZ'.indexOf(m[1]) : ''}${m[2]}`);
  return 'TRWAGMYFPDXBNJZSQVHLCKE'[n % 23] === m[3];
}

/** Italian codice fiscale: 16 characters, the last one a check over the first fifteen. */
export function isValidItalianFiscalCode(candidate: string): boolean {
  const s = candidate.toUpperCase();
  if (!/^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$/.test(s)) return false;
  const odd = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
  let sum = 0;
  for (let i = 0; i < 15; i += 1) {
    const c = s.charCodeAt(i);
    const v = c <= 57 ? c - 48 : c - 65; // digits count as the letter of the same rank
    sum += i % 2 === 0 ? odd[v]! : v;
  }
  return String.fromCharCode(65 + (sum % 26)) === s[15];
}

/** Dutch BSN: 9 digits, 11-proef (9a + 8b + … + 2h − i ≡ 0 mod 11). Only after a context word (1 in 11 numbers pass). */
export function isValidBsn(candidate: string): boolean {
  const d = candidate.replace(/\D/g, '');
  if (d.length !== 9 || d === '000000000') return false;
  let sum = 0;
  for (let i = 0; i < 8; i += 1) sum += Number(d[i]) * (9 - i);
  return (sum - Number(d[8])) % 11 === 0;
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

/** A Belgian enterprise (KBO/BCE) number, 0412.345.678 or 1xxx.xxx.xxx, with its mod-97 check: not a phone number. */
const isEnterpriseNumber = (s: string): boolean => {
  if (!/^[01]\d{3}[. ]\d{3}[. ]\d{3}$/.test(s)) return false;
  const d = s.replace(/\D/g, '');
  return 97 - mod97(d.slice(0, 8)) === Number(d.slice(8));
};

/** A list of clock times (0930 1015 1130), which the longer national phone numbers would otherwise take. */
const looksLikeTimes = (s: string): boolean => /^(?:(?:[01]\d|2[0-3])[0-5]\d)(?:[ ,;/-]+(?:[01]\d|2[0-3])[0-5]\d)+$/.test(s.trim());
/** A German or Austrian mobile (015x, 016x, 017x) or a Belgian one (045x–049x): a phone even where its groups read as clock times (0151 1451 0941). */
const mobilePrefix = (s: string): boolean => /^0(?:1[5-7]\d|4[5-9]\d)/.test(s.replace(/[ ./-]/g, ''));

/** The same regex fragments in capitals (their escapes are `\.` and `\s`, which stay as they are). */
const upper = (words: string[]) => words.map((w) => w.toUpperCase().replace(/\\S/g, '\\s'));
/** A word list in lower case, capitalised and in capitals: `kg|Kg|KG` (patterns that must stay case-sensitive elsewhere). */
const anyCase = (words: string[]) => words.flatMap((w) => [w, w[0]!.toUpperCase() + w.slice(1), w.toUpperCase()]).join('|');
/** Top-level alternatives of a regex source, each capitalised and in capitals as well. */
const anyCaseSource = (src: string): string => {
  const alts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < src.length; i += 1) {
    if (src[i] === '\\') i += 1;
    else if (src[i] === '(' || src[i] === '[') depth += 1;
    else if (src[i] === ')' || src[i] === ']') depth -= 1;
    else if (src[i] === '|' && depth === 0) (alts.push(src.slice(from, i)), (from = i + 1));
  }
  alts.push(src.slice(from));
  return alts.flatMap((a) => [a, a.replace(/^[a-z]/, (c) => c.toUpperCase()), a.toUpperCase()]).join('|');
};
/** `van` → `[vV]an`. */
const ci = (w: string) => w.replace(/^[a-z]/, (c) => `[${c}${c.toUpperCase()}]`);

const MONTH_WORDS = 'jan(?:uary|uari|vier|uar)?|feb(?:ruary|ruari|ruar)?|f[ée]v(?:rier)?|m(?:arch|aart|ars|[äa]rz|rt)|apr(?:il)?|avr(?:il)?|ma[iy]|mei|jun[ei]?|juin|jul[iy]?|juil(?:let)?|aug(?:ust|ustus)?|ao[ûu]t|sep(?:t|tember|tembre)?|o[ck]t(?:ober|obre)?|nov(?:ember|embre)?|d[ée]c(?:ember|embre)?|dez(?:ember)?';
// `3. Januar 1989` (German ordinal dot) as well as `3 januari 1989`.
const WRITTEN_DATE = `(?:\\d{4}-\\d{2}-\\d{2}|\\d{1,2}[./-]\\d{1,2}[./-]\\d{2,4}|\\d{1,2}(?:st|nd|rd|th|e|er|\\.)?\\s+(?:${MONTH_WORDS})\\.?\\s+\\d{4}|(?:${MONTH_WORDS})\\.?\\s+\\d{1,2},?\\s+\\d{4})`;

const NL_SIDECODES = [
  '[A-Z]{2}-\\d{2}-\\d{2}', '\\d{2}-\\d{2}-[A-Z]{2}', '\\d{2}-[A-Z]{2}-\\d{2}', '[A-Z]{2}-\\d{2}-[A-Z]{2}',
  '[A-Z]{2}-[A-Z]{2}-\\d{2}', '\\d{2}-[A-Z]{2}-[A-Z]{2}', '\\d{2}-[A-Z]{3}-\\d', '\\d-[A-Z]{3}-\\d{2}',
  '[A-Z]{2}-\\d{3}-[A-Z]', '[A-Z]-\\d{3}-[A-Z]{2}', '[A-Z]{3}-\\d{2}-[A-Z]', '[A-Z]-\\d{2}-[A-Z]{3}',
  '\\d-[A-Z]{2}-\\d{3}', '\\d{3}-[A-Z]{2}-\\d',
];

const AT = String.raw`(?:\s*@\s*|\s*[\[({<]\s*(?:at|@)\s*[\])}>]\s*|\s+at\s+)`;
const DOT = String.raw`(?:\.|\s*[\[({<]\s*(?:dot|punt|point|\.)\s*[\])}>]\s*|\s+dot\s+)`;

// ---------------------------------------------------------------------------------------------
// Words that announce an identifier (nl, fr, de, en, es, it). Matched case-insensitively.

/** Birth: `born`, `geboren (op|am|te X op)`, `né(e) (le|à X le)`, `geb.`, `°`, `DOB`, `date of birth`, … */
const BIRTH_WORDS = String.raw`born(?:\s+on)?|geboren|geb\.|n[ée]e?|nato|nata|nacid[oa]|date\s+of\s+birth|d\.?o\.?b\.?|geboortedatum|geb(?:oorte)?\.?\s*datum|date\s+de\s+naissance|geburtsdatum|fecha\s+de\s+nacimiento|data\s+di\s+nascita|n[ée]e?\s+le`;
/** What may stand between the birth word and the date: `op`, `am`, `le`, `il`, `el`, `on`, and a place (`te Genk op`, `à Liège le`, `in Köln am`). */
const BIRTH_GAP = String.raw`(?:\s+(?:te|in|à|a|en|zu)\s+\p{Lu}[\p{L}'’-]+(?:[\s-]\p{Lu}[\p{L}'’-]+){0,2}\s*,?)?(?:\s+(?:op|am|le|il|el|on|den))?`;

/** Documents: `travels on`, `passport`, `ID card`, `carte d'identité`, `Reisepass`, `DNI`, `document`, … and an optional `nr/no/n°/number`. */
const DOCUMENT_WORDS = String.raw`travel(?:s|led|ling)?\s+on(?:(?:\s+(?:a|an|the|his|her))?(?:\s+\p{L}+)?\s+(?:passport|id(?:[\s-]?card)?|document|papers))?|reist\s+(?:met|op|mit)|voyage(?:ait)?\s+(?:avec|sous)|passport|paspoort|passeport|reisepass|passaporto|pasaporte|document|documento|dokument|identity\s+card|id[\s-]?card|id[\s-]?kaart|identiteitskaart|eid|carte\s+d['’]identit[ée]|cni|personalausweis|ausweis|carta\s+d['’]identit[àa]|dni|nie|rijbewijs|driving\s+licen[cs]e|driver['’]?s\s+licen[cs]e|permis(?:\s+de\s+conduire)?|f(?:ü|ue?)hrerschein|patente|verblijfs(?:kaart|vergunning)|titre\s+de\s+s[ée]jour|aufenthaltstitel|residence\s+permit`;
/** The Belgian national register number by its names: rijksregisternummer, RRN, NRN, INSZ/SSIN/NISS, numéro national, Nationalregisternummer. */
const NRN_WORDS = String.raw`rijksregister(?:nummer|nr\.?)?|rrn|nrn|insz|ssin|niss|national\s+(?:register\s+)?(?:number|no\.?)|n(?:um[ée]ro|°)\s+(?:de\s+)?(?:registre\s+)?national|registre\s+national|nationalregisternummer|register(?:nummer)?`;
const NUMBER_WORDS = String.raw`(?:(?:n[or°º]|nr|num(?:ber|mer|[ée]ro)|#)\.?\s*:?\s*)`;

/** Phones: `tel`, `gsm`, `mobile`, `Handy`, `portable`, `móvil`, `cellulare`, apps. */
const PHONE_WORDS = String.raw`tel(?:\.|efoon|efon|[ée]phone|efono|ephone)?|gsm|mobiel|mobile?|mobil(?:nummer|telefon)?|handy|portable|port\.|m[oó]vil|cell(?:ulare|phone)?|whatsapp|signal|telegram|rufnummer|telefoonnummer|num[ée]ro\s+de\s+t[ée]l[ée]phone|phone`;

/** Plates: `plate`, `kenteken`, `nummerplaat`, `plaque`, `immatriculation`, `Kennzeichen`, `targa`, `matrícula`. */
const PLATE_WORDS = ['licence plate', 'license plate', 'number plate', 'registration plate', 'plate', 'plates', 'registration', 'reg.', 'kenteken', 'nummerplaat', 'nrplaat', 'plaque', "plaque d'immatriculation", 'immatriculation', 'immatriculée', 'immatriculé', 'immat.', 'kennzeichen', 'amtliches kennzeichen', 'nummernschild', 'targa', 'targata', 'matrícula', 'matricula']
  .sort((a, b) => b.length - a.length)
  .flatMap((w) => [w, w[0]!.toUpperCase() + w.slice(1), w.toUpperCase()])
  .map((w) => w.replace(/[.]/g, '\\.').replace(/ /g, '\\s+').replace(/'/g, "['’]"))
  .join('|');

// ---------------------------------------------------------------------------------------------
// Street addresses (BE, NL, LU, FR, DE, ES, IT, EN).

/** Street-type endings of one-word (Germanic) street names: Kribbestraat, Kribbestr., Kastanjeln, Hauptstr., Turnhoutsebaan. */
const STREET_SUFFIXES = ['straat', 'str\\.', 'str(?=\\s)', 'steenweg', 'stwg\\.?', 'stw\\.', 'laan', 'ln\\.?', 'baan', 'weg', 'plein', 'pln\\.', 'dreef', 'kaai', 'kade', 'dijk', 'singel', 'gracht', 'markt', 'lei', 'hof', 'vest', 'wal', 'berg', 'plantsoen', 'pad', 'straße', 'strasse', 'gasse', 'allee', 'platz', 'pl\\.', 'damm', 'ufer', 'chaussee', 'graben', 'steig', 'stieg'];
/** The same words standing alone after a name (Grote Markt, Berliner Str., Koning Albert Laan). */
const STREET_WORDS = ['Straat', 'Str\\.', 'Steenweg', 'Laan', 'Baan', 'Weg', 'Plein', 'Dreef', 'Markt', 'Lei', 'Straße', 'Strasse', 'Gasse', 'Allee', 'Platz', 'Damm', 'Ufer', 'Chaussee'];
/** Words a house number must not be followed by (then it is a quantity, a time or a date). */
const UNITS = ['kg', 'ton', 'tons', 'km', 'uur', 'min', 'times', 'keer', 'fois', 'mal', 'eur', 'euro', 'usd', 'pcs', 'stuks', 'container', 'containers', 'teu', 'pallets', 'boxes', 'dozen', 'colis', 'kisten', 'personen', 'persons', 'personnes', 'minuten', 'minutes', 'minuti', 'sec', 'seconds', 'hours', 'heures', 'stunden', 'ore', 'dagen', 'days', 'jours', 'tage', 'weken', 'weeks', 'semaines', 'wochen', 'meter', 'meters', 'metres', 'mètres'];
const NOT_AFTER_NUMBER = String.raw`(?![\d:]|[.,]\d|\s?(?:%|€|\$|x\s)|\s?(?:${anyCase(UNITS)}|${anyCaseSource(MONTH_WORDS)})(?![\p{L}]))`;
/** A house number: 46, 46B, 46 b, 12bis, 3 bus 2, 5 bte 4, 7/2, n° 12. */
const HOUSE = String.raw`(?:n[°º]\s?|nr\.?\s?)?(?!(?:19|20)\d{2}(?!\d))[1-9]\d{0,3}${NOT_AFTER_NUMBER}(?:\s?[A-Za-z](?![\p{L}\p{N}]))?(?:\s?(?:bis|ter)(?![\p{L}]))?(?:\s*(?:bus|bte\.?|bo[iî]te|b\.|app\.?|/)\s*\d{1,4})?`;
/** An optional postcode and city: `, 2140 Borgerhout`, `2140 BORGERHOUT`, `1012 AB Amsterdam`, `L-1234 Luxembourg`, `75009 Paris`. */
const POSTCODE_CITY = String.raw`(?:(?:[BDFILN]|NL|LU|BE|FR|DE)[- ])?(?:\d{4}\s?[A-Z]{2}(?![\p{L}])|\d{4,5})\s+\p{Lu}[\p{L}'’]+(?:[\s-]\p{Lu}[\p{L}'’]+){0,2}`;
const CITY_TAIL = String.raw`(?:\s*,?\s*${POSTCODE_CITY})?`;
/** Words that start a street name before the name proper: Sint-, Grote, Koning, Am, … */
const STREET_LEAD = String.raw`(?:(?:Sint|Sainte?|St\.?|Grote|Kleine|Lange|Korte|Oude|Nieuwe|Hoge|Lage|Koning|Koningin|Prins|Prinses|Burgemeester|Generaal|Kardinaal|Pastoor|Dokter|Onze-Lieve-Vrouw|Alte|Neue|Gro(?:ß|ss)e|Am|An\s+der|Auf\s+dem|Unter\s+den|Im)\s+)?`;

// The whole word first, then a lookbehind for its ending: one test per word, not one per letter and ending.
const SUFFIX_BEHIND = STREET_SUFFIXES.map((w) => w.replace('(?=\\s)', '')).join('|');
const GERMANIC_MIXED = String.raw`${STREET_LEAD}(?:\p{Lu}(?:[\p{Ll}'’]|-\p{Lu}?){2,40}(?![\p{Ll}'’-])\.?(?<=\p{L}{2}(?:${SUFFIX_BEHIND}))|\p{Lu}[\p{Ll}'’-]+\s+(?:${STREET_WORDS.join('|')}))`;
const GERMANIC_UPPER = String.raw`(?:\p{Lu}[\p{Lu}'’-]{2,40}(?![\p{Lu}'’-])\.?(?<=\p{L}{2}(?:${upper(STREET_SUFFIXES.map((w) => w.replace('(?=\\s)', ''))).join('|')}))|\p{Lu}[\p{Lu}'’-]+\s+(?:${upper(STREET_WORDS).join('|')}))`;
/** A street name ending in a street-type word, then the number: Kribbestr. 46B, TURNHOUTSEBAAN 22, Berliner Str. 5. */
const GERMANIC_STREET = String.raw`(?=\p{Lu})(?<![\p{L}\p{N}])(?:${GERMANIC_MIXED}|${GERMANIC_UPPER})(?![\p{L}])\s*,?\s*${HOUSE}${CITY_TAIL}`;

/** Romance street types, before the name: rue, av., bd, chaussée, calle, C/, via, piazza, … (the ambiguous ones only capitalised). */
const ROMANCE_TYPES = String.raw`(?:[Rr]ue|R\.|[Aa]v(?:enue|e|da|enida)?\.?|[Bb](?:oulevard|d|ld|lvd|oul)\.?|[Cc]hauss[ée]e|[Cc]h[ée]e|[Cc]hemin|[Cc]h\.|[Pp]l\.|[Qq]uai|[Ii]mpasse|[Ii]mp\.|[Aa]ll[ée]e|[Rr]te\.?|[Ss]q\.|[Ff]aubourg|[Ff]bg\.?|[Cc]alle|[Cc]\/|[Pp]aseo|P[ºo]\.|[Pp]za\.|[Cc]arrer|[Vv]iale|V\.le|[Pp]iazza|P\.zz?a|[Cc]\.so|[Vv]icolo|[Rr]ua|[Tt]ravessa|Via|Place|Route|Square|Passage|Cours|Corso|Largo|Plaza|RUE|AVENUE|AV\.|BOULEVARD|BD|CHAUSS[ÉE]E|PLACE|QUAI|CALLE|VIA|PIAZZA)`;
const LINK = String.raw`(?:(?:de\s+la|de\s+l['’]|de|du|des|d['’]|del|della|dello|dei|degli|di|da|do|dos|das|la|le|les|l['’]|el|los|las|van|von|aux|au|sur|DE\s+LA|DE|DU|DES|LA|LE)\s*)`;
const NAME_WORDS = String.raw`${LINK}*\p{Lu}[\p{L}'’-]*\.?(?:\s+${LINK}*\p{Lu}[\p{L}'’-]*\.?){0,3}`;
/** Type first, number after (BE-fr, LU, ES, IT): Rue de la Loi 16, av. Louise 54, Calle Mayor, 5, Via Roma 12. */
const ROMANCE_STREET = String.raw`(?=[ABCFIPQRSTVLabcfipqrstv])(?<![\p{L}\p{N}])${ROMANCE_TYPES}\s*${NAME_WORDS}\s*,?\s*${HOUSE}${CITY_TAIL}`;
/** Number first (FR): 12 rue de la Loi, 8 bd Haussmann, 12 av. de la Liberté, 1000 Bruxelles. */
const FRENCH_STREET = String.raw`(?=[1-9])(?<![\p{L}\p{N}.,])[1-9]\d{0,3}(?:\s?(?:bis|ter|[A-Za-z])(?![\p{L}]))?\s*,?\s+(?:${ROMANCE_TYPES}|via|place|route|square|passage|cours|corso|largo|plaza)\s*${NAME_WORDS}${CITY_TAIL}`;
/** English: 12 Baker Street, 221B Baker St. */
const ENGLISH_STREET = String.raw`(?=[1-9])(?<![\p{L}\p{N}.,])[1-9]\d{0,3}[A-Za-z]?\s+(?:\p{Lu}[\p{Ll}'’-]+\s+){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Close|Court|Ct|Terrace|Way|Crescent|Boulevard|Blvd|Square|Sq|Place|Pl|Gardens|Grove|Row|Mews|Hill)\.?(?![\p{L}])${CITY_TAIL}`;
/** A cheap test before the English street pattern: a street-type word after a capitalised word. */
const ENGLISH_GUARD = /\p{Lu}[\p{Ll}'’-]+\s+(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Close|Court|Ct|Terrace|Way|Crescent|Boulevard|Blvd|Square|Sq|Place|Pl|Gardens|Grove|Row|Mews|Hill)\.?(?![\p{L}])/u;
/** Cheap tests before the Romance street patterns: their type word as a word (case as in the patterns), or a number and a type word. */
const ROMANCE_GUARD = new RegExp(String.raw`(?<![\p{L}])${ROMANCE_TYPES}`, 'u');
const FRENCH_GUARD = new RegExp(String.raw`\d\s*,?\s+(?:${ROMANCE_TYPES}|via|place|route|square|passage|cours|corso|largo|plaza)(?![\p{L}])`, 'u');
/** What a declared street's mask leaves behind: `[address removed], 2140 Borgerhout` (taken with the mask, one label). */
const AFTER_MASKED_STREET = String.raw`\[address removed\]\s*,?\s*${POSTCODE_CITY}`;
/** A cheap test before the Germanic street pattern: a street-type ending followed by a number. */
const GERMANIC_GUARD = /(?:str(?:aat|\.|a(?:ß|ss)e)?|stwg|stw\.|steenweg|laan|ln\.?|baan|weg|plein|pln\.|dreef|kaai|kade|dijk|singel|gracht|markt|lei|hof|vest|wal|berg|plantsoen|pad|gasse|allee|platz|pl\.|damm|ufer|chaussee|graben|steig|stieg)[\s,.]*\d/i;
/** A city name that ends like a street type and may carry a number (Köln 3). */
const NOT_A_STREET = /^(?:k[öo]ln|koeln)\b/i;

// ---------------------------------------------------------------------------------------------
// Names written with an initial (B. Van Damme, S. Ramírez, J.-P. Dubois, A.B. de Vries) or a title (Herr Müller, Mme Dubois).

const PARTICLES = ['van', 'von', 'de', 'den', 'der', 'del', 'della', 'di', 'da', 'du', 'des', 'dos', 'das', 'le', 'la', 'ten', 'ter', 'te', 'vom', 'zu', 'zum', 'zur', 'op', 'in', "'t", 'mac', 'mc', 'ben', 'bin', 'el', 'al'];
const PARTICLE = `(?:${PARTICLES.map(ci).join('|')}|${PARTICLES.map((p) => p.toUpperCase()).join('|')})`;
/** A capitalised word: Ramírez, O'Brien, Van-Damme, MÜLLER. */
const CAPWORD = String.raw`\p{Lu}[\p{Ll}\p{Lu}'’]+(?:-\p{Lu}[\p{Ll}\p{Lu}'’]+)?`;
/** Words after which a lone capital and a dot are a label, not an initial (plan B., gate C., zone A.). */
const LABEL_WORDS = ['exhibit', 'bloc', 'pièce', 'stuk', 'foto', 'photo', 'figure', 'fig', 'table', 'tabel', 'appendix', 'chapter', 'hoofdstuk', 'chapitre', 'kapitel', 'plan', 'zone', 'terminal', 'gate', 'quay', 'kaai', 'dock', 'dok', 'hall', 'hal', 'halle', 'level', 'niveau', 'block', 'blok', 'type', 'annex', 'annexe', 'bijlage', 'anlage', 'option', 'optie', 'scenario', 'class', 'klasse', 'categorie', 'category', 'catégorie', 'kategorie', 'vitamin', 'vitamine', 'hepatitis', 'point', 'punt', 'phase', 'fase', 'section', 'sectie', 'art', 'article', 'artikel', 'lid', 'al', 'par', 'berth', 'ligplaats', 'quai', 'pier', 'tier', 'deck', 'row', 'rij', 'bay', 'model', 'version', 'versie', 'group', 'groep', 'team', 'unit', 'eenheid', 'cell', 'cel', 'wing', 'vleugel', 'floor', 'verdieping', 'étage', 'stock', 'route', 'lane', 'strook', 'spoor', 'track', 'voie', 'gleis', 'platform', 'perron'];
const LABEL_BEFORE = `(?<!(?:${anyCase(LABEL_WORDS)})\\s)`;
/** Capitalised words that start sentences or name things, never a surname after an initial. */
const NOT_A_SURNAME = new Set(
  ('the this that these those he she they we it its his her on in at an and but or then after before when while during vessel container terminal police port customs ' +
    'de het een hij zij ze wij op na voor dan maar en bij tijdens die dat deze dit er ook ' +
    'le la les un une il elle ils elles nous on puis après avant lors dans sur pour mais et ce cette ces ' +
    'der die das ein eine er sie wir es dann nach vor bei während im am zum zur und aber auch ' +
    'el los las una él ella y pero il lo gli uno ' +
    'nl be fr de lu us uk eu es it co ec pv eur usd kg imo teu un h1 h2 h3')
    .split(/\s+/),
);
// `(?=\p{Lu}\.)` first: a position that is not a capital and a dot fails at once, before the lookbehinds run.
const NAME_WITH_INITIAL = String.raw`(?=\p{Lu}\.)(?<![\p{L}\p{N}.'’-])${LABEL_BEFORE}\p{Lu}\.(?:\s?-?\s?\p{Lu}\.){0,2}\s?(?:${PARTICLE}\s+){0,3}${CAPWORD}`;
const TITLES = String.raw`(?:Mr|Mrs|Ms|Miss|Mme|Mlle|Mevr|Mevrouw|Dhr|Meneer|Herr|Frau|Hr|Fr|Sig|Sig\.ra|Sra|Sr|Señor|Señora|Signor|Signora|Monsieur|Madame|Mademoiselle)\.?`;
const NAME_WITH_TITLE = String.raw`(?<![\p{L}\p{N}])${TITLES}\s+(?:\p{Lu}\.\s?)?(?:${PARTICLE}\s+){0,3}${CAPWORD}`;
/** Initials that are a company form or a country (B.V. Antwerp, N.V. Ferry, U.S. Customs). */
const NOT_INITIALS = new Set(['BV', 'NV', 'SA', 'SL', 'SRL', 'SPRL', 'SE', 'AG', 'KG', 'CV', 'VZW', 'ASBL', 'EU', 'US', 'UK', 'UN', 'PV']);
const acceptName = (m: string): boolean => {
  const initials = /^(?:\p{Lu}\.\s?-?\s?)+/u.exec(m)?.[0].replace(/[^\p{Lu}]/gu, '') ?? '';
  if (NOT_INITIALS.has(initials)) return false;
  const last = m.trim().split(/[\s.]+/).pop()!.replace(/^.*-/, '');
  return !NOT_A_SURNAME.has(last.toLowerCase()) && last.length >= 2;
};

// ---------------------------------------------------------------------------------------------

/** Not a document number: a case reference (ANR-2026-0042), a container (MSCU1234565) or IMO number, a PV, a date, a year. */
const ORDINARY_REFERENCE = /^(?:[A-Z]{2,5}[-/ ]?(?:19|20)\d{2}[-/ ]?\d{1,6}|[A-Z]{4}\s?\d{6}\s?\d|IMO\s?\d{7}|PV\b.*|(?:19|20)\d{2})$/i;
const acceptDocument = (m: string): boolean => {
  const compact = m.replace(/[\s-]/g, '');
  const digits = compact.replace(/\D/g, '').length;
  if (compact.length < 7 || compact.length > 20 || digits < 3) return false;
  if (ORDINARY_REFERENCE.test(m.trim()) || looksLikeDate(m)) return false;
  // Every group of a spaced number holds a digit, or is one or two letters (EH 123 456): `a bus 12` is words.
  return m.trim().split(/[\s-]+/).every((g) => /\d/.test(g) || /^[A-Za-z]{1,2}$/.test(g));
};
const CURRENCY_OR_UNIT = /^(?:EUR|USD|GBP|CHF|JPY|CNY|TEU|FEU|KGS|LBS|PCS|BOX|CTN|PAL|MIN|SEC|CET|UTC|GMT|KMH|TON|IMO|NRN|BSN)$/;

const PATTERNS: Pattern[] = [
  // Dates of birth where the text says so: the words (or °, which no \b can precede), then the date as group 1 (what is masked).
  {
    kind: 'date-of-birth',
    regex: new RegExp(String.raw`(?=[bgndf°])(?:(?<![\p{L}\p{N}])(?:${BIRTH_WORDS})(?![\p{L}])${BIRTH_GAP}|°)\s*:?\s*(${WRITTEN_DATE})`, 'giud'),
    // No \b after né: é is not a word character to \b, so `né le 14 mars 1987` never passed the guard.
    guard: /born|geb|(?<![\p{L}])n[ée]e?(?![\p{L}])|nat[oa]\b|nacid|dob|d\.o\.b|birth|naissance|nascita|nacimiento|°/iu,
  },
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
  // The same register number in any other writing (85073003361, 850730 033 61, 850730-033-61): its check digits decide.
  { kind: 'document-number', regex: /(?<![\w./-])\d{2}[. ]?\d{2}[. ]?\d{2}[-. ]?\d{3}[-. ]?\d{2}(?![\w-]|[.,/]\d)/g, accept: isValidBelgianNrn },
  // Where the text names it, a register number whose check digits are wrong (a typo, an invented example) still goes if its date can be one.
  {
    kind: 'document-number',
    guard: /rijksregister|rrn|nrn|insz|ssin|niss|national|registre|register/i,
    regex: new RegExp(String.raw`(?<![\p{L}])(?:${NRN_WORDS})(?![\p{L}])\s*${NUMBER_WORDS}?(\d{2}[. ]?\d{2}[. ]?\d{2}[-. ]?\d{3}[-. ]?\d{2})(?![\w-]|[.,/]\d)`, 'giud'),
    accept: (m) => {
      const d = m.replace(/\D/g, '');
      const month = Number(d.slice(2, 4)) % 20;
      return d.length === 11 && Number(d.slice(2, 4)) <= 52 && month <= 12 && Number(d.slice(4, 6)) <= 31;
    },
  },
  // French NIR (1 85 07 75 123 456 78), Spanish DNI/NIE (12345678Z, X1234567L), Italian codice fiscale: their check characters decide.
  { kind: 'document-number', regex: /(?<![\w./-])[12378] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}(?![\w-])/g, accept: isValidFrenchNir },
  { kind: 'document-number', regex: /(?<![\w./-])[XYZ]?[- ]?\d{7,8}[- ]?[A-Z](?![\w-])/g, accept: isValidSpanishId },
  { kind: 'document-number', regex: /\b[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]\b/gi, accept: isValidItalianFiscalCode },
  // A Dutch BSN (11-proef) only where the text names it.
  { kind: 'document-number', guard: /bsn|burgerservice|sofi/i, regex: /\b(?:bsn|burgerservicenummer|sofi-?nummer)\s*:?\s*(\d{3}[ .]?\d{2}[ .]?\d{2}[ .]?\d{2}|\d{9})(?!\d)/gid, accept: isValidBsn },
  // Document numbers where the text announces one (travels on P1234567X, passport NW1234567, document 123456789, DNI 12345678Z).
  {
    kind: 'document-number',
    guard: /\b(?:travel\w*\s+on|reist\s+m|voyage|passport|paspoort|passeport|reisepass|passaporto|pasaporte|document|dokument|identit|id[\s-]?(?:card|kaart)|eid\b|cni\b|personalausweis|ausweis|carta\s+d|dni\b|nie\b|rijbewijs|driv\w*\s+licen|permis\b|f(?:ü|ue?)hrerschein|patente|verblijfs|titre\s+de|aufenthalt|residence\s+permit)/i,
    regex: new RegExp(String.raw`(?=[tvrpdieacnfl])(?<![\p{L}])(?:${DOCUMENT_WORDS})(?![\p{L}])\s*:?\s*${NUMBER_WORDS}?((?:[A-Za-z0-9]{1,9}[ -]){0,3}[A-Za-z0-9]*\d[A-Za-z0-9]*)`, 'giud'),
    accept: acceptDocument,
  },
  // Vehicle identification numbers: 17 characters, no I, O or Q, letters and digits mixed.
  { kind: 'vin', regex: /\b[A-HJ-NPR-Z0-9]{17}\b/g, accept: (m) => /\d.*\d.*\d/.test(m) && /[A-Z].*[A-Z]/.test(m) },
  { kind: 'iban', regex: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g, accept: isValidIban },
  // Street addresses: the street with its number, and a postcode and city that follow; then what a declared street's mask left.
  { kind: 'address', guard: GERMANIC_GUARD, regex: new RegExp(GERMANIC_STREET, 'gu'), accept: (m) => !NOT_A_STREET.test(m) },
  { kind: 'address', guard: FRENCH_GUARD, regex: new RegExp(FRENCH_STREET, 'gu') },
  { kind: 'address', guard: ROMANCE_GUARD, regex: new RegExp(ROMANCE_STREET, 'gu') },
  { kind: 'address', guard: ENGLISH_GUARD, regex: new RegExp(ENGLISH_STREET, 'gu') },
  { kind: 'address', guard: /\[address removed\]/, regex: new RegExp(AFTER_MASKED_STREET, 'gu') },
  // A phone number where the text says so, in any national notation (Italian 347 123 4567, Spanish 612 345 678).
  {
    kind: 'phone',
    guard: new RegExp(PHONE_WORDS, 'i'),
    regex: new RegExp(String.raw`(?<![\p{L}])(?:${PHONE_WORDS})(?![\p{L}])\s*(?:n[or°]\.?|nr\.?|nummer|number)?\s*[:.]?\s*((?:\+|00)?\d(?:[ ./-]?\(?\d\)?){7,13})(?![\w/])`, 'giud'),
    accept: (m) => !looksLikeDate(m) && !looksLikeTimes(m),
  },
  // International (+32 / 0032) or national trunk prefix 0, then 8 to 12 more digits (German mobiles: 0170 7279 9200).
  // Not inside a dotted reference (PV AN.55.L1.080238/2021), a longer number or an amount (EUR 1 050 000 000).
  { kind: 'phone', regex: /(?<![\w+./])(?<!\d[ ,.])(?:(?:\+|00)[1-9]\d{0,2}(?:[ ./-]?\(0\))?(?:[ ./-]?\d){7,12}|0[1-9](?:[ ./-]?\d){7,11})(?![\w/])/g, accept: (m) => !looksLikeDate(m) && (mobilePrefix(m) || !looksLikeTimes(m)) && !isEnterpriseNumber(m) },
  // Luxembourg mobiles without a prefix: 621 123 456.
  { kind: 'phone', regex: /(?<![\w+./])6[2-9]1[ .]?\d{3}[ .]?\d{3}(?![\w/])/g },
  // A plate where the text says so, any country (kenteken 12-ABC-3, Kennzeichen M AB 1234, plaque GH 123 JK).
  {
    kind: 'licence-plate',
    guard: new RegExp(PLATE_WORDS, 'i'),
    regex: new RegExp(String.raw`(?<![\p{L}])(?:${PLATE_WORDS})(?![\p{L}])\s*(?:\(\p{Lu}{1,3}\)\s*)?:?\s*((?:[A-ZÄÖÜ0-9]{1,4}[ -]){1,3}[A-ZÄÖÜ0-9]{1,4}|[A-Z0-9]{4,9})(?![\w-])`, 'gud'),
    accept: (m) => /\d/.test(m) && /[A-Z]/.test(m) && m.replace(/[\s-]/g, '').length >= 4 && m.replace(/[\s-]/g, '').length <= 9 && !ORDINARY_REFERENCE.test(m),
  },
  {
    kind: 'licence-plate',
    regex: new RegExp(
      [
        '[1-9][ -]?[A-Z]{3}[ -]?\\d{3}', // Belgium, with dashes, spaces or none (1-ABC-234, 2 GGY 985, 1ABC234)
        '[A-Z]{2}\\d{3}[A-Z]{2}', // France and Italy without dashes (AB123CD)
        '\\d{4}[ -]?[B-DF-HJ-NP-TV-Z]{3}', // Spain (1234 BCD)
        '(?:[A-Z]{2}\\d{3}[A-Z]|[A-Z]\\d{3}[A-Z]{2}|\\d{2}[A-Z]{3}\\d|\\d[A-Z]{3}\\d{2})', // the Netherlands without dashes (HX123B)
        ...NL_SIDECODES, // the Netherlands (France's AB-123-CD is sidecode-shaped too)
        '[A-Z]{2}-\\d{3}-[A-Z]{2}', // France (AB-123-CD)
        '[A-HJ-NP-TV-Z]{2} \\d{3} [A-HJ-NP-TV-Z]{2}', // France and Italy with spaces (AB 123 CD; neither uses I, O or U: not EU 123 NL)
        '[A-ZÄÖÜ]{1,3}-[A-Z]{1,2} \\d{1,4}[EH]?', // Germany: K-AB 1234
      ]
        .map((p) => `(?<![\\w-])${p}(?![\\w-])`)
        .join('|')
        // A plate starts with a capital or a digit: other positions fail before the lookbehinds run.
        .replace(/^/, '(?=[A-ZÄÖÜ0-9])(?:') + ')',
      'g',
    ),
    // A spaced `2 EUR 500` or `1 TEU 200` is a quantity.
    accept: (m) => !CURRENCY_OR_UNIT.test(m.replace(/[^A-Z]/g, '')),
  },
  // Passport and identity-card numbers: one or two letters, six to eight digits (EH123456, NW1234567), or a letter, seven digits and a letter (P1234567X).
  { kind: 'document-number', regex: /(?<![\w-])(?:[A-Z]{1,2}\d{6,8}|[A-Z]\d{7}[A-Z])(?![\w-])/g, accept: (m) => !/^IMO/.test(m) },
  // Names written with an initial or a title (no digit needed: these run on every text).
  { kind: 'name', digitless: true, guard: /\p{Lu}\.\s?-?\s?\p{L}/u, regex: new RegExp(NAME_WITH_INITIAL, 'gu'), accept: acceptName },
  { kind: 'name', digitless: true, guard: /\b(?:M(?:r|rs|s|iss|me|lle|evr|eneer|evrouw|onsieur|adame|ademoiselle)|Dhr|Herr|Frau|Hr|Fr|Sig|Sra?|Se[ñn]or|Signor)\b/, regex: new RegExp(NAME_WITH_TITLE, 'gu'), accept: acceptName },
];

export interface Finding {
  kind: IdentifierKind;
  start: number;
  end: number;
}

/** Every pattern but the names needs a digit, an @ or a written-out "at": a text with none of them has only names to find. */
const ANY = /[0-9@]|[\[({<]\s*at\s*[\])}>]|\sat\s/i;
const DIGITLESS = PATTERNS.filter((p) => p.digitless);

export function findIdentifiers(text: string): Finding[] {
  const findings: Finding[] = [];
  const patterns = ANY.test(text) ? PATTERNS : DIGITLESS;
  for (const { kind, regex, accept, guard } of patterns) {
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
