import { describe, expect, it } from 'vitest';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { dueTimeOf, InboxStore } from '../../../services/contact-point/inbox-store.ts';
import { notice } from '../../fixtures/notices.ts';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-20T08:00:00Z');

const copy = (n: EuLiaison.Notice, overrides: Partial<EuLiaison.NoticeCopy> = {}): EuLiaison.NoticeCopy => ({
  copyId: `${n.noticeId}:NL:FULL`, origin: 'BE', destination: 'NL', agreement: 'be-nl-cross-border', policyVersion: 'v1',
  deliveredAt: n.createdAt + 1_000, expiresAt: n.createdAt + 1000 * 24 * HOUR, part: 'FULL', fieldActions: [], notice: n, ...overrides,
});
const receipt = (noticeId: string, status: EuLiaison.ReceiptStatus, at = T0): EuLiaison.Receipt => ({
  noticeId, copyId: `${noticeId}:NL:FULL`, recipient: 'NL', status, at, by: null, answerNoticeId: null, officer: null, justification: null,
});

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

describe('InboxStore', () => {
  it('lists overdue requests first, most overdue first, then the newest', () => {
    const store = new InboxStore('NL');
    const old = notice({ kind: 'REQUEST', priority: 'ROUTINE', createdAt: T0 - 10 * 24 * HOUR });
    const older = notice({ kind: 'REQUEST', priority: 'ROUTINE', createdAt: T0 - 12 * 24 * HOUR });
    const info = notice({ createdAt: T0 });
    const fresh = notice({ kind: 'REQUEST', priority: 'ROUTINE', createdAt: T0 - HOUR });
    for (const n of [info, old, fresh, older]) store.addCopy(copy(n));
    expect(store.list({}, T0).map((i) => i.noticeId)).toEqual([older.noticeId, old.noticeId, info.noticeId, fresh.noticeId]);
    expect(store.list({ overdue: true }, T0).map((i) => i.noticeId)).toEqual([older.noticeId, old.noticeId]);
    expect(store.list({ kind: 'INFORMATION' }, T0).map((i) => i.noticeId)).toEqual([info.noticeId]);
    expect(store.overdueCount(T0)).toBe(2);
  });

  it('takes an answered request off the overdue list and counts a late answer', () => {
    const store = new InboxStore('NL');
    const request = notice({ kind: 'REQUEST', priority: 'URGENT', directlyAccessible: true, createdAt: T0 });
    store.addCopy(copy(request));
    expect(store.isOverdue(store.get(request.noticeId)!, T0 + 9 * HOUR)).toBe(true);
    store.addSent(notice({ kind: 'RESPONSE', inReplyTo: request.noticeId, createdAt: T0 + 9 * HOUR, sender: { country: 'NL', agency: 'x', contactPoint: 'y', onBehalfOf: null } }));
    expect(store.isOverdue(store.get(request.noticeId)!, T0 + 10 * HOUR)).toBe(false);
    expect(store.statistics(2026, T0 + 10 * HOUR).received).toMatchObject({ requests: 1, urgent: 1, answered: 1, answeredLate: 1, refused: 0, overdue: 0 });
  });

  it('counts refusals by ground and requests sent, each notice once even when read back twice', () => {
    const store = new InboxStore('NL');
    const request = notice({ kind: 'REQUEST', createdAt: T0 });
    store.addCopy(copy(request));
    const refusal = notice({ kind: 'RESPONSE', inReplyTo: request.noticeId, createdAt: T0, refusal: { ground: 'NATIONAL_SECURITY', explanation: 'no' } });
    const sent = notice({ kind: 'REQUEST', priority: 'URGENT', createdAt: T0 });
    for (const n of [refusal, sent, refusal, sent]) store.addSent(n);
    const stats = store.statistics(2026, T0);
    expect(stats.received).toMatchObject({ refused: 1, answered: 0, refusalsByGround: { NATIONAL_SECURITY: 1 } });
    expect(stats.sent).toEqual({ requests: 1, urgent: 1 });
    expect(store.statistics(2025, T0).received.requests).toBe(0);
  });

  it('applies receipts and answers read before their copy (another partition)', () => {
    const store = new InboxStore('NL');
    const n = notice({ kind: 'REQUEST', createdAt: T0 });
    store.addReceipt(receipt(n.noticeId, 'RECEIVED'));
    store.addSent(notice({ kind: 'RESPONSE', inReplyTo: n.noticeId, createdAt: T0 }));
    store.addCopy(copy(n));
    const item = store.get(n.noticeId)!;
    expect(item.receipts.has('RECEIVED')).toBe(true);
    expect(item.answer).toBeDefined();
    expect(store.unacknowledged()).toEqual([]);
  });

  it('keeps the latest copy of a notice (a released copy after its non-personal part) as one item', () => {
    const store = new InboxStore('CO');
    const n = notice();
    expect(store.addCopy(copy(n, { part: 'NON_PERSONAL' }))).toBe(true);
    expect(store.addCopy(copy(n, { part: 'RELEASED' }))).toBe(false);
    expect(store.get(n.noticeId)!.copy.part).toBe('RELEASED');
    expect(store.size).toBe(1);
  });

  it('links a withdrawal to the notice it withdraws', () => {
    const store = new InboxStore('NL');
    const original = notice();
    const withdrawal = notice({ correction: { of: original.noticeId, action: 'WITHDRAW', reason: 'wrong container' } });
    store.addCopy(copy(withdrawal));
    store.addCopy(copy(original));
    expect(store.get(original.noticeId)!.corrections).toEqual([{ noticeId: withdrawal.noticeId, action: 'WITHDRAW' }]);
  });

  it('finds expired copies and forgets their content once purged (rule 14)', () => {
    const store = new InboxStore('NL');
    const n = notice({ createdAt: T0 });
    store.addCopy(copy(n, { expiresAt: T0 + HOUR }));
    expect(store.expired(T0)).toEqual([]);
    expect(store.expired(T0 + HOUR).map((i) => i.noticeId)).toEqual([n.noticeId]);
    store.addReceipt(receipt(n.noticeId, 'PURGED', T0 + HOUR));
    const item = store.get(n.noticeId)!;
    expect(item.purgedAt).toBe(T0 + HOUR);
    expect(item.copy.notice.subjects).toEqual([]);
    expect(item.copy.notice.summary).toBe('');
    expect(store.expired(T0 + 2 * HOUR)).toEqual([]);
    expect(store.list({}, T0)).toEqual([]);
  });
});
