import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calendarDateProblem, requiredText, visibleLength } from '../../../services/shared/text-checks.ts';

describe('text checks', () => {
  it.each([
    ['1987-03-14', null],
    ['1987', null],
    ['2024-02-29', null],
    ['2023-02-29', 'dateOfBirth: not a calendar date (month 2, day 29)'],
    ['1987-13-45', 'dateOfBirth: not a calendar date (month 13, day 45)'],
    ['1987-04-31', 'dateOfBirth: not a calendar date (month 4, day 31)'],
    ['0000-00-00', 'dateOfBirth: year 0 is out of range'],
    ['14/03/1987', 'dateOfBirth: not a date (YYYY or YYYY-MM-DD)'],
    ['1987-3-14', 'dateOfBirth: not a date (YYYY or YYYY-MM-DD)'],
  ])('a date of birth %s', (value, problem) => {
    expect(calendarDateProblem('dateOfBirth', value, { yearOnly: true })).toBe(problem);
  });

  it('needs month and day where the year alone is not a date', () => {
    expect(calendarDateProblem('seizures[0].date', '2026', {})).toBe('seizures[0].date: not a date (YYYY-MM-DD)');
  });

  it('accepts every real day from 1800 to 2200 and no impossible one (property, seeded)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1800-01-01T00:00:00Z'), max: new Date('2200-12-31T00:00:00Z'), noInvalidDate: true }), (d) => {
        expect(calendarDateProblem('d', d.toISOString().slice(0, 10))).toBeNull();
      }),
      { seed: 7, numRuns: 3_000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 1800, max: 2200 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 29, max: 99 }), (y, m, day) => {
        const valid = day <= new Date(Date.UTC(y, m, 0)).getUTCDate();
        const text = `${y}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
        expect(calendarDateProblem('d', text) === null).toBe(valid);
      }),
      { seed: 8, numRuns: 3_000 },
    );
  });

  it('counts only what a reader sees: no white space, zero-width, bidi or control characters', () => {
    expect(visibleLength(' \t\n\u00a0\u200b\u200c\u200d\u2060\ufeff\u202e\u3000\u0007')).toBe(0);
    expect(visibleLength('Ja, nodig')).toBe(8);
    expect(requiredText('reason', '\u200b\u200b')).toBe('reason: required, and must contain visible text');
    expect(requiredText('justification', 'kort', 10)).toBe('justification: at least 10 visible characters');
    expect(requiredText('reason', 'Schip vertrokken')).toBeNull();
  });
});
