/**
 * The national adapter's REST API on the real stack, with a gateway of the test's own: what a
 * national system, its DPO and an intruder can and cannot do, and what Kafka then holds.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { retryUntil } from '../../../services/shared/retry.ts';
import { topics } from '../../../services/shared/topology.ts';
import type { StatusView } from '../../../services/national-adapter/notice-status.ts';
import type { NoticePreview } from '../../../services/national-adapter/notice-preview.ts';
import { notice, suspect, witness } from '../../fixtures/notices.ts';
import { connection, unique } from '../../support/clients.ts';
import { logEnd, newGatewayGroup, readTopic, startGateway, submit, type RunningGateway } from '../../support/flow.ts';
import { api, startAdapter, startContactPoint, tokenOf, type RunningService } from '../../support/services.ts';

type Notice = EuLiaison.Notice;
type Problem = { error: string; problems: string[] };
type Accepted = { noticeId: string; replayed: boolean };

/** What a national system sends: no noticeId, createdAt or sender.country (the adapter fills them in). */
function submission(overrides: Partial<Notice> = {}): Record<string, unknown> {
  const { noticeId: _id, createdAt: _at, ...rest } = notice({ caseRef: unique('ANR-2026'), ...overrides });
  const { country: _c, ...sender } = rest.sender;
  return { ...rest, sender };
}

let gateway: RunningGateway;
let adapter: RunningService & { adapter: import('../../../services/national-adapter/adapter.ts').NationalAdapter };

beforeAll(async () => {
  gateway = await startGateway(await newGatewayGroup());
  adapter = await startAdapter({ maxBodyBytes: 100_000 });
}, 120_000);

afterAll(async () => {
  await adapter?.stop();
  await gateway?.stop();
});

const post = <T = Accepted>(path: string, country: string, role: 'system' | 'dpo' | 'officer', body: unknown, headers: Record<string, string> = {}) =>
  api<T>(`${adapter.url}${path}`, tokenOf(country, role), { body, headers });

async function processed(noticeId: string, origin = 'BE', until: (s: StatusView) => boolean = () => true): Promise<StatusView> {
  return retryUntil(
    async () => {
      const { status, body } = await api<StatusView>(`${adapter.url}/v1/notices/${noticeId}`, tokenOf(origin, 'system'));
      if (status !== 200 || body.state !== 'PROCESSED' || !until(body)) throw new Error(`notice ${noticeId}: ${status} ${body.state}`);
      return body;
    },
    { timeoutMs: 20_000, intervalMs: 200 },
  );
}

