/**
 * The gateway's delivery ledger for unit tests of what is decided on it: the database holds no
 * history yet, so every read answers from what the test committed (kept aside, as the gateway
 * keeps its own commits until its reader stored them; with no reader they stay).
 */
import { DeliveryLedger, type LedgerBatch } from '../../services/gateway/delivery-ledger.ts';
import { createLogger } from '../../services/shared/logger.ts';
import { ContractRegistry } from '../../services/shared/registry.ts';

export function ledgerWithoutHistory(): DeliveryLedger {
  // The registry decodes stored held copies only: with nothing stored it is never asked.
  return new DeliveryLedger(new ContractRegistry('http://127.0.0.1:9'), createLogger('gateway-test', 'warn'), {
    stored: async () => ({ delivered: new Map(), held: new Map() }),
  });
}

/** What a transaction begun now would read of these notices. */
export async function viewOf(ledger: DeliveryLedger, ...noticeIds: string[]): Promise<LedgerBatch> {
  const view = ledger.batch();
  await view.prepare(noticeIds);
  return view;
}
