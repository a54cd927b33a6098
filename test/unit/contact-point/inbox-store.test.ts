import { describe, expect, it } from 'vitest';
import { dueTimeOf } from '../../../services/contact-point/inbox-store.ts';
import { notice } from '../../fixtures/notices.ts';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-20T08:00:00Z');

describe('dueTimeOf (rule 15)', () => {
  it.each([
    ['URGENT', true, 8 * HOUR],
    ['URGENT', false, 72 * HOUR],
    ['ROUTINE', true, 7 * 24 * HOUR],
    ['ROUTINE', false, 7 * 24 * HOUR],
  ] as const)('a %s request, directly accessible %s, is due after %i ms', (priority, directlyAccessible, after) => {
    expect(dueTimeOf(notice({ kind: 'REQUEST', priority, directlyAccessible, createdAt: T0 }))).toBe(T0 + after);
  });

  it('gives no due time to anything but a request', () => {
    for (const kind of ['INFORMATION', 'RESPONSE', 'ALERT'] as const) expect(dueTimeOf(notice({ kind }))).toBeNull();
  });
});
