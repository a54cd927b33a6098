import { describe, expect, it } from 'vitest';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { DeliveryLedger } from '../../../services/gateway/delivery-ledger.ts';

const report = (noticeId: string, destination: string, status: EuLiaison.DeliveryStatus): EuLiaison.DeliveryReport => ({
  noticeId, caseRef: 'ANR-2026-0042', origin: 'BE', policyVersion: 'v1', processedAt: 0,
  correctionOf: null, destinations: [{ destination, status, agreement: 'latam-source-transit', reasons: [], rules: [], fieldActions: [], expiresAt: null }],
});

describe('the delivery ledger', () => {
  it('merges later reports into the destinations of a notice', () => {
    const ledger = new DeliveryLedger();
    ledger.record(report('n1', 'NL', 'DELIVERED'));
    ledger.record(report('n1', 'US', 'BLOCKED'));
    ledger.record(report('n1', 'FR', 'DELIVERED_FILTERED'));
    expect(ledger.reachedDestinations('n1')).toEqual(['NL', 'FR']);
  });

  it('lets a batch see its own records at once, and the ledger only after commit', () => {
    const ledger = new DeliveryLedger();
    ledger.record(report('n1', 'CO', 'HELD_FOR_REVIEW'));
    ledger.hold({ notice: { noticeId: 'n1' }, destination: 'CO' } as EuLiaison.NoticeCopy);
    const batch = ledger.batch();
    expect(batch.heldCopy('n1', 'CO')).toBeDefined();
    batch.record(report('n1', 'CO', 'BLOCKED'));
    expect(batch.heldCopy('n1', 'CO')).toBeUndefined();
    expect(ledger.heldCopy('n1', 'CO')).toBeDefined();
    batch.commit();
    expect(ledger.heldCopy('n1', 'CO')).toBeUndefined();
  });

  it('forgets an aborted batch', () => {
    const ledger = new DeliveryLedger();
    const batch = ledger.batch();
    batch.record(report('n2', 'NL', 'DELIVERED'));
    expect(batch.reachedDestinations('n2')).toEqual(['NL']);
    expect(ledger.get('n2')).toBeUndefined();
  });
});