describe('the national adapter', () => {
  it('serves an OpenAPI document derived from the Avro contract', async () => {
    const { status, body } = await api<Record<string, any>>(`${adapter.url}/openapi.json`, undefined);
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(['/v1/notices', '/v1/notices/{id}', '/v1/notices/{id}/corrections', '/v1/held']));
    const person = body.components.schemas.NoticeSubmission.$defs.Person;
    expect(person.properties.familyName['x-data-protection']).toBe('identifier');
    expect(person.properties.role.$ref).toBe('#/$defs/SubjectRole');
  });

  it('serves the AsyncAPI document of the topics next to it, naming the brokers of this stack', async () => {
    const { status, body } = await api<Record<string, any>>(`${adapter.url}/asyncapi.json`, undefined);
    expect(status).toBe(200);
    expect(body.asyncapi).toBe('3.0.0');
    expect(Object.values(body.servers).map((s: any) => s.host)).toEqual(connection().brokers);
    expect(body.channels.outbox.address).toBe('liaison.outbox.{country}');
  });

  it('answers only known tokens, and only for their role', async () => {
    const none = await api<Problem>(`${adapter.url}/v1/notices`, undefined, { body: submission() });
    expect(none.status).toBe(401);
    expect(none.body.problems[0]).toMatch(/Authorization/);
    const forged = await api<Problem>(`${adapter.url}/v1/notices`, 'lia_not-a-real-token', { body: submission() });
    expect(forged.status).toBe(401);
    const officer = await post<Problem>('/v1/notices', 'BE', 'officer', submission());
    expect(officer.status).toBe(403);
    expect(officer.body.problems[0]).toMatch(/role "officer"/);
    const held = await api<Problem>(`${adapter.url}/v1/held`, tokenOf('BE', 'system'));
    expect(held.status).toBe(403);
  });

  it('accepts a notice and shows per destination what was delivered, removed or blocked, to its origin only', async () => {
    const accepted = await post('/v1/notices', 'BE', 'system', submission({ crimeAreas: ['ATM_ATTACKS'], recipients: ['NL', 'FR'] }));
    expect(accepted.status).toBe(202);
    const status = await processed(accepted.body.noticeId);
    expect(status.origin).toBe('BE');
    const nl = status.destinations.find((d) => d.destination === 'NL')!;
    expect(nl.status).toBe('DELIVERED_FILTERED');
    expect(nl.fieldActions).toContainEqual(expect.objectContaining({ path: 'subjects[0].healthInformation', action: 'REMOVED' }));
    const fr = status.destinations.find((d) => d.destination === 'FR')!;
    expect(fr.status).toBe('BLOCKED');
    expect(fr.reasons[0]).toMatch(/no agreement between BE and FR/);
    const asNl = await api<Problem>(`${adapter.url}/v1/notices/${accepted.body.noticeId}`, tokenOf('NL', 'system'));
    expect(asNl.status).toBe(404);
  });

  it('previews what each recipient would receive, produces nothing, and the delivery then matches it', async () => {
    const destinations = ['NL', 'FR', 'US', 'CO'];
    // A fixed id and creation time, so the preview and the submission describe the same notice.
    const body = { ...submission({ crimeAreas: ['COCAINE_TRAFFICKING'], recipients: destinations, subjects: [suspect, witness] }), noticeId: randomUUID(), createdAt: Date.now() };
    const before = await logEnd([topics.outbox('BE'), ...destinations.map(topics.inbox), topics.held]);
    const preview = await post<NoticePreview>('/v1/notices/preview', 'BE', 'dpo', body);
    expect(preview.status).toBe(200);
    expect(preview.body.submitted).toBe(false);
    expect(preview.body.destinations.map((d) => d.destination)).toEqual(destinations);
    expect(JSON.stringify(preview.body)).not.toMatch(/PSN-[0-9a-f]{20}/);
    // Nothing was produced anywhere: the outbox, the inboxes and the held copies end where they did.
    expect(await logEnd([topics.outbox('BE'), ...destinations.map(topics.inbox), topics.held])).toEqual(before);

    const accepted = await post('/v1/notices', 'BE', 'system', body);
    expect(accepted.status).toBe(202);
    const status = await processed(accepted.body.noticeId);
    const expected = preview.body.destinations.filter((d) => d.copies.length > 0);
    const copies = new Map<string, EuLiaison.NoticeCopy[]>();
    for (const d of expected) {
      const read = await readTopic<EuLiaison.NoticeCopy>(topics.inbox(d.destination), 'noticeCopy', before, {
        principal: d.destination,
        done: (records) => records.some((r) => r.value.notice.noticeId === body.noticeId),
      });
      copies.set(d.destination, read.filter((r) => r.value.notice.noticeId === body.noticeId).map((r) => r.value));
    }
    // Only the moment of delivery (and the expiry counted from it) and the pseudonyms may differ.
    const comparable = (value: unknown) =>
      JSON.parse(JSON.stringify(value, (k, v) => (k === 'deliveredAt' || k === 'expiresAt' ? 0 : v)).replace(/PSN-[0-9a-f]{20}/g, 'PSN-(made at delivery)')) as unknown;
    for (const d of preview.body.destinations) {
      const got = status.destinations.find((x) => x.destination === d.destination)!;
      expect({ destination: d.destination, status: got.status, agreement: got.agreement, reasons: got.reasons, rules: got.rules, fieldActions: got.fieldActions }).toEqual({
        destination: d.destination, status: d.status, agreement: d.agreement, reasons: d.reasons, rules: d.rules, fieldActions: d.fieldActions,
      });
      if (d.copies.length > 0) expect(comparable(copies.get(d.destination))).toEqual(comparable(d.copies));
    }
    expect(preview.body.destinations.find((d) => d.destination === 'CO')).toMatchObject({ status: 'HELD_FOR_REVIEW', held: expect.objectContaining({ destination: 'CO' }) });
  });

  it('previews a correction for every earlier recipient, as the gateway delivers it', async () => {
    const original = await post('/v1/notices', 'BE', 'system', submission({ crimeAreas: ['COCAINE_TRAFFICKING'], recipients: ['NL', 'LU'] }));
    expect(original.status).toBe(202);
    await processed(original.body.noticeId, 'BE', (s) => s.destinations.length === 2);
    const correction = { ...submission({ crimeAreas: ['COCAINE_TRAFFICKING'], recipients: ['DE'] }), correction: { of: original.body.noticeId, action: 'CORRECT', reason: 'The container number was wrong' } };
    const preview = await post<NoticePreview>('/v1/notices/preview', 'BE', 'system', correction);
    expect(preview.status).toBe(200);
    // Rule 12: the earlier recipients get the correction too, whatever it names.
    expect(preview.body.destinations.map((d) => d.destination).sort()).toEqual(['DE', 'LU', 'NL']);

  });

  it('previews only for the system and the DPO of the caller\'s own country, with the problems of an invalid notice', async () => {
    const officer = await post<Problem>('/v1/notices/preview', 'BE', 'officer', submission());
    expect(officer.status).toBe(403);
    const spoofed = await post<Problem>('/v1/notices/preview', 'NL', 'system', { ...submission(), sender: { country: 'BE', agency: 'x', contactPoint: 'y', onBehalfOf: null } });
    expect(spoofed.status).toBe(403);
    const invalid = await post<Problem>('/v1/notices/preview', 'BE', 'system', { ...submission(), recipients: ['XX'], classification: 'TOP' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.problems.join('\n')).toMatch(/classification/);
  });

  it('lists every problem of an invalid notice by field path, and refuses bad JSON and oversize bodies', async () => {
    const bad = { ...submission(), kind: 'GOSSIP', subjects: [{ ...suspect, role: 'BOSS', shoeSize: 44 }] } as Record<string, unknown>;
    delete bad.caseRef;
    const shape = await post<Problem>('/v1/notices', 'BE', 'system', bad);
    expect(shape.status).toBe(400);
    expect(shape.body.problems).toEqual(
      expect.arrayContaining([
        'caseRef: required',
        'kind: must be one of INFORMATION, REQUEST, RESPONSE, ALERT',
        'subjects[0]: unknown field "shoeSize"',
        'subjects[0].role: must be one of SUSPECT, CONVICTED, VICTIM, WITNESS, CONTACT',
      ]),
    );
    const meaning = await post<Problem>('/v1/notices', 'BE', 'system', submission({ recipients: ['XX'] }));
    expect(meaning.status).toBe(400);
    expect(meaning.body.problems).toContain('recipients[0]: "XX" is not a known party');
    const json = await api<Problem>(`${adapter.url}/v1/notices`, tokenOf('BE', 'system'), { raw: '{"kind": ' });
    expect(json.status).toBe(400);
    expect(json.body.error).toBe('invalid-json');
    const big = await post<Problem>('/v1/notices', 'BE', 'system', submission({ summary: 'x'.repeat(120_000) }));
    expect(big.status).toBe(413);
    expect(big.body.problems[0]).toMatch(/larger than the limit/);
  });

  it('makes a spoofed origin impossible: the caller acts for its own country only', async () => {
    const from = await logEnd([topics.outbox('BE'), topics.outbox('NL')]);
    const spoofed = submission({ recipients: ['LU'] });
    const refused = await post<Problem>('/v1/notices', 'NL', 'system', { ...spoofed, sender: { ...(spoofed.sender as object), country: 'BE' } });
    expect(refused.status).toBe(403);
    expect(refused.body.problems[0]).toBe('sender.country: "BE" is not NL, the country this token acts for');
    for (const outbox of [topics.outbox('BE'), topics.outbox('NL')]) {
      const written = await readTopic<Notice>(outbox, 'notice', from, { done: () => false, timeoutMs: 1_500 });
      expect(written.filter((r) => r.value.caseRef === spoofed.caseRef)).toEqual([]);
    }
  });

  it('never creates a second notice for a retried Idempotency-Key, not even after a restart', async () => {
    const key = unique('idem');
    const body = submission({ recipients: ['NL'] });
    const from = await logEnd([topics.inbox('NL'), topics.outbox('BE')]);
    const first = await post('/v1/notices', 'BE', 'system', body, { 'idempotency-key': key });
    const again = await post('/v1/notices', 'BE', 'system', body, { 'idempotency-key': key });
    expect(first.status).toBe(202);
    expect(again.body).toMatchObject({ noticeId: first.body.noticeId, replayed: true });
    const other = await post<Problem>('/v1/notices', 'BE', 'system', { ...body, summary: 'something else' }, { 'idempotency-key': key });
    expect(other.status).toBe(409);
    await processed(first.body.noticeId);

    await adapter.stop();
    adapter = await startAdapter({ maxBodyBytes: 100_000 });
    const afterRestart = await post('/v1/notices', 'BE', 'system', body, { 'idempotency-key': key });
    expect(afterRestart.body).toMatchObject({ noticeId: first.body.noticeId, replayed: true });

    const outbox = await readTopic<Notice>(topics.outbox('BE'), 'notice', from, { done: () => false, timeoutMs: 1_500 });
    expect(outbox.filter((r) => r.value.noticeId === first.body.noticeId)).toHaveLength(1);
    const copies = await readTopic<EuLiaison.NoticeCopy>(topics.inbox('NL'), 'noticeCopy', from, { principal: 'NL', done: () => false, timeoutMs: 1_500 });
    expect(copies.filter((r) => r.value.notice.noticeId === first.body.noticeId)).toHaveLength(1);
  });

  it('the gateway ignores a notice id it has already delivered (a resubmission straight to Kafka)', async () => {
    const n = notice({ caseRef: unique('ANR-2026'), recipients: ['NL'] });
    const from = await logEnd([topics.inbox('NL'), topics.audit]);
    await submit('BE', n);
    await submit('BE', n);
    const audit = await readTopic<EuLiaison.AuditEvent>(topics.audit, 'auditEvent', from, {
      done: (r) => r.some((e) => e.value.noticeId === n.noticeId && e.value.action === 'DUPLICATE_IGNORED'),
    });
    expect(audit.filter((e) => e.value.noticeId === n.noticeId).map((e) => e.value.action)).toEqual(['DELIVERY_DECISION', 'DUPLICATE_IGNORED']);
    const copies = await readTopic<EuLiaison.NoticeCopy>(topics.inbox('NL'), 'noticeCopy', from, { principal: 'NL', done: () => false, timeoutMs: 1_500 });
    expect(copies.filter((r) => r.value.notice.noticeId === n.noticeId)).toHaveLength(1);
  });

  it('sends a withdrawal to every earlier recipient and shows who has acknowledged it (rule 12)', async () => {
    const contactPoint = await startContactPoint(['NL', 'DE']);
    try {
      const original = await post('/v1/notices', 'BE', 'system', submission({ recipients: ['NL', 'DE'] }));
      expect(original.status).toBe(202);
      await processed(original.body.noticeId);
      const withdrawal = await post(`/v1/notices/${original.body.noticeId}/corrections`, 'BE', 'system', { action: 'WITHDRAW', reason: 'The container belonged to another consignee' });
      expect(withdrawal.status).toBe(202);
      const decided = await processed(withdrawal.body.noticeId);
      expect(decided.correctionOf).toBe(original.body.noticeId);
      expect(decided.destinations.map((d) => [d.destination, d.status]).sort()).toEqual([['DE', 'DELIVERED'], ['NL', 'DELIVERED']]);

      const ack = await retryUntil(
        async () => {
          const r = await api(`${contactPoint.url}/v1/inbox/${withdrawal.body.noticeId}/acknowledge`, tokenOf('NL', 'officer'), { body: {} });
          if (r.status === 404) throw new Error('not in the Dutch inbox yet');
          return r;
        },
        { timeoutMs: 10_000 },
      );
      expect(ack.status).toBe(202);
      const status = await processed(original.body.noticeId, 'BE', (s) => s.corrections[0]?.recipients.some((r) => r.acknowledgedAt !== null) ?? false);
      const correction = status.corrections[0]!;
      expect(correction).toMatchObject({ noticeId: withdrawal.body.noticeId, action: 'WITHDRAW', reason: 'The container belonged to another consignee' });
      expect(correction.recipients.find((r) => r.destination === 'NL')!.acknowledgedAt).not.toBeNull();
      expect(correction.recipients.find((r) => r.destination === 'DE')!.acknowledgedAt).toBeNull();

      const foreign = await post<Problem>(`/v1/notices/${original.body.noticeId}/corrections`, 'NL', 'system', { action: 'WITHDRAW', reason: 'not mine' });
      expect(foreign.status).toBe(404);
      const incomplete = await post<Problem>(`/v1/notices/${original.body.noticeId}/corrections`, 'BE', 'system', { action: 'CORRECT', reason: 'typo' });
      expect(incomplete.status).toBe(400);
      expect(incomplete.body.problems).toEqual(['notice: required to CORRECT (the corrected notice)']);
    } finally {
      await contactPoint.stop();
    }
  });

  it('lets the origin DPO list, release and reject held copies, with a justification for the audit trail (rule 5)', async () => {
    const from = await logEnd([topics.audit, topics.inbox('CO')]);
    const accepted = await post('/v1/notices', 'BE', 'system', submission({ recipients: ['CO', 'EC'], subjects: [suspect, witness] }));
    await processed(accepted.body.noticeId, 'BE', (s) => s.destinations.every((d) => d.status === 'HELD_FOR_REVIEW'));
    const held = await api<{ held: Array<{ noticeId: string; destination: string }> }>(`${adapter.url}/v1/held`, tokenOf('BE', 'dpo'));
    expect(held.body.held.filter((h) => h.noticeId === accepted.body.noticeId).map((h) => h.destination).sort()).toEqual(['CO', 'EC']);
    const othersHeld = await api<{ held: Array<{ noticeId: string }> }>(`${adapter.url}/v1/held`, tokenOf('NL', 'dpo'));
    expect(othersHeld.body.held.some((h) => h.noticeId === accepted.body.noticeId)).toBe(false);

    const terse = await post<Problem>(`/v1/held/${accepted.body.noticeId}/CO/release`, 'BE', 'dpo', { justification: 'ok' });
    expect(terse.status).toBe(400);
    expect(terse.body.problems[0]).toMatch(/^justification: /);
    const notTheirs = await post<Problem>(`/v1/held/${accepted.body.noticeId}/CO/release`, 'NL', 'dpo', { justification: 'Necessary for the investigation' });
    expect(notTheirs.status).toBe(404);

    const justification = `Necessary to stop the next shipment ${randomUUID().slice(0, 6)}`;
    expect((await post(`/v1/held/${accepted.body.noticeId}/CO/release`, 'BE', 'dpo', { justification })).status).toBe(202);
    expect((await post(`/v1/held/${accepted.body.noticeId}/EC/reject`, 'BE', 'dpo', { justification: 'No assurance on the treatment of the data' })).status).toBe(202);
    const decided = await processed(accepted.body.noticeId, 'BE', (s) => s.destinations.every((d) => d.status !== 'HELD_FOR_REVIEW'));
    expect(Object.fromEntries(decided.destinations.map((d) => [d.destination, d.status]))).toEqual({ CO: 'DELIVERED_FILTERED', EC: 'BLOCKED' });
    expect(decided.destinations.find((d) => d.destination === 'CO')!.reasons[0]).toBe(`released by dpo@BE: ${justification}`);

    const audit = await readTopic<EuLiaison.AuditEvent>(topics.audit, 'auditEvent', from, {
      done: (r) => r.some((e) => e.value.noticeId === accepted.body.noticeId && e.value.action === 'HELD_REJECTED'),
    });
    const released = audit.find((e) => e.value.noticeId === accepted.body.noticeId && e.value.action === 'HELD_RELEASED')!;
    expect(released.value.actor).toBe('dpo@BE');
    expect(released.value.details.justification).toBe(justification);
    const copies = await readTopic<EuLiaison.NoticeCopy>(topics.inbox('CO'), 'noticeCopy', from, {
      principal: 'CO',
      done: (r) => r.some((c) => c.value.notice.noticeId === accepted.body.noticeId && c.value.part === 'RELEASED'),
    });
    const released2 = copies.find((c) => c.value.notice.noticeId === accepted.body.noticeId && c.value.part === 'RELEASED')!;
    expect(released2.value.notice.subjects.map((s) => s.role)).toEqual(['SUSPECT']);
  });
});
