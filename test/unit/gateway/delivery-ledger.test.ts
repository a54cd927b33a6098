import { describe, expect, it } from 'vitest';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { DeliveryLedger, type ReportFacts, UnpreparedReadError } from '../../../services/gateway/delivery-ledger.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { ContractRegistry } from '../../../services/shared/registry.ts';
import { ledgerWithoutHistory, viewOf } from '../../support/ledger.ts';

const report = (noticeId: string, destination: string, status: EuLiaison.DeliveryStatus): ReportFacts => ({
  noticeId, caseRef: 'ANR-2026-0042', origin: 'BE', processedAt: 0, destinations: [{ destination, status }],
});
const held = { notice: { noticeId: 'n1' }, destination: 'CO' } as EuLiaison.NoticeCopy;

describe('the delivery ledger', () => {
  it('merges later reports into the destinations of a notice', async () => {
    const ledger = ledgerWithoutHistory();
    const batch = ledger.batch();
    await batch.prepare(['n1']);
    for (const [destination, status] of [['NL', 'DELIVERED'], ['US', 'BLOCKED'], ['FR', 'DELIVERED_FILTERED']] as const) batch.apply({ kind: 'report', report: report('n1', destination, status) });
    batch.commit();
    expect((await viewOf(ledger, 'n1')).reachedDestinations('n1')).toEqual(['NL', 'FR']);
  });

  it('lets a batch see its own records at once, and the ledger only after commit', async () => {
    const ledger = ledgerWithoutHistory();
    const first = await viewOf(ledger, 'n1');
    first.apply({ kind: 'report', report: report('n1', 'CO', 'HELD_FOR_REVIEW') });
    first.apply({ kind: 'held', copy: held });
    first.commit();
    const batch = await viewOf(ledger, 'n1');
    expect(batch.heldCopy('n1', 'CO')).toBeDefined();
    batch.apply({ kind: 'report', report: report('n1', 'CO', 'BLOCKED') });
    expect(batch.heldCopy('n1', 'CO')).toBeUndefined();
    expect((await viewOf(ledger, 'n1')).heldCopy('n1', 'CO')).toBeDefined();
    batch.commit();
    expect((await viewOf(ledger, 'n1')).heldCopy('n1', 'CO')).toBeUndefined();
  });

  it('forgets an aborted batch', async () => {
    const ledger = ledgerWithoutHistory();
    const batch = await viewOf(ledger, 'n2');
    batch.apply({ kind: 'report', report: report('n2', 'NL', 'DELIVERED') });
    expect(batch.reachedDestinations('n2')).toEqual(['NL']);
    expect((await viewOf(ledger, 'n2')).get('n2')).toBeUndefined();
  });

  it('refuses to answer about a notice it was not asked to prepare, rather than call it unknown', async () => {
    const batch = await viewOf(ledgerWithoutHistory(), 'n1');
    expect(batch.get('n1')).toBeUndefined();
    expect(() => batch.originOf('n3')).toThrow(UnpreparedReadError);
  });

  it('loads what the database holds once per notice and transaction, and only the notices not yet loaded', async () => {
    const asked: string[][] = [];
    const { DeliveryLedger } = await import('../../../services/gateway/delivery-ledger.ts');
    const { ContractRegistry } = await import('../../../services/shared/registry.ts');
    const { createLogger } = await import('../../../services/shared/logger.ts');
    const stored = { noticeId: 'old', caseRef: 'ANR-2025-0007', origin: 'NL', destinations: [{ destination: 'BE', status: 'DELIVERED' as const }] };
    const ledger = new DeliveryLedger(new ContractRegistry('http://127.0.0.1:9'), createLogger('gateway-test', 'warn'), {
      stored: async (ids) => {
        asked.push([...ids]);
        return { delivered: new Map(ids.includes('old') ? [['old', stored]] : []), held: new Map() };
      },
    });
    const batch = ledger.batch();
    await batch.prepare(['old', 'new', 'old']);
    await batch.prepare(['new', 'other']);
    expect(asked).toEqual([['old', 'new'], ['other']]);
    expect(batch.received('old', 'BE')).toBe(true);
    expect(batch.originOf('new')).toBeUndefined();
  });

  it('answers from its own commits taken before the query, also when the reader stores them and they leave the heap meanwhile', async () => {
    const { DeliveryLedger } = await import('../../../services/gateway/delivery-ledger.ts');
    const { ContractRegistry } = await import('../../../services/shared/registry.ts');
    const { createLogger } = await import('../../../services/shared/logger.ts');
    let ledger: InstanceType<typeof DeliveryLedger>;
    // The database read races the reader: it sees nothing yet, and meanwhile the reader stores it all.
    ledger = new DeliveryLedger(new ContractRegistry('http://127.0.0.1:9'), createLogger('gateway-test', 'warn'), {
      stored: async () => {
        ledger.prune(() => true);
        return { delivered: new Map(), held: new Map() };
      },
    });
    const first = ledger.batch();
    await first.prepare(['n1']);
    first.apply({ kind: 'report', report: report('n1', 'CO', 'HELD_FOR_REVIEW') });
    first.apply({ kind: 'held', copy: held });
    first.commit();
    expect(ledger.pending).toBe(2);
    const batch = await viewOf(ledger, 'n1');
    expect(ledger.pending).toBe(0);
    expect(batch.originOf('n1')).toBe('BE');
    expect(batch.heldCopy('n1', 'CO')).toBe(held);
  });

  it('counts the copies waiting for a DPO from its own commits at once, before the database has them', async () => {
    const ledger = ledgerWithoutHistory();
    const batch = await viewOf(ledger, 'n1', 'n2');
    batch.apply({ kind: 'report', report: { ...report('n1', 'CO', 'HELD_FOR_REVIEW'), destinations: [{ destination: 'CO', status: 'HELD_FOR_REVIEW' }, { destination: 'NL', status: 'DELIVERED' }] } });
    batch.apply({ kind: 'report', report: report('n2', 'EC', 'HELD_FOR_REVIEW') });
    expect(ledger.heldWaiting()).toEqual([]);
    batch.commit();
    expect(ledger.heldWaiting().map((h) => `${h.origin}-${h.destination}`).sort()).toEqual(['BE-CO', 'BE-EC']);
    const decision = await viewOf(ledger, 'n2');
    decision.apply({ kind: 'report', report: report('n2', 'EC', 'BLOCKED') });
    decision.commit();
    expect(ledger.heldWaiting().map((h) => `${h.origin}-${h.destination}`)).toEqual(['BE-CO']);
  });

  it('keeps counting a waiting copy once its entry leaves the heap, until the database is read again', async () => {
    const ledger = ledgerWithoutHistory();
    const batch = await viewOf(ledger, 'n9');
    batch.apply({ kind: 'report', report: report('n9', 'CO', 'HELD_FOR_REVIEW') });
    batch.commit();
    ledger.prune(() => true);
    expect(ledger.pending).toBe(0);
    expect(ledger.heldWaiting().map((h) => `${h.origin}-${h.destination}`)).toEqual(['BE-CO']);
  });
});

