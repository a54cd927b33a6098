import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../../services/policy/policy.ts';
import { validateNotice } from '../../../services/policy/validation.ts';
import { notice } from '../../fixtures/notices.ts';

const policy = loadPolicy();
const now = Date.parse('2026-11-22T10:00:00Z');

describe('validateNotice', () => {
  it('accepts a well-formed notice', () => {
    expect(validateNotice(notice(), 'BE', policy, now)).toBeNull();
  });

  it('refuses a notice whose sender is not the outbox origin, before anything else', () => {
    expect(validateNotice(notice({ recipients: [] }), 'NL', policy, now)).toEqual({
      code: 'ORIGIN_MISMATCH',
      problems: ['sender.country: "BE" is not the origin NL proven by the outbox topic'],
    });
  });

  it.each([
    [{ recipients: [] }, 'recipients: empty'],
    [{ createdAt: now + 3_600_000 }, 'createdAt: in the future'],
    [{ expiresAt: Date.parse('2020-01-01') }, 'expiresAt: not after createdAt'],
    [{ crimeAreas: [] }, 'crimeAreas: empty'],
    [{ noticeId: 'NOT-A-UUID' }, 'noticeId: not a UUID'],
    [{ sender: { country: 'BE', agency: 'FGP', contactPoint: 'LO', onBehalfOf: 'FR' } }, 'sender.onBehalfOf: no agreement lets BE act for FR'],
    [{ specialCategories: { strictlyNecessary: true, justification: null } }, 'specialCategories.justification: required'],
    [{ vehicles: [{ ...notice().vehicles[0]!, linkedSubjectId: 'S9' }] }, 'vehicles[0].linkedSubjectId: no subject "S9"'],
    [{ attachments: [{ name: 'photo.jpg', mediaType: 'image/jpeg', sha256: 'abc', uri: null }] }, 'attachments[0].sha256: not a hex SHA-256'],
    [{ summary: 'x'.repeat(20_001) }, 'summary: 20001 characters, at most 20000'],
    [{ recipients: Array(10_000).fill('DE') }, 'recipients: 10000 items, at most 40'],
    [{ recipients: ['DE', 'de', 'DE'] }, 'recipients[1]: "de" is not a known party; recipients[2]: "DE" listed twice'],
    [{ crimeAreas: ['CANNABIS', 'CANNABIS'] }, 'crimeAreas[1]: CANNABIS listed twice'],
    [{ correction: { of: '0a000000-0000-4000-8000-00000000000a', action: 'WITHDRAW', reason: '\u200b' } }, 'correction.reason: required, and must contain visible text'],
    [{ seizures: [{ substance: 'cocaine', quantityKg: 1, units: null, place: null, date: '2026-02-30' }] }, 'seizures[0].date: not a calendar date (month 2, day 30)'],
    [{ receivedFrom: [{ country: 'NL', noticeId: 'x', onwardTransferAuthorisation: null }] }, 'receivedFrom[0].noticeId: not a UUID'],
  ])('names the field: %j', (overrides, problem) => {
    const result = validateNotice(notice(overrides as never), 'BE', policy, now);
    expect(result?.code).toBe('INVALID_NOTICE');
    expect(result?.problems.join('; ')).toContain(problem);
  });

  it('lets a Benelux liaison officer act for another Benelux country', () => {
    expect(validateNotice(notice({ recipients: ['BE'], sender: { country: 'NL', agency: 'LO', contactPoint: 'LO Bogotá', onBehalfOf: 'LU' } }), 'NL', policy, now)).toBeNull();
  });
});

describe('one refusal lists every problem', () => {
  it('names a value out of its range and an unknown recipient together', () => {
    const result = validateNotice(notice({ recipients: ['NL', 'XX'], expiresAt: 9e15 }), 'BE', policy, now);
    expect(result?.problems).toEqual(expect.arrayContaining([expect.stringMatching(/^expiresAt: /), expect.stringMatching(/^recipients\[1\]: "XX" is not a known party/)]));
  });

  it('still examines nothing inside a list over its size', () => {
    const result = validateNotice(notice({ recipients: Array(10_000).fill('XX') }), 'BE', policy, now);
    expect(result?.problems).toEqual(['recipients: 10000 items, at most 40']);
  });
});
