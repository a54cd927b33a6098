/**
 * The gateway's transaction engine: one fetched batch of one partition as one or more bounded
 * transactions, each producing what its records become (copies, held copies, reports, audit
 * events, dead letters) together with the consumed offsets (exactly-once
 * consume-transform-produce). A commit that reports a failure is told apart from one that
 * happened by the group's committed offsets; when neither can be told, the process must restart.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { ChainHead } from '../shared/audit-chain.ts';
import { decisionOf, isDeadLetterError } from '../shared/errors.ts';
import { transactional } from '../shared/kafka.ts';
import type { Logger } from '../shared/logger.ts';
import type { ContractRegistry } from '../shared/registry.ts';
import { topics } from '../shared/topology.ts';
import { type DeadLetterCode, gatewayTransactionalId } from '../shared/vocabulary.ts';
import type { AttemptLog } from './attempt-log.ts';
import type { AuditFollower } from './audit-follower.ts';
import type { DeliveryLedger, LedgerBatch, LedgerView } from './delivery-ledger.ts';
import type { GatewayMetrics } from './metrics.ts';
import { observe } from './observe.ts';
import type { InputRecord, Processed, RecordProcessor } from './records/records.ts';
import { type TransactionLimits, sizeOf } from './transaction-limits.ts';
import { type Encoded, TransactionOutput } from './transaction-output.ts';

/** How long a failed commit waits for the cluster to tell whether it was written, before the gateway gives up (and restarts). */
const COMMIT_OUTCOME_WAIT_MS = 120_000;
/** Reads of the committed offset, this far apart, before a commit is taken for not written. */
const COMMITTED_READS = 6;
const COMMITTED_READ_GAP_MS = 500;

export interface TransactionRunnerOptions {
  kafka: Pick<Kafka, 'producer'>;
  registry: Pick<ContractRegistry, 'encode'>;
  processor: RecordProcessor;
  ledger: Pick<DeliveryLedger, 'batch'>;
  audit: Pick<AuditFollower, 'chain' | 'append' | 'committed'>;
  attempts: Pick<AttemptLog, 'begin' | 'release' | 'finish'>;
  limits: TransactionLimits;
  groupId: string;
  instanceId: string;
  logger: Logger;
  metrics: GatewayMetrics;
  now: () => number;
  /** Attempts at the same first record of a partition (counting crashes) before it is dead-lettered. */
  maxAttempts: number;
  /** The group's committed offset of a partition (-1 when none). */
  committedOffset: (topic: string, partition: number) => Promise<number>;
  /** A partition's committed position moved (for the lag and stall checks). */
  advanced: (topic: string, partition: number, offset: number) => void;
  /** Nothing more may be processed: the process must restart. */
  onFatal: (error: Error) => void;
  /** How long a failed commit waits for the cluster to tell whether it was written (120 s). */
  commitOutcomeWaitMs?: number;
}

/** The commit asked for: from then on a failure may hide a commit that happened. */
interface Committing {
  offset: number;
  last: string;
}

export class TransactionRunner {
  private producer?: Producer;
  /** A transaction of the producer failed: it is replaced before the next one. */
  private producerSuspect = false;
  /** Set once the outcome of a commit could not be told: nothing more is processed. */
  fatal?: Error;
  /** Why the last batch could not read the delivery ledger (it waits and tries again). */
  ledgerWaits?: string;

  constructor(private readonly options: TransactionRunnerOptions) {}

  /**
   * Connects the transactional producer. InitProducerId first: it fences an earlier incarnation
   * of this instance and aborts its open transaction, so the state readers (read committed) are
   * not held at that transaction's first offset; and the first batch does not wait for the
   * coordinator (kafkajs would send it on the first transaction, while no heartbeat goes out).
   */
  async start(): Promise<void> {
    await this.renewProducer();
  }

  async stop(): Promise<void> {
    await this.producer?.disconnect();
  }

