/**
 * The inbox as the contact point stores it, on the real PostgreSQL of the test stack: records
 * applied the way the desk's state reader applies them (in a transaction), queries as the API
 * makes them. Each test has an inbox of its own (a country name of its own).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyInbox, applyOutbox, InboxStore, isOverdue, seeInstance } from '../../../services/contact-point/inbox-store.ts';
import type { Database } from '../../../services/shared/database.ts';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { notice } from '../../fixtures/notices.ts';
import { unique } from '../../support/clients.ts';
import { openTestDatabase } from '../../support/database.ts';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-20T08:00:00Z');

const copy = (n: EuLiaison.Notice, overrides: Partial<EuLiaison.NoticeCopy> = {}): EuLiaison.NoticeCopy => ({
  copyId: `${n.noticeId}:NL:FULL`, origin: 'BE', destination: 'NL', agreement: 'be-nl-cross-border', policyVersion: 'v1',
  deliveredAt: n.createdAt + 1_000, expiresAt: n.createdAt + 1000 * 24 * HOUR, part: 'FULL', fieldActions: [], notice: n, ...overrides,
});
const receipt = (noticeId: string, status: EuLiaison.ReceiptStatus, at = T0): EuLiaison.Receipt => ({
  noticeId, copyId: `${noticeId}:NL:FULL`, recipient: 'NL', status, at, by: null, answerNoticeId: null, officer: null, justification: null,
});

let db: Database;
beforeAll(async () => {
  db = await openTestDatabase('contact-point');
});
afterAll(async () => {
  await db?.close();
});

/** An inbox of the test's own, and the desk's two ways of writing to it. */
function inbox() {
  const country = unique('NL');
  return {
    store: new InboxStore(db, country),
    copies: (...copies: EuLiaison.NoticeCopy[]) => db.transaction((c) => applyInbox(c, country, copies, [])),
    permissions: (...permissions: EuLiaison.ForwardingPermission[]) => db.transaction((c) => applyInbox(c, country, [], permissions)),
    receipts: (...receipts: EuLiaison.Receipt[]) => db.transaction((c) => applyOutbox(c, country, receipts, [])),
    sent: (...sent: EuLiaison.Notice[]) => db.transaction((c) => applyOutbox(c, country, [], sent)),
  };
}

