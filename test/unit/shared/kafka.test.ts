import { logLevel, type LogEntry } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { isInfraError } from '../../../services/shared/kafka.ts';

const entry = (level: logLevel, log: Record<string, unknown>): Pick<LogEntry, 'level' | 'log'> => ({
  level,
  log: { timestamp: '2026-11-24T07:00:00Z', logger: 'kafkajs', message: 'Response AddPartitionsToTxn(key: 24, version: 1)', ...log },
});

describe('isInfraError (liaison_infra_errors_total{infra="kafka"})', () => {
  it.each([
    ['a concurrent transaction, which kafkajs retries', 'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing'],
    ['a coordinator still loading', "The coordinator is loading and hence can't process requests for this group"],
    ['a moved coordinator', 'This is not the correct coordinator for this group'],
    ['a leader election under way', 'There is no leader for this topic-partition as we are in the middle of a leadership election'],
  ])('does not count %s', (_, error) => {
    expect(isInfraError(entry(logLevel.ERROR, { error }))).toBe(false);
  });

  it.each([
    ['a refused connection', 'Connection error: connect ECONNREFUSED 127.0.0.1:19092'],
    ['a denied topic', 'Not authorized to access topics: [Topic authorization failed]'],
    ['a failed authentication', 'SASL SCRAM SHA512 authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512'],
    ['a fenced producer', "Producer attempted an operation with an old epoch. Either there is a newer producer with the same transactionalId, or the producer's transaction has been expired by the broker"],
  ])('counts %s', (_, error) => {
    expect(isInfraError(entry(logLevel.ERROR, { error }))).toBe(true);
  });

  it("does not count the producer's line about a send it retries after such a response, but counts one it gives up", () => {
    const concurrent = 'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing';
    expect(isInfraError(entry(logLevel.ERROR, { message: `Failed to send messages: ${concurrent}`, retryCount: 0, retryTime: 12 }))).toBe(false);
    expect(isInfraError(entry(logLevel.ERROR, { message: 'Failed to send messages: Not authorized to access topics: [Topic authorization failed]', retryCount: 0 }))).toBe(true);
  });

  it('counts an error without a broker error text, and never a warning', () => {
    expect(isInfraError(entry(logLevel.ERROR, { message: 'Crash: KafkaJSNumberOfRetriesExceeded' }))).toBe(true);
    expect(isInfraError(entry(logLevel.WARN, { error: 'Connection error: connect ECONNREFUSED 127.0.0.1:19092' }))).toBe(false);
  });
});