  /**
   * One fetched batch of one partition, as bounded transactions. A first offset this group
   * started before without finishing (a crash, here or elsewhere) is worked on alone, and after
   * maxAttempts dead-lettered unprocessed, so one record cannot stop the exchange.
   */
  async processBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, isRunning, isStale } = payload;
    const first = batch.messages[0];
    if (!first) return;
    const { attempts, logger } = this.options;
    const attempt = await attempts.begin(batch.topic, batch.partition, first.offset);
    const messages = attempt > 1 ? [first] : batch.messages;
    if (attempt > 1) logger.warn('batch retried after an unfinished attempt: its first record alone', { topic: batch.topic, partition: batch.partition, offset: first.offset, attempt });
    let next = 0;
    try {
      while (next < messages.length && isRunning() && !isStale()) next = await this.transact(payload, messages, next, attempt);
    } catch (error) {
      // Not the record's fault: whatever a record can cause is dead-lettered in handle(), so what
      // reaches here is the cluster, the registry, a rebalance or a gateway that must restart.
      // Never counted towards dead-lettering the record: only a process that dies mid-batch is.
      attempts.release(batch.topic, batch.partition);
      throw error;
    }
    attempts.finish(batch.topic, batch.partition);
  }

  /** Processes messages from `from` in one transaction until a bound is reached; returns the index after the last one committed. */
  private async transact(payload: EachBatchPayload, messages: KafkaMessage[], from: number, attempt: number): Promise<number> {
    const { batch, heartbeat, isRunning, isStale } = payload;
    const { limits, audit, metrics, logger } = this.options;
    const started = process.hrtime.bigint();
    if (this.fatal) throw this.fatal;
    if (this.producerSuspect) await this.renewProducer();
    const records = messages.slice(from, from + limits.transactionRecords).map((m) => this.recordOf(batch, m));
    // What the ledger holds of the notices these records name, in one query, before the transaction begins.
    const ledger = this.options.ledger.batch();
    await this.prepareLedger(ledger, records, payload);
    const producer = this.producer;
    if (!producer) throw new Error('the transactional producer is not connected');
    const transaction = await producer.transaction();
    const head = audit.chain.snapshot();
    const output = new TransactionOutput(transaction, limits.requestBytes, limits.partitions);
    const done: Array<{ result: Processed; submittedAt: number }> = [];
    let committing: Committing | undefined;
    try {
      for (const [i, record] of records.entries()) {
        if (output.bytes >= limits.transactionBytes || !isRunning() || isStale()) break;
        const { result, encoded } = await this.handle(record, attempt, ledger);
        await output.add(encoded);
        for (const entry of result.ledger) ledger.apply(entry);
        done.push({ result, submittedAt: Number(messages[from + i]?.timestamp ?? 0) });
        await heartbeat();
      }
      const index = from + done.length;
      const last = messages[index - 1];
      if (!last) {
        await transaction.abort();
        return index;
      }
      await output.drain();
      // Past trailing control records too when the whole fetched batch was handled: markers are never committed otherwise.
      const whole = messages === batch.messages && index === messages.length;
      committing = { offset: whole ? Math.max(Number(last.offset) + 1, Number(batch.lastOffset()) + 1) : Number(last.offset) + 1, last: last.offset };
      await transaction.sendOffsets({ consumerGroupId: this.options.groupId, topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: String(committing.offset) }] }] });
      await transaction.commit();
    } catch (error) {
      await output.settle();
      metrics.transactionAborts.inc();
      await this.recover(error as Error, payload, committing, head);
      logger.warn('a commit reported as failed had been written; the batch is not consumed again', { topic: batch.topic, partition: batch.partition, error: (error as Error).message });
    }
    if (!committing) throw new Error('unreachable: a transaction ended without a commit'); // recover() throws unless the commit happened
    this.options.advanced(batch.topic, batch.partition, committing.offset);
    audit.committed(output.audited);
    payload.resolveOffset(committing.last);
    ledger.commit();
    const committedAt = this.options.now();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    for (const { result, submittedAt } of done) {
      observe(metrics, logger, result, submittedAt, committedAt);
      metrics.processing.observe(seconds / done.length);
    }
    return from + done.length;
  }

  /**
   * After a failed transaction: the producer renewed (a new incarnation finishes whatever the
   * coordinator holds of this one) and, when the commit had been asked for, its outcome read
   * from the group's offsets. Returns when the commit happened; otherwise the audit chain is
   * rewound and the error thrown (the batch is consumed again), and when the outcome cannot be
   * told, the gateway is fatal.
   */
  private async recover(error: Error, { batch }: EachBatchPayload, committing: Committing | undefined, head: ChainHead): Promise<void> {
    const { logger, metrics, audit } = this.options;
    // After a failure kafkajs's producer is not to be trusted: an abort that failed leaves it
    // unable to begin another transaction, and a commit that failed may have been written.
    this.producerSuspect = true;
    let outcome: 'committed' | 'aborted' | 'unknown' = committing ? 'unknown' : 'aborted';
    // Only a commit's outcome is worth waiting for (the cluster may be electing leaders); any
    // other failure was an abort, and the producer is renewed before the next transaction.
    const deadline = Date.now() + (this.options.commitOutcomeWaitMs ?? COMMIT_OUTCOME_WAIT_MS);
    for (let wait = 100; ; wait = Math.min(wait * 2, 5_000)) {
      try {
        await this.renewProducer();
        if (committing) outcome = (await this.committedSince(batch.topic, batch.partition, committing.offset)) ? 'committed' : 'aborted';
        break;
      } catch (renewal) {
        if (!committing || Date.now() + wait > deadline) {
          logger.warn('producer not renewed after a failed transaction; retried before the next one', { error: (renewal as Error).message });
          break;
        }
        await sleep(wait);
      }
    }
    if (committing) metrics.failedCommits.inc({ outcome });
    if (outcome === 'committed') return;
    audit.chain.restore(head);
    // A rebalance (an instance joining or leaving the group) is routine: said, not alarmed.
    const rebalance = (error as { type?: string }).type === 'REBALANCE_IN_PROGRESS';
    const where = { topic: batch.topic, partition: batch.partition, error: error.message };
    if (rebalance) logger.warn('batch given back for a rebalance, transaction aborted; it will be consumed again', where);
    else logger.error('batch failed, transaction aborted; the batch will be consumed again', where);
    if (outcome === 'unknown') {
      // Neither outcome can be told: only a restart, which reads the ledger and the audit chain again, is safe.
      this.fatal = new Error(`the outcome of a commit on ${batch.topic}[${batch.partition}] cannot be told (${error.message})`);
      this.options.onFatal(this.fatal);
    }
    throw error;
  }

  /**
   * Whether the group's committed offset has reached `offset`. The new incarnation's
   * InitProducerId has finished the transaction, but kafkajs's OffsetFetch cannot ask for stable
   * offsets (require_stable): the group may still answer the offset from before the commit's
   * marker for a moment. Read again a few times before concluding that it was not written: taking a
   * written commit for an aborted one would rewind the audit chain under events already written.
   */
  private async committedSince(topic: string, partition: number, offset: number): Promise<boolean> {
    for (let read = 0; read < COMMITTED_READS; read += 1) {
      if (read > 0) await sleep(COMMITTED_READ_GAP_MS);
      if ((await this.options.committedOffset(topic, partition)) >= offset) return true;
    }
    return false;
  }

  /**
   * Loads what the ledger holds of the notices the records name. While the database does not
   * answer, the batch waits here, heartbeating, and the gateway says why it is not ready:
   * nothing is dead-lettered for it, and the consumer is not crashed over and over.
   */
  private async prepareLedger(ledger: LedgerBatch, records: InputRecord[], { heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { logger, processor } = this.options;
    // The registry unreachable while decoding is the batch's to retry, as for any record (the stall says so).
    const ids = await processor.referencedNotices(records);
    for (let wait = 200; ; wait = Math.min(wait * 2, 5_000)) {
      try {
        await ledger.prepare(ids);
        if (this.ledgerWaits) logger.info('delivery ledger readable again; the batch goes on');
        this.ledgerWaits = undefined;
        return;
      } catch (error) {
        if (decisionOf(error) !== 'retry' || !isRunning() || isStale()) throw error;
        const reason = (error as Error).message;
        if (this.ledgerWaits !== reason) logger.warn('the delivery ledger cannot be read; the batch waits', { error: reason });
        this.ledgerWaits = reason;
        await sleep(wait);
        await heartbeat();
      }
    }
  }

  /**
   * One record: processed and encoded, or dead-lettered with the reason when that fails for a
   * reason of its own (a `retry` error is thrown: the batch waits). After `maxAttempts` starts
   * without finishing, the record is dead-lettered unprocessed.
   */
  private async handle(record: InputRecord, attempt: number, ledger: LedgerView): Promise<{ result: Processed; encoded: Encoded[] }> {
    const { limits, processor, audit, logger, maxAttempts } = this.options;
    const now = this.options.now();
    const before = audit.chain.snapshot();
    let failure: { code: DeadLetterCode; reason: string };
    if (attempt >= maxAttempts) {
      failure = { code: 'POISON_RECORD', reason: `the gateway started on this record ${attempt} times without finishing (it crashed or was killed); dead-lettered without processing` };
    } else {
      try {
        const result = await processor.process(record, now, ledger);
        const encoded = await this.encodeAll(result);
        const oversized = encoded.find((e) => sizeOf(e.message) > limits.requestBytes);
        if (!oversized) return { result, encoded };
        failure = { code: 'TOO_LARGE', reason: `a record for ${oversized.topic} would be ${sizeOf(oversized.message)} bytes, above the ${limits.requestBytes} bytes one produce request may carry (the broker's limit is ${limits.brokerBytes})` };
      } catch (error) {
        // The registry or Kafka is unreachable: the whole batch waits and is consumed again.
        if (decisionOf(error) === 'retry') throw error;
        failure = { code: isDeadLetterError(error) ? error.code : 'PROCESSING_FAILED', reason: (error as Error).message };
      }
    }
    audit.chain.restore(before);
    // The original bytes go with the reason unless they alone are beyond the limit (they stay in the outbox).
    const fits = sizeOf({ key: record.key, value: record.value }) <= limits.requestBytes - 4_096;
    const result = processor.deadLetter(fits ? record : { ...record, value: null }, now, failure.code, failure.reason);
    logger.error('record dead-lettered: the gateway could not process it', { topic: record.topic, partition: record.partition, offset: record.offset, reason: failure.code, error: failure.reason });
    return { result, encoded: await this.encodeAll(result) };
  }

  /** Every record a result produces, audit events chained, encoded; throws before anything is kept. */
  private async encodeAll(result: Processed): Promise<Encoded[]> {
    const { registry, audit } = this.options;
    const encoded: Encoded[] = [];
    for (const out of result.outgoing) encoded.push({ topic: out.topic, message: { key: out.key, value: await registry.encode<typeof out.name>(out.topic, out.name, out.value) } });
    for (const facts of result.audit) {
      const event = audit.append(facts);
      encoded.push({ topic: topics.audit, message: { key: audit.chain.chain, value: await registry.encode(topics.audit, 'auditEvent', event) }, event });
    }
    return encoded;
  }

  private recordOf(batch: EachBatchPayload['batch'], m: KafkaMessage): InputRecord {
    return { topic: batch.topic, partition: batch.partition, offset: m.offset, key: m.key, value: m.value };
  }

  /**
   * A new producer of the same transactional id: InitProducerId fences the old one and makes the
   * coordinator finish its transaction (a commit it had begun is completed, anything else aborted).
   */
  private async renewProducer(): Promise<void> {
    const old = this.producer;
    this.producer = undefined;
    await old?.disconnect().catch(() => {});
    const producer = this.options.kafka.producer(transactional(gatewayTransactionalId(this.options.instanceId)));
    await producer.connect();
    try {
      await (await producer.transaction()).abort();
    } catch (error) {
      await producer.disconnect().catch(() => {});
      throw error;
    }
    this.producer = producer;
    this.producerSuspect = false;
  }
}
