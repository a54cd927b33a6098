import { describe, expect, it } from 'vitest';
import { findIdentifiers, isValidIban, maskIdentifiers } from '../../../services/gateway/free-text.ts';

const kinds = (text: string) => findIdentifiers(text).map((f) => [f.kind, text.slice(f.start, f.end)]);

describe('free-text identifiers (rule 7)', () => {
  it.each([
    ['mail j.peeters@example.be today', 'email', 'j.peeters@example.be'],
    ['contact: ops.rotterdam+drugs@politie.example.nl', 'email', 'ops.rotterdam+drugs@politie.example.nl'],
    ['paid from BE71 0961 2345 6769 on Monday', 'iban', 'BE71 0961 2345 6769'],
    ['account NL91ABNA0417164300', 'iban', 'NL91ABNA0417164300'],
    ['called +32 470 12 34 56 twice', 'phone', '+32 470 12 34 56'],
    ['burner 0031 6 12345678', 'phone', '0031 6 12345678'],
    ['Dutch mobile 06-12345678', 'phone', '06-12345678'],
    ['Belgian landline 03/123.45.67', 'phone', '03/123.45.67'],
    ['Audi RS6 with plate 1-ABC-234 seen', 'licence-plate', '1-ABC-234'],
    ['van XX-999-X near Breda', 'licence-plate', 'XX-999-X'],
    ['Dutch plate 12-ABC-3', 'licence-plate', '12-ABC-3'],
    ['French plate AB-123-CD at Hazeldonk', 'licence-plate', 'AB-123-CD'],
    ['German plate K-AB 1234 on the A3', 'licence-plate', 'K-AB 1234'],
    ['passport EH123456 issued in Antwerp', 'document-number', 'EH123456'],
    ['ID card NW1234567', 'document-number', 'NW1234567'],
  ])('finds in %j the %s %j', (text, kind, value) => {
    expect(kinds(text)).toEqual([[kind, value]]);
  });

  it.each([
    ['a date', 'Controlled delivery on 2026-11-22 at 14:30, follow-up on 01.02.2027'],
    ['a case reference', 'See case ANR-2026-0042 and RTM/2026/117'],
    ['an ISO 6346 container number', 'Container MSCU1234565 discharged at BEANR'],
    ['an IMO number', 'Vessel IMO 9321483 from ECGYE'],
    ['UN/LOCODEs and handling codes', 'Route ECGYE → NLRTM → BEANR, handling H2'],
    ['quantities and amounts', '1.250 kg cocaine, EUR 250 000 in cash, 4 500 pills'],
    ['an IBAN-shaped string with a wrong check digit', 'reference NL00ABNA0417164300'],
    ['a sub-national party code', 'Shared with DE-NW and SENN-POST partners'],
  ])('leaves alone %s', (_what, text) => {
    expect(kinds(text)).toEqual([]);
  });

  it('masks every identifier and counts them by kind, never echoing a value', () => {
    const masked = maskIdentifiers('Suspect reachable on +31 6 12345678 and j.peeters@example.be, pays via BE71 0961 2345 6769.');
    expect(masked.text).toBe('Suspect reachable on [phone removed] and [email removed], pays via [iban removed].');
    expect(masked.counts).toEqual({ phone: 1, email: 1, iban: 1 });
  });

  it('checks IBANs with ISO 13616 mod 97', () => {
    expect(isValidIban('BE71 0961 2345 6769')).toBe(true);
    expect(isValidIban('BE72 0961 2345 6769')).toBe(false);
  });
});
