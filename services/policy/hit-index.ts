/**
 * The hit/no-hit index (in the spirit of Prüm): members of an agreement with `hitIndex: true`
 * publish keyed pseudonyms of identifiers they hold, and ask whether another member holds one.
 *
 * The key belongs to the agreement's members, not to Liaison: each national system hashes on its
 * own side with `indexHash`, so neither the adapter, the broker nor a copy of a topic ever holds
 * an identifier in clear. This module is the reference both sides use: the same normalisation
 * (`0470 12 34 56` and `+32 470 123 456` are one phone number) and the same HMAC.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { alnum, nationalNumber } from './declared-identifiers.ts';
import { isValidIban } from './free-text.ts';

/** The identifier types an index holds (the `IndexedIdentifierType` enum of the contract). */
export const INDEXED_TYPES = ['PHONE', 'LICENCE_PLATE', 'DOCUMENT_NUMBER', 'IBAN', 'CRYPTO_ADDRESS'] as const;
export type IndexedType = (typeof INDEXED_TYPES)[number];

/** A hash as the index holds it: HMAC-SHA-256, 64 lower-case hex digits. */
export const INDEX_HASH = /^[0-9a-f]{64}$/;
/** Bytes of a freshly made index key; shorter keys are refused. */
export const INDEX_KEY_BYTES = 32;

/** The identifier in its one canonical form, or a problem (which never repeats the value). */
export type Normalised = { value: string } | { problem: string };

/**
 * One canonical form per identifier, whatever the writing:
 * - PHONE: the national number, without +CC, 00CC or the trunk 0 (as the free-text masking);
 * - LICENCE_PLATE, DOCUMENT_NUMBER: letters and digits, upper case, accents folded;
 * - IBAN: letters and digits, upper case, and the ISO 13616 check must hold;
 * - CRYPTO_ADDRESS: as written, except hex (0x…) and bech32 (bc1…) addresses, which are case-blind.
 */
export function normaliseIdentifier(type: IndexedType, raw: string): Normalised {
  const text = raw.trim();
  switch (type) {
    case 'PHONE': {
      const national = nationalNumber(text);
      if (/[^\d\s+()./-]/.test(text)) return { problem: 'not a phone number (digits, spaces, + ( ) . / - only)' };
      return national.length >= 6 && national.length <= 14 ? { value: national } : { problem: 'not a phone number (6 to 14 digits after the country code and trunk 0)' };
    }
    case 'LICENCE_PLATE':
    case 'DOCUMENT_NUMBER': {
      const value = alnum(text).toUpperCase();
      return value.length >= 2 && value.length <= 20 ? { value } : { problem: `not a ${type === 'LICENCE_PLATE' ? 'licence plate' : 'document number'} (2 to 20 letters and digits)` };
    }
    case 'IBAN': {
      const value = alnum(text).toUpperCase();
      return isValidIban(value) ? { value } : { problem: 'not a valid IBAN (ISO 13616 check)' };
    }
    case 'CRYPTO_ADDRESS': {
      if (!/^[A-Za-z0-9]{20,100}$/.test(text)) return { problem: 'not a crypto address (20 to 100 letters and digits)' };
      return { value: /^(0x|bc1|ltc1|tb1)/i.test(text) ? text.toLowerCase() : text };
    }
  }
}

/**
 * The index hash of a normalised identifier: HMAC-SHA-256 under the agreement's index key, over
 * the agreement and the type as well as the value, so one value hashes differently in every
 * agreement and type (no correlation across indexes even if a key were reused).
 */
export function indexHash(key: Buffer, agreementId: string, type: IndexedType, normalised: string): string {
  if (key.length < INDEX_KEY_BYTES) throw new RangeError(`an index key has at least ${INDEX_KEY_BYTES} bytes; this one has ${key.length}`);
  return createHmac('sha256', key).update(`liaison-index-v1\n${agreementId}\n${type}\n${normalised}`).digest('hex');
}

/** A new index key, base64: made by one member and handed to the others outside Liaison. */
export const newIndexKey = (): string => randomBytes(INDEX_KEY_BYTES).toString('base64');