describe('the delivery ledger over the database', () => {
  it('keeps the destinations the database holds when this process decided one of them after its first report was stored', async () => {
    // The database holds the routing (two copies held); the heap holds only this process's later report for CO.
    const stored = { noticeId: 'n9', caseRef: 'ANR-2026-0042', origin: 'BE', destinations: [{ destination: 'CO', status: 'HELD_FOR_REVIEW' as const }, { destination: 'EC', status: 'HELD_FOR_REVIEW' as const }] };
    const copy = { notice: { noticeId: 'n9' }, destination: 'EC' } as EuLiaison.NoticeCopy;
    const ledger = new DeliveryLedger(new ContractRegistry('http://127.0.0.1:9'), createLogger('gateway-test', 'warn'), {
      stored: async (ids) => ({ delivered: new Map(ids.includes('n9') ? [['n9', stored]] : []), held: new Map(ids.includes('n9') ? [['n9:EC', copy]] : []) }),
    });
    const decision = await viewOf(ledger, 'n9');
    decision.apply({ kind: 'report', report: report('n9', 'CO', 'DELIVERED_FILTERED') });
    decision.commit();
    const next = await viewOf(ledger, 'n9');
    expect(next.get('n9')?.destinations).toEqual([{ destination: 'CO', status: 'DELIVERED_FILTERED' }, { destination: 'EC', status: 'HELD_FOR_REVIEW' }]);
    expect(next.heldCopy('n9', 'EC')).toBe(copy);
    expect(next.heldCopy('n9', 'CO')).toBeUndefined();
  });
});
