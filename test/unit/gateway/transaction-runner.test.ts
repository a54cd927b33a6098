/**
 * The transaction runner without Kafka: a producer that records what each transaction sends
 * and commits, real record handlers (decoded by a table), the ledger without history, a real
 * audit chain. What a batch becomes, how transactions are bounded, and what a failed commit
 * leads to: not consumed again when it was written, consumed again when it was not, a restart
 * when nobody can tell.
 */
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import { AuditFollower } from '../../../services/gateway/audit-follower.ts';
import { gatewayMetrics } from '../../../services/gateway/metrics.ts';
import { RecordProcessor } from '../../../services/gateway/records/records.ts';
import { TransactionRunner, type TransactionRunnerOptions } from '../../../services/gateway/transaction-runner.ts';
import { loadPolicy } from '../../../services/policy/index.ts';
import type { Named } from '../../../services/shared/contract.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { topics } from '../../../services/shared/topology.ts';
import { notice } from '../../fixtures/notices.ts';
import { ledgerWithoutHistory } from '../../support/ledger.ts';
import { TableDecoder } from '../../support/table-decoder.ts';

const policy = loadPolicy();
const keys = (id: string) => Buffer.from(`test-key-${id}`.padEnd(32, '#'));
const logger = createLogger('gateway-test', 'error');

interface Sent {
  topic: string;
  count: number;
}

/** A transactional producer that records each transaction; `commitFails` makes the n-th commit report a failure. */
function fakeKafka(commitFails: (n: number) => boolean = () => false) {
  const transactions: Array<{ sent: Sent[]; offsets?: string; outcome?: 'committed' | 'aborted' }> = [];
  let commits = 0;
  const producer = () => ({
    connect: async () => {},
    disconnect: async () => {},
    transaction: async () => {
      const t: (typeof transactions)[number] = { sent: [] };
      transactions.push(t);
      return {
        send: async ({ topic, messages }: { topic: string; messages: unknown[] }) => void t.sent.push({ topic, count: messages.length }),
        sendOffsets: async ({ topics: [entry] }: { topics: Array<{ partitions: Array<{ offset: string }> }> }) => void (t.offsets = entry?.partitions[0]?.offset),
        commit: async () => {
          commits += 1;
          if (commitFails(commits)) throw new Error('The coordinator is not available');
          t.outcome = 'committed';
        },
        abort: async () => void (t.outcome = 'aborted'),
      };
    },
  });
  return { kafka: { producer } as never, transactions };
}

function setup(over: Partial<TransactionRunnerOptions> & { commitFails?: (n: number) => boolean } = {}) {
  const decoder = new TableDecoder();
  const { kafka, transactions } = fakeKafka(over.commitFails);
  const metrics = gatewayMetrics(new Registry(), policy.version);
  const audit = new AuditFollower({ kafka, registry: {} as never, instanceId: 'test', logger, metrics, now: Date.now, onPermission: () => {} });
  const ledger = ledgerWithoutHistory();
  const written = [...policy.parties.keys()].flatMap((p) => [topics.inbox(p), topics.reports(p)]);
  const attempts = { begins: 0, released: 0, finished: 0, begin: async () => 1, release: () => void (attempts.released += 1), finish: () => void (attempts.finished += 1) };
  const fatal: Error[] = [];
  const resolved: string[] = [];
  const runner = new TransactionRunner({
    kafka,
    registry: { encode: async (_topic: string, name: string, value: unknown) => Buffer.from(JSON.stringify({ name, value })) } as never,
    processor: new RecordProcessor(policy, keys, decoder, 'gateway-test'),
    ledger,
    audit,
    attempts,
    limits: { brokerBytes: 1_048_588, requestBytes: 943_729, transactionBytes: 4_000_000, transactionRecords: 2, partitions: new Map([...written, topics.audit, topics.dlq, topics.held].map((t) => [t, 1])) },
    groupId: 'liaison.gateway.test',
    instanceId: 'test',
    logger,
    metrics,
    now: Date.now,
    maxAttempts: 5,
    committedOffset: async () => -1,
    advanced: () => {},
    onFatal: (error) => void fatal.push(error),
    ...over,
  });
  let offset = 0;
  const message = (value: Named | Buffer): KafkaMessage =>
    ({ offset: String(offset++), key: Buffer.from('ANR-2026-0042'), value: Buffer.isBuffer(value) ? value : decoder.bytesOf(value), timestamp: String(Date.now()), attributes: 0, headers: {} }) as KafkaMessage;
  const payload = (messages: KafkaMessage[]): EachBatchPayload =>
    ({
      batch: { topic: topics.outbox('BE'), partition: 0, messages, lastOffset: () => messages[messages.length - 1]!.offset },
      resolveOffset: (o: string) => void resolved.push(o),
      heartbeat: async () => {},
      isRunning: () => true,
      isStale: () => false,
    }) as unknown as EachBatchPayload;
  return { runner, transactions, payload, message, resolved, fatal, metrics, audit, ledger, attempts };
}

const counter = async (metrics: ReturnType<typeof gatewayMetrics>, name: string, labels: Record<string, string> = {}) =>
  ((await metrics.registry.getSingleMetric(name)?.get())?.values ?? []).filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((n, v) => n + v.value, 0);

