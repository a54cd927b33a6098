/**
 * What the gateway does with one input record: which handler takes it, by the topic it came
 * through and the schema it is written in (the table below), with the ledger prepared for the
 * notices it names. Every failure of the record itself becomes a dead letter with its reason;
 * only a `retry` error (the registry unreachable) is thrown. No Kafka here: the decoder is injected.
 */
import { MAX_RECORD_BYTES, type Policy, type PseudonymKey } from '../../policy/index.ts';
import type { ContractName, ContractRecords, Named } from '../../shared/contract.ts';
import { isDeadLetterError } from '../../shared/errors.ts';
import { partyOfTopic, topics } from '../../shared/topology.ts';
import type { DeadLetterCode } from '../../shared/vocabulary.ts';
import type { LedgerView } from '../delivery-ledger.ts';
import type { HandlerInput, RecordHandler } from './handler.ts';
import { heldDecisionHandler } from './held-decision.ts';
import { lookupHandler } from './lookup.ts';
import { correctionHandler, noticeHandler } from './notice.ts';
import { type InputRecord, Outcomes, type Processed } from './outcome.ts';
import { permissionHandler } from './permission.ts';
import { policyReviewHandler } from './policy-review.ts';
import { receiptHandler } from './receipt.ts';

/** The decoder the records are read with (the schema registry; in unit tests, a table). */
export interface RecordDecoder {
  decode<N extends ContractName>(buffer: Buffer | null, name: N): Promise<ContractRecords[N]>;
  decodeAny<N extends ContractName>(buffer: Buffer | null, accepted: readonly N[]): Promise<Named<N>>;
}

/** What an outbox carries: a party's notices, its receipts as a recipient and its permissions as a provider. */
const OUTBOX_RECORDS = ['notice', 'receipt', 'forwardingPermission'] as const;
/** The topics the services write for the gateway, each with the one record it carries. */
const SERVICE_RECORDS = { [topics.heldDecisions]: 'heldDecision', [topics.lookups]: 'indexLookup', [topics.policyReviews]: 'policyReview' } as const satisfies Record<string, ContractName>;

type OutboxRecordName = (typeof OUTBOX_RECORDS)[number];
type ServiceRecordName = (typeof SERVICE_RECORDS)[keyof typeof SERVICE_RECORDS];

/** Where a record came from: an outbox (its party is the sender), a service topic, or neither. */
type Source = { from: 'outbox'; sender: string } | { from: 'service'; schema: ServiceRecordName } | { from: 'unknown' };

/** A handler with its record's value: what it names, and the call that handles it. */
interface Bound {
  named: string[];
  handle(input: Omit<HandlerInput<ContractName>, 'value' | 'sender'>): Processed;
}

function bind<N extends ContractName, S extends string | null>(handler: RecordHandler<N, S>, value: ContractRecords[N], sender: S): Bound {
  return { named: handler.named(value), handle: (input) => handler.handle({ ...input, value, sender }) };
}

export class RecordProcessor {
  /** The handler of each kind of record. */
  private readonly handlers;
  /** Records decoded ahead by `referencedNotices`, taken by `process` (by the record's bytes). */
  private readonly decodedAhead = new WeakMap<Buffer, Named<OutboxRecordName | ServiceRecordName>>();

  constructor(
    private readonly policy: Policy,
    keys: PseudonymKey,
    private readonly decoder: RecordDecoder,
    private readonly actor = 'gateway',
  ) {
    this.handlers = {
      notice: noticeHandler(policy, keys),
      correction: correctionHandler(policy, keys),
      receipt: receiptHandler(policy),
      forwardingPermission: permissionHandler(policy),
      heldDecision: heldDecisionHandler(policy),
      indexLookup: lookupHandler(policy),
      policyReview: policyReviewHandler(policy),
    };
  }

  /**
   * The notices processing these records will ask the ledger about, so a transaction loads them
   * in one query. The records are decoded once: `process` takes what was decoded here. A record
   * that does not decode names nothing (`process` dead-letters it).
   */
  async referencedNotices(records: readonly InputRecord[]): Promise<string[]> {
    const ids: string[] = [];
    for (const record of records) {
      const source = this.sourceOf(record);
      if (!record.value || source.from === 'unknown' || record.value.length > MAX_RECORD_BYTES) continue;
      try {
        const decoded = await this.decode(record.value, source);
        this.decodedAhead.set(record.value, decoded);
        ids.push(...this.bound(decoded, source).named);
      } catch (error) {
        if (!isDeadLetterError(error)) throw error;
      }
    }
    return ids;
  }

