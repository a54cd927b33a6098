/**
 * The hit/no-hit index's reference normalisation and hash: two members who write one identifier
 * differently get one hash, different identifiers, agreements or types never share one, and a
 * refused identifier is never repeated in the problem.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { indexHash, type IndexedType, normaliseIdentifier } from '../../../services/policy/hit-index.ts';
import { loadPolicy } from '../../../services/policy/policy.ts';

const key = Buffer.alloc(32, 7);
const hashOf = (type: IndexedType, raw: string, agreement = 'be-nl-cross-border', k = key): string => {
  const n = normaliseIdentifier(type, raw);
  if ('problem' in n) throw new Error(`${raw}: ${n.problem}`);
  return indexHash(k, agreement, type, n.value);
};

const digits = (min: number, max: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(''));
/** Separators people put in identifiers. */
const separated = (chars: string, seps: string[]) => fc.array(fc.constantFrom(...seps), { minLength: chars.length, maxLength: chars.length }).map((s) => [...chars].map((c, i) => c + (i < chars.length - 1 ? s[i] : '')).join(''));

describe('normaliseIdentifier and indexHash', () => {
  it('give one hash to a phone number however it is written: +32, 0032 or the trunk 0, spaces, dots, slashes (2,000 seeded numbers)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), digits(7, 9), fc.constantFrom('32', '31', '352', '33', '49'), fc.constantFrom(' ', '', '.', '/', '-'), (first, rest, cc, sep) => {
        const national = `${first}${rest}`;
        const spaced = national.replace(/(\d{3})(?=\d)/g, `$1${sep}`);
        const forms = [`0${national}`, `0${spaced}`, `+${cc} ${spaced}`, `00${cc}${national}`, `+${cc}(0)${national}`];
        const hashes = new Set(forms.map((f) => hashOf('PHONE', f)));
        expect(hashes.size, forms.join(' | ')).toBe(1);
      }),
      { seed: 20261201, numRuns: 2_000 },
    );
  });

  it('give one hash to a plate, document number or IBAN whatever its case and separators, and different ones to different values (2,000 seeded pairs)', () => {
    const plate = fc.tuple(fc.integer({ min: 1, max: 9 }), fc.array(fc.constantFrom(...'ABCDEFGHJKLMNPRSTVXZ'), { minLength: 3, maxLength: 3 }), digits(3, 3)).map(([a, b, c]) => `${a}${b.join('')}${c}`);
    fc.assert(
      fc.property(plate, plate, fc.constantFrom(' ', '-', '.', ''), (a, b, sep) => {
        const written = `${a[0]}${sep}${a.slice(1, 4).toLowerCase()}${sep}${a.slice(4)}`;
        expect(hashOf('LICENCE_PLATE', written)).toBe(hashOf('LICENCE_PLATE', a));
        expect(hashOf('DOCUMENT_NUMBER', written)).toBe(hashOf('DOCUMENT_NUMBER', a));
        if (a !== b) expect(hashOf('LICENCE_PLATE', a)).not.toBe(hashOf('LICENCE_PLATE', b));
      }),
      { seed: 20261202, numRuns: 2_000 },
    );
    const iban = 'BE71096123456769';
    fc.assert(
      fc.property(separated(iban, [' ', '', '-']), (written) => {
        expect(hashOf('IBAN', written.toLowerCase())).toBe(hashOf('IBAN', iban));
      }),
      { seed: 20261203, numRuns: 500 },
    );
  });

  it('never share a hash across agreements, types or keys', () => {
    const h = hashOf('PHONE', '0470 12 34 56');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(hashOf('PHONE', '0470 12 34 56', 'benelux-police-treaty')).not.toBe(h);
    expect(hashOf('DOCUMENT_NUMBER', '470123456')).not.toBe(hashOf('PHONE', '470123456'));
    expect(hashOf('PHONE', '0470 12 34 56', 'be-nl-cross-border', Buffer.alloc(32, 8))).not.toBe(h);
    expect(() => indexHash(Buffer.alloc(16), 'be-nl-cross-border', 'PHONE', '470123456')).toThrow(/at least 32 bytes/);
  });

  it('keeps crypto addresses as written, except the case-blind hex and bech32 forms', () => {
    expect(hashOf('CRYPTO_ADDRESS', '0xAbCdEf0123456789aBcDeF0123456789AbCdEf01')).toBe(hashOf('CRYPTO_ADDRESS', '0xabcdef0123456789abcdef0123456789abcdef01'));
    expect(hashOf('CRYPTO_ADDRESS', 'bc1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ')).toBe(hashOf('CRYPTO_ADDRESS', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'));
    expect(hashOf('CRYPTO_ADDRESS', '1BoatSLRHtKNngkdXEeobR76b53LETtpyT')).not.toBe(hashOf('CRYPTO_ADDRESS', '1boatslrhtknngkdxeeobr76b53lettpyt'));
  });

  it('refuses what is not an identifier of the type, without repeating the value (1,000 seeded strings)', () => {
    fc.assert(
      fc.property(fc.constantFrom<IndexedType>('PHONE', 'LICENCE_PLATE', 'DOCUMENT_NUMBER', 'IBAN', 'CRYPTO_ADDRESS'), fc.string({ minLength: 0, maxLength: 60 }), (type, raw) => {
        const n = normaliseIdentifier(type, raw);
        if ('problem' in n && raw.trim().length >= 3) expect(n.problem.includes(raw.trim()), n.problem).toBe(false);
      }),
      { seed: 20261204, numRuns: 1_000 },
    );
    expect(normaliseIdentifier('IBAN', 'BE71 0961 2345 6768')).toEqual({ problem: 'not a valid IBAN (ISO 13616 check)' });
    expect(normaliseIdentifier('PHONE', '12')).toMatchObject({ problem: expect.stringMatching(/6 to 14 digits/) });
  });
});

describe('hitIndex in the agreements', () => {
  it('is on for the Belgian-Dutch agreement and the Benelux treaty only, never for an agreement with a third country', () => {
    const policy = loadPolicy();
    const indexed = policy.agreements.filter((a) => a.hitIndex).map((a) => a.id);
    expect(indexed).toEqual(['be-nl-cross-border', 'benelux-police-treaty']);
    for (const a of policy.agreements.filter((x) => x.hitIndex)) expect(a.members.every((m) => policy.parties.get(m)?.region === 'eu')).toBe(true);
  });
});
