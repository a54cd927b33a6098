import { describe, expect, it } from 'vitest';
import { findIdentifiers, isValidIban, maskIdentifiers } from '../../../services/policy/free-text.ts';

const kinds = (text: string) => findIdentifiers(text).map((f) => [f.kind, text.slice(f.start, f.end)]);

describe('free-text identifiers (rule 7)', () => {
  it.each([
    ['mail j.peeters@example.be today', 'email', 'j.peeters@example.be'],
    ['contact: ops.rotterdam+drugs@politie.example.nl', 'email', 'ops.rotterdam+drugs@politie.example.nl'],
    ['paid from BE71 0961 2345 6769 on Monday', 'iban', 'BE71 0961 2345 6769'],
    ['account NL91ABNA0417164300', 'iban', 'NL91ABNA0417164300'],
    ['called +32 470 12 34 56 twice', 'phone', '+32 470 12 34 56'],
    // The classes of the lawful-delivery review: a German mobile in national notation (also where its groups read as times),
    // a plate with spaces, a date of birth after a degree sign, a number introduced by words, a register number without separators.
    ['German mobile 0170 7279 9200 in the car', 'phone', '0170 7279 9200'],
    ['met 0151 1451 0941 at the quay', 'phone', '0151 1451 0941'],
    ['plate 2 GGY 985 near Hasselt', 'licence-plate', '2 GGY 985'],
    ['the courier (°1992-11-28) from Genk', 'date-of-birth', '1992-11-28'],
    ['travels on P1234567X since May', 'document-number', 'P1234567X'],
    ['NRN 85073003328 in the file', 'document-number', '85073003328'],
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
    ['Belgian mobile written 0470/12.34.56', 'phone', '0470/12.34.56'],
    ['Luxembourg mobile 621 123 456 on the receipt', 'phone', '621 123 456'],
    ['Belgian plate without dashes 1ABC234 seen', 'licence-plate', '1ABC234'],
    ['Dutch plate without dashes HX123B', 'licence-plate', 'HX123B'],
    ['Italian plate AB123CD in Milan', 'licence-plate', 'AB123CD'],
    ['Spanish plate 1234 BCD in Algeciras', 'licence-plate', '1234 BCD'],
    ['write to drugs.boss [at] example [dot] nl', 'email', 'drugs.boss [at] example [dot] nl'],
    ['or jan (at) politie.nl', 'email', 'jan (at) politie.nl'],
    ['wallet bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq funded', 'crypto-address', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'],
    ['paid to 0x52908400098527886E0F7030069857D2E4169EE7', 'crypto-address', '0x52908400098527886E0F7030069857D2E4169EE7'],
    ['national register 69.01.15-431.90', 'document-number', '69.01.15-431.90'],
    ['identity card 592-1234567-89', 'document-number', '592-1234567-89'],
    ['VIN WAUZZZ4G7EN123456 of the Audi', 'vin', 'WAUZZZ4G7EN123456'],
    ['the suspect, born 14/03/1987 in Genk', 'date-of-birth', '14/03/1987'],
    ['geboren op 3 januari 1989 te Breda', 'date-of-birth', '3 januari 1989'],
    ['née le 14 mars 1987 à Liège', 'date-of-birth', '14 mars 1987'],
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
    ['a Belgian PV number', 'PV AN.55.L1.080238/2021 of the Antwerp police'],
    ['a date that is not a date of birth', 'Seized on 14/03/2026, analysed on 3 januari 2027'],
    ['large amounts with spaces', 'EUR 250 000 000 laundered, 621 kg seized'],
    ['an ordinary English sentence with at and dot', 'We met at the port; the dot on the map is Zeebrugge'],
    ['a list of clock times', 'Patrol passed at 0930 1015 1130'],
    ['a container, an IMO number, a PV and an amount in one sentence', 'Container MSCU1234565 discharged at Antwerp terminal 1700 on 12 November, 1.250 kg cocaine, PV 12.345/2026, case ANR-2026-0042, EUR 48,500 seized'],
    ['initials that are not names', 'Plan B. The team left; Scheldt Fruit Import B.V. paid U.S. customs'],
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
