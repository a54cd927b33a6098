import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { topics } from '../../../services/shared/topology.ts';
import { notice } from '../../fixtures/notices.ts';
import { logEnd, newGatewayGroup, readTopic, startGateway, submit, submitRaw, type RunningGateway } from '../../support/flow.ts';

let gateway: RunningGateway;
beforeAll(async () => {
  gateway = await startGateway(await newGatewayGroup());
});
afterAll(async () => {
  await gateway?.stop();
});

const deadLetters = (from: Awaited<ReturnType<typeof logEnd>>, count: number) =>
  readTopic<EuLiaison.DeadLetter>(topics.dlq, 'deadLetter', from, { done: (r) => r.length >= count });

describe('the dead-letter path', () => {
  it('keeps the original bytes of an undecodable record with the reason, and goes on with the next notice', async () => {
    const from = await logEnd([topics.dlq, topics.inbox('NL')]);
    const garbage = Buffer.from('{"noticeId": "not avro at all"}');
    const next = notice();
    await submitRaw('BE', 'case-garbage', garbage);
    await submit('BE', next);

    const [dead] = await deadLetters(from, 1);
    expect(dead!.value).toMatchObject({ topic: 'liaison.outbox.BE', errorCode: 'DECODE_FAILED', value: garbage });
    expect(dead!.value.reason).toContain('Confluent wire format');
    const copies = await readTopic<EuLiaison.NoticeCopy>(topics.inbox('NL'), 'noticeCopy', from, {
      principal: 'NL',
      done: (r) => r.some((c) => c.value.notice.noticeId === next.noticeId),
    });
    expect(copies.filter((c) => c.value.notice.noticeId === next.noticeId)).toHaveLength(1);
  });

  it('rejects a notice that claims another origin than its outbox, and tells the real origin', async () => {
    const from = await logEnd([topics.dlq, topics.reports('BE'), topics.inbox('FR')]);
    // BE may only write its own outbox (the ACL test proves it), so it can only lie in the body.
    const spoofed = notice({ sender: { country: 'NL', agency: 'Politie', contactPoint: 'SPOC NL', onBehalfOf: null }, recipients: ['FR'] });
    await submit('BE', spoofed);

    const [dead] = await deadLetters(from, 1);
    expect(dead!.value.errorCode).toBe('ORIGIN_MISMATCH');
    expect(dead!.value.reason).toBe('sender.country: "NL" is not the origin BE proven by the outbox topic');
    const [report] = await readTopic<EuLiaison.DeliveryReport>(topics.reports('BE'), 'deliveryReport', from, {
      principal: 'BE',
      done: (r) => r.some((x) => x.value.noticeId === spoofed.noticeId),
    });
    expect(report!.value.destinations).toEqual([
      expect.objectContaining({ destination: 'FR', status: 'REJECTED', reasons: [expect.stringContaining('ORIGIN_MISMATCH')] }),
    ]);
    const fr = await readTopic<EuLiaison.NoticeCopy>(topics.inbox('FR'), 'noticeCopy', from, { principal: 'FR', done: () => false, timeoutMs: 1_500 });
    expect(fr.filter((c) => c.value.notice.noticeId === spoofed.noticeId)).toEqual([]);
  });

  it('lists every semantic problem by field', async () => {
    const from = await logEnd([topics.dlq]);
    const bad = notice({
      recipients: ['BE', 'XX', 'NL', 'NL'],
      handling: { code: 'H3', h3Text: null, processingConditions: [] },
      kind: 'RESPONSE',
      legalBasis: 'no-such-treaty',
      subjects: [{ ...notice().subjects[0]!, dateOfBirth: '14/03/1987' }],
    });
    await submit('BE', bad);
    const [dead] = await deadLetters(from, 1);
    expect(dead!.value.errorCode).toBe('INVALID_NOTICE');
    expect(dead!.value.reason.split('; ')).toEqual([
      'recipients[0]: "BE" is the sender\'s own country',
      'recipients[1]: "XX" is not a known party',
      'recipients[3]: "NL" listed twice',
      'legalBasis: "no-such-treaty" is not an agreement',
      'handling.h3Text: required, and must contain visible text',
      'inReplyTo: required for a RESPONSE',
      'subjects[0].dateOfBirth: not a date (YYYY or YYYY-MM-DD)',
    ]);
  });

  it('refuses a RESPONSE to a notice its sender never received', async () => {
    const from = await logEnd([topics.dlq]);
    await submit('NL', notice({ kind: 'RESPONSE', inReplyTo: '6f0c2b1e-1d2a-4c3b-9e8f-000000000042', sender: { country: 'NL', agency: 'Politie', contactPoint: 'SPOC NL', onBehalfOf: null }, recipients: ['BE'] }));
    const [dead] = await deadLetters(from, 1);
    expect(dead!.value).toMatchObject({ errorCode: 'UNKNOWN_CASE' });
  });

  it('counts dead letters by reason in its metrics', async () => {
    const text = await gateway.metrics.metrics();
    expect(text).toMatch(/liaison_dead_letters_total\{reason="DECODE_FAILED"[^}]*\} [1-9]/);
    expect(text).toMatch(/liaison_dead_letters_total\{reason="ORIGIN_MISMATCH"[^}]*\} [1-9]/);
  });
});