describe('InboxStore on PostgreSQL', () => {
  it('lists overdue requests first, most overdue first, then the newest; filters; pages', async () => {
    const { store, copies } = inbox();
    const old = notice({ kind: 'REQUEST', priority: 'ROUTINE', createdAt: T0 - 10 * 24 * HOUR });
    const older = notice({ kind: 'REQUEST', priority: 'ROUTINE', createdAt: T0 - 12 * 24 * HOUR });
    const info = notice({ createdAt: T0 });
    const fresh = notice({ kind: 'REQUEST', priority: 'ROUTINE', createdAt: T0 - HOUR });
    await copies(copy(info), copy(old));
    await copies(copy(fresh), copy(older));
    const ids = async (...args: Parameters<InboxStore['list']>) => (await store.list(...args)).map((i) => i.noticeId);
    expect(await ids({}, T0)).toEqual([older.noticeId, old.noticeId, info.noticeId, fresh.noticeId]);
    expect(await ids({ overdue: true }, T0)).toEqual([older.noticeId, old.noticeId]);
    expect(await ids({ overdue: false }, T0)).toEqual([info.noticeId, fresh.noticeId]);
    expect(await ids({ kind: 'INFORMATION' }, T0)).toEqual([info.noticeId]);
    expect(await ids({ crimeArea: info.crimeAreas[0]! }, T0)).toContain(info.noticeId);
    expect(await ids({}, T0, 3)).toEqual([older.noticeId, old.noticeId, info.noticeId]);
    expect(await ids({}, T0, 1)).toEqual([older.noticeId]);
    expect(await store.overdueCount(T0)).toBe(2);
    expect(await store.size()).toBe(4);
  });

  it('takes an answered request off the overdue list and counts a late answer', async () => {
    const { store, copies, sent } = inbox();
    const request = notice({ kind: 'REQUEST', priority: 'URGENT', directlyAccessible: true, createdAt: T0 });
    await copies(copy(request));
    expect(isOverdue((await store.get(request.noticeId))!, T0 + 9 * HOUR)).toBe(true);
    await sent(notice({ kind: 'RESPONSE', inReplyTo: request.noticeId, createdAt: T0 + 9 * HOUR, sender: { country: 'NL', agency: 'x', contactPoint: 'y', onBehalfOf: null } }));
    expect(isOverdue((await store.get(request.noticeId))!, T0 + 10 * HOUR)).toBe(false);
    expect(await store.overdueCount(T0 + 10 * HOUR)).toBe(0);
    expect((await store.statistics(2026, T0 + 10 * HOUR)).received).toMatchObject({ requests: 1, urgent: 1, answered: 1, answeredLate: 1, refused: 0, overdue: 0 });
  });

  it('counts refusals by ground and requests sent, each notice once even when read back twice', async () => {
    const { store, copies, sent } = inbox();
    const request = notice({ kind: 'REQUEST', createdAt: T0 });
    await copies(copy(request));
    const refusal = notice({ kind: 'RESPONSE', inReplyTo: request.noticeId, createdAt: T0, refusal: { ground: 'NATIONAL_SECURITY', explanation: 'no' } });
    const own = notice({ kind: 'REQUEST', priority: 'URGENT', createdAt: T0 });
    await sent(refusal, own);
    await sent(refusal, own);
    const stats = await store.statistics(2026, T0);
    expect(stats.received).toMatchObject({ refused: 1, answered: 0, refusalsByGround: { NATIONAL_SECURITY: 1 } });
    expect(stats.sent).toEqual({ requests: 1, urgent: 1 });
    expect((await store.statistics(2025, T0)).received.requests).toBe(0);
  });

  it('applies receipts and answers read before their copy (another partition)', async () => {
    const { store, copies, receipts, sent } = inbox();
    const n = notice({ kind: 'REQUEST', createdAt: T0 });
    await receipts(receipt(n.noticeId, 'RECEIVED'));
    await sent(notice({ kind: 'RESPONSE', inReplyTo: n.noticeId, createdAt: T0 }));
    expect(await copies(copy(n))).toEqual([n.noticeId]);
    const item = (await store.get(n.noticeId))!;
    expect(item.receipts.has('RECEIVED')).toBe(true);
    expect(item.answer).toBeDefined();
    expect(await store.unacknowledgedIds(10)).toEqual([]);
    expect(await store.overdueCount(T0 + 30 * 24 * HOUR)).toBe(0);
  });

  it('keeps the latest copy of a notice (a released copy after its non-personal part) as one item, also within one batch', async () => {
    const { store, copies } = inbox();
    const n = notice();
    expect(await copies(copy(n, { part: 'NON_PERSONAL' }))).toEqual([n.noticeId]);
    expect(await copies(copy(n, { part: 'RELEASED' }))).toEqual([]);
    expect((await store.get(n.noticeId))!.copy.part).toBe('RELEASED');
    const m = notice();
    await copies(copy(m, { part: 'NON_PERSONAL' }), copy(m, { part: 'RELEASED' }));
    expect((await store.get(m.noticeId))!.copy.part).toBe('RELEASED');
    expect(await store.size()).toBe(2);
  });

  it('links a withdrawal to the notice it withdraws, whichever arrives first', async () => {
    const { store, copies } = inbox();
    const original = notice();
    const withdrawal = notice({ correction: { of: original.noticeId, action: 'WITHDRAW', reason: 'wrong container' } });
    await copies(copy(withdrawal));
    await copies(copy(original));
    expect((await store.get(original.noticeId))!.corrections).toEqual([{ noticeId: withdrawal.noticeId, action: 'WITHDRAW' }]);
  });

  it('finds expired copies and forgets their content and permissions once purged (rule 14)', async () => {
    const { store, copies, receipts, permissions } = inbox();
    const n = notice({ createdAt: T0 });
    await copies(copy(n, { expiresAt: T0 + HOUR }));
    await permissions({ permissionId: unique('perm'), noticeId: n.noticeId, provider: 'BE', grantedTo: 'NL', forwardTo: ['DE'], conditions: null, grantedBy: 'dpo@BE', grantedAt: T0 });
    expect((await store.get(n.noticeId))!.permissions).toHaveLength(1);
    expect(await store.expired(T0, 10)).toEqual([]);
    expect((await store.expired(T0 + HOUR, 10)).map((i) => i.noticeId)).toEqual([n.noticeId]);
    await receipts(receipt(n.noticeId, 'PURGED', T0 + HOUR));
    const item = (await store.get(n.noticeId))!;
    expect(item.purgedAt).toBe(T0 + HOUR);
    expect(item.copy.notice.subjects).toEqual([]);
    expect(item.copy.notice.summary).toBe('');
    expect(item.permissions).toEqual([]);
    expect(await store.expired(T0 + 2 * HOUR, 10)).toEqual([]);
    expect(await store.list({}, T0)).toEqual([]);
    expect(await store.size()).toBe(0);
    // A copy read again after its purge (a replay) does not bring the content back.
    expect(await copies(copy(n, { expiresAt: T0 + HOUR }))).toEqual([]);
    expect((await store.get(n.noticeId))!.copy.notice.summary).toBe('');
  });

  it('lets one instance at a time send a receipt: a claim, taken over when its instance is gone or stale, ended by the receipt', async () => {
    const { store, copies, receipts } = inbox();
    const n = notice({ createdAt: T0 });
    await copies(copy(n));
    const other = new InboxStore(db, store.country);
    const [a, b] = [unique('instance-a'), unique('instance-b')];
    await seeInstance(db, a, T0);
    await seeInstance(db, b, T0);
    const claims = await Promise.all([store.claim(n.noticeId, 'RECEIVED', a, T0), other.claim(n.noticeId, 'RECEIVED', b, T0)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    const [holder, waiter] = claims[0] ? [a, b] : [b, a];
    // The holder is still seen: the claim stands.
    await seeInstance(db, holder, T0 + 5_000);
    await seeInstance(db, waiter, T0 + 5_000);
    expect(await other.claim(n.noticeId, 'RECEIVED', waiter, T0 + 6_000)).toBe(false);
    // The holder is no longer seen (killed): taken over.
    await seeInstance(db, waiter, T0 + 20_000);
    expect(await other.claim(n.noticeId, 'RECEIVED', waiter, T0 + 20_000)).toBe(true);
    expect(await store.claim(n.noticeId, 'RECEIVED', holder, T0 + 21_000)).toBe(false);
    await receipts(receipt(n.noticeId, 'RECEIVED'));
    expect(await store.unacknowledgedCount()).toBe(0);
    expect((await db.query('SELECT 1 FROM claims WHERE country = $1', [store.country])).rowCount).toBe(0);
  });
});
