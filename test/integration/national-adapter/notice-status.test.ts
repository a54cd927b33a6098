/**
 * The adapter's status view on the real PostgreSQL of the test stack: records applied as its
 * state reader applies them (in a transaction), queries as the API makes them. Notice ids are
 * the tests' own, so other tests' notices never show.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyStatus, NoticeStatusStore, type StatusRecord } from '../../../services/national-adapter/notice-status.ts';
import type { Database } from '../../../services/shared/database.ts';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { notice } from '../../fixtures/notices.ts';
import { openTestDatabase } from '../../support/database.ts';

const T0 = Date.parse('2026-11-20T08:00:00Z');
const outcome = (destination: string, status: EuLiaison.DeliveryStatus): EuLiaison.DestinationOutcome => ({
  destination, status, agreement: 'a', reasons: [], rules: [], fieldActions: [], expiresAt: null,
});
const report = (noticeId: string, destinations: EuLiaison.DestinationOutcome[], correctionOf: string | null = null, at = T0): StatusRecord => ({
  kind: 'reported', report: { noticeId, caseRef: 'ANR-1', origin: 'BE', policyVersion: 'v1', correctionOf, processedAt: at, destinations },
});
const receipt = (noticeId: string, recipient: string, status: EuLiaison.ReceiptStatus, at: number): StatusRecord => ({
  kind: 'receipt', receipt: { noticeId, copyId: `${noticeId}:${recipient}:FULL`, recipient, status, at, by: 'officer@NL', answerNoticeId: null, officer: null, justification: null },
});
const submitted = (n: EuLiaison.Notice, origin = n.sender.country): StatusRecord => ({ kind: 'submitted', notice: n, origin });

let db: Database;
let store: NoticeStatusStore;
const apply = (...records: StatusRecord[]) => db.transaction((client) => applyStatus(client, records));

beforeAll(async () => {
  db = await openTestDatabase('adapter');
  store = new NoticeStatusStore(db);
});
afterAll(async () => {
  await db?.close();
});

describe('NoticeStatusStore on PostgreSQL', () => {
  it('keeps no content of a submitted notice, only what routes it; a notice claiming another origin is not recorded', async () => {
    const n = notice({ summary: 'The suspect was seen in Antwerp.' });
    await apply(submitted(n));
    const routing = (await store.routing(n.noticeId))!;
    expect(routing.subjects).toEqual([]);
    expect(routing.summary).toBe('');
    expect(routing.crimeAreas).toEqual(['COCAINE_TRAFFICKING']);
    const spoofed = notice();
    await apply(submitted(spoofed, 'NL'));
    expect(await store.originOf(spoofed.noticeId)).toBeUndefined();
  });

  it('shows SUBMITTED until the report, then per destination the outcome and the receipts, in order', async () => {
    const n = notice();
    await apply(submitted(n));
    expect(await store.view(n.noticeId)).toMatchObject({ state: 'SUBMITTED', origin: 'BE', destinations: [] });
    await apply(report(n.noticeId, [outcome('NL', 'DELIVERED'), outcome('FR', 'BLOCKED')]), receipt(n.noticeId, 'NL', 'RECEIVED', T0 + 1000));
    await apply(receipt(n.noticeId, 'NL', 'READ', T0 + 2000));
    const view = (await store.view(n.noticeId))!;
    expect(view.state).toBe('PROCESSED');
    expect(view.destinations.map((d) => d.destination)).toEqual(['NL', 'FR']);
    expect(view.destinations.find((d) => d.destination === 'NL')!.receipts.map((r) => r.status)).toEqual(['RECEIVED', 'READ']);
    expect(view.destinations.find((d) => d.destination === 'FR')!.receipts).toEqual([]);
  });

  it('shows each correction and which recipients acknowledged it (rule 12)', async () => {
    const original = notice();
    const withdrawal = notice({ correction: { of: original.noticeId, action: 'WITHDRAW', reason: 'wrong' } });
    await apply(submitted(original), report(original.noticeId, [outcome('NL', 'DELIVERED'), outcome('DE', 'DELIVERED')]));
    await apply(submitted(withdrawal), report(withdrawal.noticeId, [outcome('NL', 'DELIVERED'), outcome('DE', 'DELIVERED')], original.noticeId));
    await apply(receipt(withdrawal.noticeId, 'NL', 'CORRECTION_ACKNOWLEDGED', T0 + 5000));
    const [correction] = (await store.view(original.noticeId))!.corrections;
    expect(correction).toMatchObject({ noticeId: withdrawal.noticeId, action: 'WITHDRAW', reason: 'wrong' });
    expect(correction!.recipients).toEqual([
      { destination: 'NL', status: 'DELIVERED', acknowledgedAt: new Date(T0 + 5000).toISOString() },
      { destination: 'DE', status: 'DELIVERED', acknowledgedAt: null },
    ]);
  });

  it('lists held copies of the origin until the DPO decides (rule 5); a later report keeps the order of the destinations', async () => {
    const n = notice({ recipients: ['CO', 'EC'] });
    const mine = async (origin: string) => (await store.held(origin)).filter((h) => h.noticeId === n.noticeId);
    await apply(report(n.noticeId, [outcome('CO', 'HELD_FOR_REVIEW'), outcome('EC', 'HELD_FOR_REVIEW')]));
    expect((await mine('BE')).map((h) => h.destination)).toEqual(['CO', 'EC']);
    expect(await mine('NL')).toEqual([]);
    await apply(report(n.noticeId, [outcome('CO', 'DELIVERED_FILTERED')], null, T0 + 60_000));
    expect((await mine('BE')).map((h) => h.destination)).toEqual(['EC']);
    expect(await store.isHeld(n.noticeId, 'CO')).toBe(false);
    expect(await store.received(n.noticeId, 'CO')).toBe(true);
    expect((await store.view(n.noticeId))!.destinations.map((d) => `${d.destination} ${d.status}`)).toEqual(['CO DELIVERED_FILTERED', 'EC HELD_FOR_REVIEW']);
  });

  it('answers the reference checks from what it holds: origins, deliveries and permissions', async () => {
    const original = notice();
    await apply(submitted(original), report(original.noticeId, [outcome('NL', 'DELIVERED'), outcome('FR', 'BLOCKED')]));
    const permissionId = crypto.randomUUID();
    await apply({ kind: 'permitted', permission: { permissionId, noticeId: original.noticeId, provider: 'BE', grantedTo: 'NL', forwardTo: ['DE'], conditions: null, grantedBy: 'dpo@BE', grantedAt: T0 }, provider: 'BE' });
    const forward = notice({ sender: { country: 'NL', agency: 'x', contactPoint: 'y', onBehalfOf: null }, receivedFrom: [{ country: 'BE', noticeId: original.noticeId, onwardTransferAuthorisation: permissionId }], inReplyTo: original.noticeId });
    const history = await store.history(forward);
    expect(history.originOf(original.noticeId)).toBe('BE');
    expect(history.received(original.noticeId, 'NL')).toBe(true);
    expect(history.received(original.noticeId, 'FR')).toBe(false);
    expect(history.permission(permissionId)).toEqual({ provider: 'BE', grantedTo: 'NL', noticeId: original.noticeId });
  });
});