  /**
   * `ledger`: the deliveries so far, including those of earlier records in the same transaction.
   * Throws only what must not dead-letter the record (a `retry` error: the registry unreachable).
   */
  async process(record: InputRecord, now: number, ledger: LedgerView): Promise<Processed> {
    const out = new Outcomes(this.policy, now, this.actor);
    const source = this.sourceOf(record);
    if (source.from === 'unknown') return out.deadLetter(record, 'UNKNOWN_TOPIC', `${record.topic} is not the outbox of a known party`);
    const sender = source.from === 'outbox' ? source.sender : undefined;
    if (record.value && record.value.length > MAX_RECORD_BYTES) return out.deadLetter(record, 'TOO_LARGE', `value of ${record.value.length} bytes exceeds ${MAX_RECORD_BYTES}`, sender);
    const ahead = record.value ? this.decodedAhead.get(record.value) : undefined;
    if (ahead && record.value) this.decodedAhead.delete(record.value);
    let decoded: Named<OutboxRecordName | ServiceRecordName>;
    try {
      decoded = ahead ?? (await this.decode(record.value, source));
    } catch (error) {
      if (isDeadLetterError(error)) return out.deadLetter(record, error.code, error.message, sender);
      throw error;
    }
    const handler = this.bound(decoded, source);
    await ledger.prepare(handler.named);
    return handler.handle({ record, ledger, out });
  }

  /** A record the gateway could not process, or would not again: dead-lettered with the reason, audited. */
  deadLetter(record: InputRecord, now: number, code: DeadLetterCode, reason: string): Processed {
    return new Outcomes(this.policy, now, this.actor).unprocessed(record, code, reason);
  }

  private sourceOf(record: InputRecord): Source {
    if (Object.hasOwn(SERVICE_RECORDS, record.topic)) return { from: 'service', schema: SERVICE_RECORDS[record.topic as keyof typeof SERVICE_RECORDS] };
    const party = partyOfTopic('outbox', record.topic);
    return party !== null && this.policy.parties.has(party) ? { from: 'outbox', sender: party } : { from: 'unknown' };
  }

  private async decode(value: Buffer | null, source: Exclude<Source, { from: 'unknown' }>): Promise<Named<OutboxRecordName | ServiceRecordName>> {
    if (source.from === 'outbox') return this.decoder.decodeAny(value, OUTBOX_RECORDS);
    const { schema } = source;
    switch (schema) {
      case 'heldDecision':
        return { name: schema, value: await this.decoder.decode(value, schema) };
      case 'indexLookup':
        return { name: schema, value: await this.decoder.decode(value, schema) };
      case 'policyReview':
        return { name: schema, value: await this.decoder.decode(value, schema) };
    }
  }

  /** The table: the handler of the record's schema (a notice that corrects another: the correction's). */
  private bound(decoded: Named<OutboxRecordName | ServiceRecordName>, source: Exclude<Source, { from: 'unknown' }>): Bound {
    const h = this.handlers;
    const sender = source.from === 'outbox' ? source.sender : null;
    switch (decoded.name) {
      case 'notice':
      case 'receipt':
      case 'forwardingPermission':
        if (sender === null) throw new Error(`a ${decoded.name} is read from an outbox only`); // decode() accepts it nowhere else
        if (decoded.name === 'notice') return bind(decoded.value.correction ? h.correction : h.notice, decoded.value, sender);
        if (decoded.name === 'receipt') return bind(h.receipt, decoded.value, sender);
        return bind(h.forwardingPermission, decoded.value, sender);
      case 'heldDecision':
        return bind(h.heldDecision, decoded.value, null);
      case 'indexLookup':
        return bind(h.indexLookup, decoded.value, null);
      case 'policyReview':
        return bind(h.policyReview, decoded.value, null);
    }
  }
}

export { type InputRecord, type Outgoing, type Processed } from './outcome.ts';
