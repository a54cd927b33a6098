/**
 * The contact point on the real stack, with a gateway of the test's own: receipts, LED-logged
 * consultations, replies, refusals, H2 forwarding, deadlines on a controllable clock, purges,
 * restarts and the webhook to the national case-management system.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { listen } from '../../../services/shared/http.ts';
import { retryUntil } from '../../../services/shared/retry.ts';
import { topics } from '../../../services/shared/topology.ts';
import { notice, suspect } from '../../fixtures/notices.ts';
import { unique } from '../../support/clients.ts';
import { logEnd, newGatewayGroup, readTopic, startGateway, submit, type Offsets, type RunningGateway } from '../../support/flow.ts';
import { api, startContactPoint, tokenOf, type RunningService } from '../../support/services.ts';

type Notice = EuLiaison.Notice;
type Problem = { error: string; problems: string[] };
type Listed = { noticeId: string; overdue: boolean; kind: string; dueAt: string | null; answered: unknown };
type Inbox = { country: string; overdue: number; notices: Listed[] };
type ContactPointService = RunningService & { contactPoint: import('../../../services/contact-point/contact-point.ts').ContactPoint };

const DAY = 24 * 3_600_000;
/** The contact point's clock: the test moves it forward to make requests overdue and copies expire. */
let clockOffset = 0;
const clock = () => Date.now() + clockOffset;

let gateway: RunningGateway;
let cp: ContactPointService;

beforeAll(async () => {
  gateway = await startGateway(await newGatewayGroup());
  cp = await startContactPoint(['NL', 'BE', 'DE'], { now: clock });
}, 120_000);

afterAll(async () => {
  await cp?.stop();
  await gateway?.stop();
});

const as = (country: string) => tokenOf(country, 'officer');
const inbox = (country: string, query = '') => api<Inbox>(`${cp.url}/v1/inbox${query}`, as(country));
const fresh = (overrides: Partial<Notice> = {}) => notice({ caseRef: unique('ANR-2026'), createdAt: Date.now(), ...overrides });
const fromNl = (overrides: Partial<Notice>) => fresh({ sender: { country: 'NL', agency: 'Landelijke Eenheid', contactPoint: 'LIRC NL', onBehalfOf: null }, ...overrides });

/** Waits until the notice is in the country's inbox at the contact point. */
async function arrived(country: string, noticeId: string, url = cp.url): Promise<void> {
  await retryUntil(
    async () => {
      const { body } = await api<Inbox>(`${url}/v1/inbox`, as(country));
      if (!body.notices?.some((n) => n.noticeId === noticeId)) throw new Error(`${noticeId} not yet in the inbox of ${country}`);
    },
    { timeoutMs: 20_000, intervalMs: 200 },
  );
}

const receiptsIn = (country: string, from: Offsets, done: (r: EuLiaison.Receipt[]) => boolean, timeoutMs?: number) =>
  readTopic<EuLiaison.Receipt>(topics.outbox(country), 'receipt', from, { principal: country, done: (r) => done(r.map((x) => x.value)), timeoutMs }).then((r) => r.map((x) => x.value));

