/**
 * One handler per kind of input record. A handler is chosen by the record's schema (and, for a
 * notice, by whether it corrects another: records.ts); it holds the checks and the decision of
 * its kind, and dead-letters only with the reasons it declares, all from the one vocabulary.
 */
import { type Policy, RecordBounds } from '../../policy/index.ts';
import { type ContractName, type ContractRecords, loadContract } from '../../shared/contract.ts';
import type { EuLiaison } from '../../shared/generated/contract-types.ts';
import type { DeadLetterCode } from '../../shared/vocabulary.ts';
import type { LedgerView } from '../delivery-ledger.ts';
import type { DeadLettered, InputRecord, Outcomes, Processed } from './outcome.ts';

/** What a handler is given: the record, its decoded value, the party whose outbox it came through, the ledger prepared for it. */
export interface HandlerInput<N extends ContractName, Sender extends string | null = string | null> {
  record: InputRecord;
  value: ContractRecords[N];
  /** The party whose outbox the record came through (proven by the topic); null on the topics services write. */
  sender: Sender;
  ledger: LedgerView;
  out: Outcomes;
}

export interface RecordHandler<N extends ContractName = ContractName, Sender extends string | null = string | null> {
  /** The contract record it handles. */
  readonly schema: N;
  /** Every reason it may dead-letter a record with. */
  readonly reasons: readonly DeadLetterCode[];
  /** The notices it will ask the ledger about (loaded for the whole transaction in one query). */
  named(value: ContractRecords[N]): string[];
  handle(input: HandlerInput<N, Sender>): Processed;
}

/**
 * The bounds of a record the services themselves write beside notices: reasons and
 * justifications up to 2,000 characters, lists up to `items` (40 unless told).
 */
export function serviceRecordBounds(policy: Policy, schema: Exclude<ContractName, 'notice'>, items = 40): RecordBounds {
  const { limits } = policy.bounds;
  return new RecordBounds(loadContract().schemas[schema], { ...limits, defaults: { ...limits.defaults, chars: 2000, items }, fields: {} });
}

/** A dead-lettering restricted to a handler's own reasons: another code does not compile. */
export type Reject<C extends DeadLetterCode> = (code: C, reason: string, origin?: string, notice?: EuLiaison.Notice) => DeadLettered;

export function rejecter<C extends DeadLetterCode>(input: Pick<HandlerInput<ContractName>, 'record' | 'out'>, _reasons: readonly C[]): Reject<C> {
  return (code, reason, origin, notice) => input.out.deadLetter(input.record, code, reason, origin, notice);
}
