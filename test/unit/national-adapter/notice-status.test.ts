import { describe, expect, it } from 'vitest';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { NoticeStatusStore, routingOf } from '../../../services/national-adapter/notice-status.ts';
import { notice, suspect } from '../../fixtures/notices.ts';

const T0 = Date.parse('2026-11-20T08:00:00Z');
const outcome = (destination: string, status: EuLiaison.DeliveryStatus): EuLiaison.DestinationOutcome => ({
  destination, status, agreement: 'a', reasons: [], rules: [], fieldActions: [], expiresAt: null,
});
const report = (noticeId: string, destinations: EuLiaison.DestinationOutcome[], correctionOf: string | null = null, at = T0): EuLiaison.DeliveryReport => ({
  noticeId, caseRef: 'ANR-1', origin: 'BE', policyVersion: 'v1', correctionOf, processedAt: at, destinations,
});
const receipt = (noticeId: string, recipient: string, status: EuLiaison.ReceiptStatus, at: number): EuLiaison.Receipt => ({
  noticeId, copyId: `${noticeId}:${recipient}:FULL`, recipient, status, at, by: 'officer@NL', answerNoticeId: null, officer: null, justification: null,
});

describe('NoticeStatusStore', () => {
  it('keeps no content of a submitted notice, only what routes it', () => {
    const routing = routingOf(notice({ subjects: [suspect] }));
    expect(routing.subjects).toEqual([]);
    expect(routing.summary).toBe('');
    expect(routing.crimeAreas).toEqual(['COCAINE_TRAFFICKING']);
  });

  it('shows SUBMITTED until the report, then per destination the outcome and the receipts', () => {
    const store = new NoticeStatusStore();
    const n = notice();
    store.submitted(n);
    expect(store.view(n.noticeId)).toMatchObject({ state: 'SUBMITTED', origin: 'BE', destinations: [] });
    store.reported(report(n.noticeId, [outcome('NL', 'DELIVERED'), outcome('FR', 'BLOCKED')]));
    store.addReceipt(receipt(n.noticeId, 'NL', 'RECEIVED', T0 + 1000));
    store.addReceipt(receipt(n.noticeId, 'NL', 'READ', T0 + 2000));
    const view = store.view(n.noticeId)!;
    expect(view.state).toBe('PROCESSED');
    expect(view.destinations.find((d) => d.destination === 'NL')!.receipts.map((r) => r.status)).toEqual(['RECEIVED', 'READ']);
    expect(view.destinations.find((d) => d.destination === 'FR')!.receipts).toEqual([]);
  });

  it('shows each correction and which recipients acknowledged it (rule 12)', () => {
    const store = new NoticeStatusStore();
    const original = notice();
    const withdrawal = notice({ correction: { of: original.noticeId, action: 'WITHDRAW', reason: 'wrong' } });
    store.submitted(original);
    store.reported(report(original.noticeId, [outcome('NL', 'DELIVERED'), outcome('DE', 'DELIVERED')]));
    store.submitted(withdrawal);
    store.reported(report(withdrawal.noticeId, [outcome('NL', 'DELIVERED'), outcome('DE', 'DELIVERED')], original.noticeId));
    store.addReceipt(receipt(withdrawal.noticeId, 'NL', 'CORRECTION_ACKNOWLEDGED', T0 + 5000));
    const [correction] = store.view(original.noticeId)!.corrections;
    expect(correction).toMatchObject({ noticeId: withdrawal.noticeId, action: 'WITHDRAW', reason: 'wrong' });
    expect(correction!.recipients).toEqual([
      { destination: 'NL', status: 'DELIVERED', acknowledgedAt: new Date(T0 + 5000).toISOString() },
      { destination: 'DE', status: 'DELIVERED', acknowledgedAt: null },
    ]);
  });

  it('lists held copies of the origin until the DPO decides (rule 5)', () => {
    const store = new NoticeStatusStore();
    const n = notice({ recipients: ['CO', 'EC'] });
    store.reported(report(n.noticeId, [outcome('CO', 'HELD_FOR_REVIEW'), outcome('EC', 'HELD_FOR_REVIEW')]));
    expect(store.held('BE').map((h) => h.destination)).toEqual(['CO', 'EC']);
    expect(store.held('NL')).toEqual([]);
    store.reported(report(n.noticeId, [outcome('CO', 'DELIVERED_FILTERED')], null, T0 + 60_000));
    expect(store.held('BE').map((h) => h.destination)).toEqual(['EC']);
    expect(store.isHeld(n.noticeId, 'CO')).toBe(false);
    expect(store.received(n.noticeId, 'CO')).toBe(true);
  });
});