describe('the contact point', () => {
  it('acknowledges every copy with exactly one RECEIVED receipt, which the origin sees in its reports', async () => {
    const from = await logEnd([topics.outbox('NL'), topics.reports('BE')]);
    const n = fresh({ recipients: ['NL'] });
    await submit('BE', n);
    await arrived('NL', n.noticeId);
    const receipts = await receiptsIn('NL', from, (r) => r.some((x) => x.noticeId === n.noticeId), 10_000);
    expect(receipts.filter((r) => r.noticeId === n.noticeId).map((r) => [r.status, r.recipient])).toEqual([['RECEIVED', 'NL']]);
    const relayed = await readTopic<EuLiaison.Receipt>(topics.reports('BE'), 'receipt', from, { principal: 'BE', done: (r) => r.some((x) => x.value.noticeId === n.noticeId) });
    expect(relayed.find((r) => r.value.noticeId === n.noticeId)!.value).toMatchObject({ status: 'RECEIVED', recipient: 'NL', officer: null });
  });

  it('records each consultation: a READ for the origin, the officer and the justification only in the audit trail', async () => {
    const from = await logEnd([topics.reports('BE'), topics.audit]);
    const n = fresh({ recipients: ['NL'], crimeAreas: ['ATM_ATTACKS'] });
    await submit('BE', n);
    await arrived('NL', n.noticeId);
    const without = await api<Problem>(`${cp.url}/v1/inbox/${n.noticeId}`, as('NL'));
    expect(without.status).toBe(400);
    expect(without.body.problems[0]).toMatch(/^X-Justification: /);
    const read = await api<Record<string, any>>(`${cp.url}/v1/inbox/${n.noticeId}`, as('NL'), { headers: { 'x-justification': 'ATM series, case Limburg-17' } });
    expect(read.status).toBe(200);
    expect(read.body.notice.handling.code).toBe('H1');
    expect(read.body.removedForYou).toContainEqual(expect.objectContaining({ path: 'subjects[0].healthInformation', action: 'REMOVED' }));
    const notNl = await api<Problem>(`${cp.url}/v1/inbox/${n.noticeId}`, as('DE'), { headers: { 'x-justification': 'curious about it' } });
    expect(notNl.status).toBe(404);

    const audit = await readTopic<EuLiaison.AuditEvent>(topics.audit, 'auditEvent', from, { done: (r) => r.some((e) => e.value.noticeId === n.noticeId && e.value.action === 'CONSULTATION') });
    const consultation = audit.find((e) => e.value.noticeId === n.noticeId && e.value.action === 'CONSULTATION')!.value;
    expect(consultation).toMatchObject({ actor: 'nl-officer-test', origin: 'BE', destination: 'NL' });
    expect(consultation.details).toMatchObject({ justification: 'ATM series, case Limburg-17', by: 'officer@NL' });
    const relayed = await readTopic<EuLiaison.Receipt>(topics.reports('BE'), 'receipt', from, { principal: 'BE', done: (r) => r.some((x) => x.value.noticeId === n.noticeId && x.value.status === 'READ') });
    expect(relayed.find((r) => r.value.status === 'READ' && r.value.noticeId === n.noticeId)!.value).toMatchObject({ by: 'officer@NL', officer: null, justification: null });
  });

  it('lists and filters the inbox without content; a bad filter is refused by name', async () => {
    const request = fresh({ kind: 'REQUEST', recipients: ['NL'], crimeAreas: ['ATM_ATTACKS'], priority: 'ROUTINE' });
    await submit('BE', request);
    await arrived('NL', request.noticeId);
    const requests = await inbox('NL', '?kind=REQUEST&crimeArea=ATM_ATTACKS&priority=ROUTINE');
    expect(requests.body.notices.some((n) => n.noticeId === request.noticeId)).toBe(true);
    expect(requests.body.notices.every((n) => n.kind === 'REQUEST')).toBe(true);
    expect(JSON.stringify(requests.body)).not.toContain(suspect.familyName!);
    const info = await inbox('NL', '?kind=INFORMATION');
    expect(info.body.notices.some((n) => n.noticeId === request.noticeId)).toBe(false);
    const bad = await api<Problem>(`${cp.url}/v1/inbox?kind=GOSSIP`, as('NL'));
    expect(bad.status).toBe(400);
    expect(bad.body.problems).toEqual(['kind: "GOSSIP" is not one of INFORMATION, REQUEST, RESPONSE, ALERT']);
    const unauthenticated = await api<Problem>(`${cp.url}/v1/inbox`, undefined);
    expect(unauthenticated.status).toBe(401);
    const wrongRole = await api<Problem>(`${cp.url}/v1/inbox`, tokenOf('NL', 'system'));
    expect(wrongRole.status).toBe(403);
  });

  it('answers in the same case, carrying the handling code and conditions to the origin (rule 10)', async () => {
    const from = await logEnd([topics.inbox('BE')]);
    const request = fresh({ kind: 'REQUEST', recipients: ['NL'], crimeAreas: ['ATM_ATTACKS'], handling: { code: 'H3', h3Text: 'Only for the ATM task force', processingConditions: ['No use in court'] } });
    await submit('BE', request);
    await arrived('NL', request.noticeId);
    const reply = await api<{ noticeId: string }>(`${cp.url}/v1/inbox/${request.noticeId}/reply`, as('NL'), { body: { summary: 'The getaway car is registered to a leasing company in Utrecht.' } });
    expect(reply.status).toBe(202);
    const copies = await readTopic<EuLiaison.NoticeCopy>(topics.inbox('BE'), 'noticeCopy', from, { principal: 'BE', done: (r) => r.some((c) => c.value.notice.noticeId === reply.body.noticeId) });
    const answer = copies.find((c) => c.value.notice.noticeId === reply.body.noticeId)!.value.notice;
    expect(answer).toMatchObject({ kind: 'RESPONSE', inReplyTo: request.noticeId, caseRef: request.caseRef, recipients: ['BE'] });
    expect(answer.handling).toEqual(request.handling);
    const listed = await inbox('NL');
    expect(listed.body.notices.find((n) => n.noticeId === request.noticeId)!.answered).toMatchObject({ noticeId: reply.body.noticeId, refusal: null });
    const empty = await api<Problem>(`${cp.url}/v1/inbox/${request.noticeId}/reply`, as('NL'), { body: { summary: '' } });
    expect(empty.status).toBe(400);
    expect(empty.body.problems[0]).toMatch(/^summary: /);
  });

  it('refuses a request with a ground from the closed list, counted in the yearly statistics (rule 15)', async () => {
    const before = (await api<Record<string, any>>(`${cp.url}/v1/statistics`, as('NL'))).body;
    const request = fresh({ kind: 'REQUEST', recipients: ['NL'], crimeAreas: ['ATM_ATTACKS'], priority: 'URGENT' });
    await submit('BE', request);
    await arrived('NL', request.noticeId);
    const badGround = await api<Problem>(`${cp.url}/v1/inbox/${request.noticeId}/refuse`, as('NL'), { body: { ground: 'BUSY', explanation: 'x' } });
    expect(badGround.status).toBe(400);
    expect(badGround.body.problems[0]).toMatch(/^ground: /);
    const refused = await api(`${cp.url}/v1/inbox/${request.noticeId}/refuse`, as('NL'), { body: { ground: 'JUDICIAL_AUTHORISATION_REFUSED', explanation: 'The judge did not authorise it.' } });
    expect(refused.status).toBe(202);
    const twice = await api<Problem>(`${cp.url}/v1/inbox/${request.noticeId}/refuse`, as('NL'), { body: { ground: 'NATIONAL_SECURITY', explanation: 'again' } });
    expect(twice.status).toBe(409);
    const after = (await api<Record<string, any>>(`${cp.url}/v1/statistics?year=${new Date().getUTCFullYear()}`, as('NL'))).body;
    expect(after.received.requests).toBe(before.received.requests + 1);
    expect(after.received.urgent).toBe(before.received.urgent + 1);
    expect(after.received.refused).toBe(before.received.refused + 1);
    expect(after.received.refusalsByGround.JUDICIAL_AUTHORISATION_REFUSED).toBe((before.received.refusalsByGround.JUDICIAL_AUTHORISATION_REFUSED ?? 0) + 1);
    const info = fresh({ recipients: ['NL'], crimeAreas: ['ATM_ATTACKS'] });
    await submit('BE', info);
    await arrived('NL', info.noticeId);
    const notRequest = await api<Problem>(`${cp.url}/v1/inbox/${info.noticeId}/refuse`, as('NL'), { body: { ground: 'NATIONAL_SECURITY', explanation: 'no' } });
    expect(notRequest.status).toBe(400);
  });

  it('refuses to forward an H2 notice without the provider’s recorded permission, and forwards it with one (rule 6)', async () => {
    const from = await logEnd([topics.inbox('DE'), topics.inbox('BE')]);
    const h2 = fromNl({ recipients: ['BE'], handling: { code: 'H2', h3Text: null, processingConditions: ['No dissemination without permission'] } });
    await submit('NL', h2);
    await arrived('BE', h2.noticeId);
    const refused = await api<Problem>(`${cp.url}/v1/inbox/${h2.noticeId}/forward`, as('BE'), { body: { to: ['DE'] } });
    expect(refused.status).toBe(403);
    expect(refused.body.problems[0]).toMatch(/rule 6: handling code H2 needs NL's recorded permission/);

    // NL records its permission through its own outbox; the gateway delivers it to BE's inbox.
    const permission: EuLiaison.ForwardingPermission = {
      permissionId: unique('perm'), noticeId: h2.noticeId, provider: 'NL', grantedTo: 'BE', forwardTo: ['DE'], conditions: null, grantedBy: 'system@NL', grantedAt: Date.now(),
    };
    const { registry } = await import('../../support/flow.ts');
    const { partyKafka } = await import('../../support/clients.ts');
    const producer = partyKafka('NL').producer();
    await producer.connect();
    await producer.send({ topic: topics.outbox('NL'), messages: [{ key: h2.caseRef, value: await registry().encode(topics.outbox('NL'), 'forwardingPermission', permission) }] });
    await producer.disconnect();

    const forwarded = await retryUntil(
      async () => {
        const r = await api<{ noticeId: string }>(`${cp.url}/v1/inbox/${h2.noticeId}/forward`, as('BE'), { body: { to: ['DE'] } });
        if (r.status !== 202) throw new Error(`forward: ${r.status}`);
        return r.body;
      },
      { timeoutMs: 15_000, intervalMs: 300 },
    );
    const copies = await readTopic<EuLiaison.NoticeCopy>(topics.inbox('DE'), 'noticeCopy', from, { principal: 'DE', done: (r) => r.some((c) => c.value.notice.noticeId === forwarded.noticeId) });
    const forward = copies.find((c) => c.value.notice.noticeId === forwarded.noticeId)!.value.notice;
    expect(forward.sender.country).toBe('BE');
    expect(forward.handling.code).toBe('H2');
    expect(forward.receivedFrom).toContainEqual({ country: 'NL', noticeId: h2.noticeId, onwardTransferAuthorisation: permission.permissionId });
  });

  it('counts a request as overdue once its due time passes, on the contact point’s clock (rule 15)', async () => {
    const request = fresh({ kind: 'REQUEST', recipients: ['NL'], crimeAreas: ['ATM_ATTACKS'], priority: 'ROUTINE' });
    await submit('BE', request);
    await arrived('NL', request.noticeId);
    const listed = (await inbox('NL')).body.notices.find((n) => n.noticeId === request.noticeId)!;
    expect(listed.overdue).toBe(false);
    expect(Date.parse(listed.dueAt!)).toBe(request.createdAt + 7 * DAY);
    const gauge = async () => Number(/liaison_requests_overdue\{country="NL"[^}]*\} (\d+)/.exec(await (await fetch(`${cp.url}/metrics`)).text())![1]);
    const overdueBefore = await gauge();

    clockOffset = 7 * DAY + 60_000;
    try {
      const overdue = await inbox('NL', '?overdue=true');
      expect(overdue.body.notices.some((n) => n.noticeId === request.noticeId)).toBe(true);
      expect(overdue.body.notices.every((n) => n.overdue)).toBe(true);
      const all = await inbox('NL');
      expect(all.body.notices[0]!.overdue).toBe(true); // overdue requests first
      expect(await gauge()).toBeGreaterThan(overdueBefore);
      // Answering it takes it off the overdue list, and counts as a late answer.
      const stats = async () => (await api<Record<string, any>>(`${cp.url}/v1/statistics`, as('NL'))).body.received;
      const lateBefore = (await stats()).answeredLate;
      await api(`${cp.url}/v1/inbox/${request.noticeId}/reply`, as('NL'), { body: { summary: 'Late, sorry: nothing found.' } });
      expect((await inbox('NL', '?overdue=true')).body.notices.some((n) => n.noticeId === request.noticeId)).toBe(false);
      expect((await stats()).answeredLate).toBe(lateBefore + 1);
    } finally {
      clockOffset = 0;
    }
  });

  it('purges expired copies and the purge reaches the audit trail (rule 14)', async () => {
    const from = await logEnd([topics.audit]);
    const n = fromNl({ recipients: ['DE'], expiresAt: Date.now() + 10 * 60_000 });
    await submit('NL', n);
    await arrived('DE', n.noticeId);
    clockOffset = 11 * 60_000;
    try {
      expect(await cp.contactPoint.purgeExpired()).toBeGreaterThanOrEqual(1);
    } finally {
      clockOffset = 0;
    }
    const gone = await api<Problem>(`${cp.url}/v1/inbox/${n.noticeId}`, as('DE'), { headers: { 'x-justification': 'checking the purge' } });
    expect(gone.status).toBe(404);
    expect((await inbox('DE')).body.notices.some((x) => x.noticeId === n.noticeId)).toBe(false);
    const audit = await readTopic<EuLiaison.AuditEvent>(topics.audit, 'auditEvent', from, { done: (r) => r.some((e) => e.value.noticeId === n.noticeId && e.value.action === 'RECEIPT_PURGED') });
    expect(audit.find((e) => e.value.noticeId === n.noticeId && e.value.action === 'RECEIPT_PURGED')!.value).toMatchObject({ origin: 'NL', destination: 'DE', outcome: 'PURGED' });
  });

  it('loses no notice and no receipt across a restart, and sends none twice', async () => {
    const from = await logEnd([topics.outbox('NL'), topics.inbox('NL')]);
    const before = [fresh({ recipients: ['NL'] }), fresh({ recipients: ['NL'] })];
    await submit('BE', ...before);
    for (const n of before) await arrived('NL', n.noticeId);
    await receiptsIn('NL', from, (r) => before.every((n) => r.some((x) => x.noticeId === n.noticeId)), 10_000);
    await cp.stop();

    const whileDown = [fresh({ recipients: ['NL'] }), fresh({ recipients: ['NL'] })];
    await submit('BE', ...whileDown);
    await readTopic<EuLiaison.NoticeCopy>(topics.inbox('NL'), 'noticeCopy', from, { principal: 'NL', done: (r) => whileDown.every((n) => r.some((c) => c.value.notice.noticeId === n.noticeId)) });

    cp = await startContactPoint(['NL', 'BE', 'DE'], { now: clock });
    const all = [...before, ...whileDown];
    const listed = (await inbox('NL')).body.notices.map((n) => n.noticeId);
    expect(all.every((n) => listed.includes(n.noticeId))).toBe(true);
    // The outbox has several partitions: wait for every notice's receipt, not the first few read.
    const receipts = await receiptsIn('NL', from, (r) => all.every((n) => r.some((x) => x.noticeId === n.noticeId)), 15_000);
    for (const n of all) expect(receipts.some((r) => r.noticeId === n.noticeId), `receipt of ${n.noticeId}`).toBe(true);
    await new Promise((r) => setTimeout(r, 1_000)); // room for a duplicate to show up, were one sent
    const settled = await receiptsIn('NL', from, () => false, 1_500);
    for (const n of all) expect(settled.filter((r) => r.noticeId === n.noticeId && r.status === 'RECEIVED')).toHaveLength(1);
  });

  it('hands each received copy to the national webhook, retrying until it takes it, and only then acknowledges', async () => {
    const calls: Array<{ key: string | undefined; noticeId: string }> = [];
    let failuresLeft = 2;
    const app = express();
    app.use(express.json({ limit: '2mb' }));
    app.post('/cases', (req, res) => {
      calls.push({ key: req.get('idempotency-key'), noticeId: req.body.notice.noticeId });
      if (failuresLeft-- > 0) res.status(503).end();
      else res.status(204).end();
    });
    const server = await listen(app, 0);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cases`;
    const withHook = await startContactPoint(['LU'], { webhook: { url, attempts: 5, backoffMs: 50 } });
    try {
      const from = await logEnd([topics.outbox('LU')]);
      const n = fresh({ recipients: ['LU'], crimeAreas: ['FIREARMS'] });
      await submit('BE', n);
      const receipts = await receiptsIn('LU', from, (r) => r.some((x) => x.noticeId === n.noticeId), 15_000);
      expect(receipts.filter((r) => r.noticeId === n.noticeId).map((r) => r.status)).toEqual(['RECEIVED']);
      const mine = calls.filter((c) => c.noticeId === n.noticeId);
      expect(mine.length).toBeGreaterThanOrEqual(1);
      expect(mine.every((c) => c.key === `${n.noticeId}:LU:FULL`)).toBe(true);
      expect(calls.length).toBeGreaterThanOrEqual(3); // two refusals, then accepted
    } finally {
      await withHook.stop();
      server.close();
    }
  });
});