describe('TransactionRunner', () => {
  it('turns a batch into bounded transactions, each with what its records become and its own offsets', async () => {
    const s = setup();
    await s.runner.start();
    const messages = [notice({ recipients: ['NL'] }), notice({ recipients: ['NL', 'LU'] }), notice({ recipients: ['DE'] })].map((n) => s.message({ name: 'notice', value: n }));
    await s.runner.processBatch(s.payload(messages));
    // The first transaction of a producer is the fencing one (InitProducerId), aborted.
    const work = s.transactions.slice(1);
    expect(work.map((t) => [t.outcome, t.offsets])).toEqual([['committed', '2'], ['committed', '3']]);
    const topicsOf = (t: (typeof work)[number]) => t.sent.map((x) => x.topic).sort();
    expect(topicsOf(work[0]!)).toEqual(['liaison.audit', 'liaison.inbox.LU', 'liaison.inbox.NL', 'liaison.reports.BE'].sort());
    expect(topicsOf(work[1]!)).toEqual(['liaison.audit', 'liaison.inbox.DE', 'liaison.reports.BE'].sort());
    expect(s.resolved).toEqual(['1', '2']);
    expect(s.attempts.finished).toBe(1);
    expect(await counter(s.metrics, 'liaison_notices_total')).toBe(3);
    expect(s.audit.chain.snapshot().sequence).toBe(3); // one event per destination: NL, NL, LU, DE
  });

  it('dead-letters a record that is not a notice in the same transaction as the others', async () => {
    const s = setup();
    await s.runner.start();
    await s.runner.processBatch(s.payload([s.message(Buffer.from('not avro')), s.message({ name: 'notice', value: notice({ recipients: ['NL'] }) })]));
    expect(s.transactions[1]!.sent.map((x) => x.topic)).toContain(topics.dlq);
    expect(await counter(s.metrics, 'liaison_dead_letters_total', { reason: 'DECODE_FAILED' })).toBe(1);
  });

  it('a commit reported as failed that the group offsets show written: not consumed again, nothing rewound', async () => {
    const s = setup({ commitFails: (n) => n === 1, committedOffset: async () => 1 });
    await s.runner.start();
    await s.runner.processBatch(s.payload([s.message({ name: 'notice', value: notice({ recipients: ['NL'] }) })]));
    expect(s.resolved).toEqual(['0']);
    expect(s.audit.chain.snapshot().sequence).toBe(0);
    expect(await counter(s.metrics, 'liaison_gateway_failed_commits_total', { outcome: 'committed' })).toBe(1);
    expect(s.fatal).toEqual([]);
  });

  it('a commit the group offsets show only a moment later (no stable OffsetFetch in kafkajs) is taken as written, the chain not rewound', async () => {
    let reads = 0;
    const s = setup({ commitFails: (n) => n === 1, committedOffset: async () => (++reads < 3 ? 0 : 1) });
    await s.runner.start();
    await s.runner.processBatch(s.payload([s.message({ name: 'notice', value: notice({ recipients: ['NL'] }) })]));
    expect(reads).toBe(3);
    expect(s.resolved).toEqual(['0']);
    expect(s.audit.chain.snapshot().sequence).toBe(0);
    expect(await counter(s.metrics, 'liaison_gateway_failed_commits_total', { outcome: 'committed' })).toBe(1);
  });

  it('a commit that was not written: the batch is given back, the audit chain rewound, the ledger untouched', async () => {
    const s = setup({ commitFails: (n) => n === 1, committedOffset: async () => -1 });
    await s.runner.start();
    const n = notice({ recipients: ['NL'] });
    await expect(s.runner.processBatch(s.payload([s.message({ name: 'notice', value: n })]))).rejects.toThrow('coordinator is not available');
    expect(s.resolved).toEqual([]);
    expect(s.audit.chain.snapshot().sequence).toBe(-1);
    expect(s.ledger.pending).toBe(0);
    expect(s.attempts.released).toBe(1);
    expect(await counter(s.metrics, 'liaison_gateway_failed_commits_total', { outcome: 'aborted' })).toBe(1);
  });

  it('a commit whose outcome cannot be told: fatal, nothing more processed', async () => {
    const s = setup({
      commitFails: (n) => n === 1,
      commitOutcomeWaitMs: 300,
      committedOffset: async () => {
        throw new Error('the group coordinator does not answer');
      },
    });
    await s.runner.start();
    await expect(s.runner.processBatch(s.payload([s.message({ name: 'notice', value: notice({ recipients: ['NL'] }) })]))).rejects.toThrow();
    expect(s.fatal.map((e) => e.message)).toEqual([expect.stringContaining('cannot be told')]);
    await expect(s.runner.processBatch(s.payload([s.message({ name: 'notice', value: notice({ recipients: ['NL'] }) })]))).rejects.toThrow('cannot be told');
  });

  it('dead-letters unprocessed a record the gateway started on too often', async () => {
    const s = setup({ maxAttempts: 3 });
    s.attempts.begin = async () => 3;
    await s.runner.start();
    await s.runner.processBatch(s.payload([s.message({ name: 'notice', value: notice() }), s.message({ name: 'notice', value: notice() })]));
    expect(await counter(s.metrics, 'liaison_dead_letters_total', { reason: 'POISON_RECORD' })).toBe(1);
    expect(s.resolved).toEqual(['0']); // its first record alone
  });
});
