/**
 * The authorization matrix of the HTTP APIs, on the real stack: every token (each party's
 * system, dpo and officer, and the operations token) on every route of the national adapter
 * and the contact point, against a notice BE sent to NL and to CO (CO gets its non-personal
 * part at once; the rest is held for BE's DPO). A token acts only in its role (403 otherwise)
 * and only for its country: a notice its country did not send (adapter) or receive (contact
 * point) is not found (404), and lists show only the caller's own. The matrix is printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../services/shared/api-keys.ts';
import { retryUntil } from '../../../services/shared/retry.ts';
import type { StatusView } from '../../../services/shared/status-views.ts';
import { notice, suspect, victim, witness } from '../../fixtures/notices.ts';
import { unique } from '../../support/clients.ts';
import { newGatewayGroup, policy, startGateway, type RunningGateway } from '../../support/flow.ts';
import { api, startAdapter, startContactPoint, tokenOf, type RunningService } from '../../support/services.ts';

const PARTIES = [...policy.parties.keys()];
const TOKENS: Array<{ country: string; role: Role }> = [...PARTIES.flatMap((country) => (['system', 'dpo', 'officer'] as const).map((role) => ({ country, role }))), { country: 'ALL', role: 'ops' }];

let gateway: RunningGateway;
let adapter: RunningService;
let cp: RunningService;
let noticeId: string;

beforeAll(async () => {
  gateway = await startGateway(await newGatewayGroup());
  adapter = await startAdapter();
  cp = await startContactPoint(PARTIES);
  // BE → NL (delivered) and CO (held for BE's DPO: a derogation with personal data).
  const { noticeId: _id, createdAt: _at, sender, ...rest } = notice({ caseRef: unique('AUTHZ'), recipients: ['NL', 'CO'], subjects: [{ ...suspect, healthInformation: null }, witness, victim] });
  const { country: _c, ...ownSender } = sender;
  const r = await api<{ noticeId: string }>(`${adapter.url}/v1/notices`, tokenOf('BE', 'system'), { body: { ...rest, sender: ownSender } });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  noticeId = r.body.noticeId;
  await retryUntil(
    async () => {
      const s = await api<StatusView>(`${adapter.url}/v1/notices/${noticeId}`, tokenOf('BE', 'system'));
      const statuses = s.body.destinations?.map((d) => `${d.destination} ${d.status}`).sort().join(', ');
      if (!statuses?.includes('CO HELD_FOR_REVIEW')) throw new Error(`not processed yet: ${statuses}`);
      const inbox = await api(`${cp.url}/v1/inbox/${noticeId}`, tokenOf('NL', 'officer'), { headers: { 'x-justification': 'authorization matrix: check arrival' } });
      if (inbox.status !== 200) throw new Error(`not in NL's inbox yet: ${inbox.status}`);
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
}, 180_000);

afterAll(async () => {
  await cp?.stop();
  await adapter?.stop();
  await gateway?.stop();
});

interface Route {
  name: string;
  roles: Role[];
  /** The countries the notice is theirs on this route (the origin, or its recipients); for a list, those that see it in the list. */
  owners: string[];
  list?: true;
  call: (token: string) => Promise<{ status: number; body: unknown }>;
}

describe('the authorization matrix of the HTTP APIs', () => {
  it('lets every token act only in its role and only for its own country, on every route', async () => {
    const justification = { 'x-justification': 'authorization matrix test' };
    const routes: Route[] = [
      { name: 'GET /v1/notices/:id', roles: ['system', 'dpo'], owners: ['BE'], call: (t) => api(`${adapter.url}/v1/notices/${noticeId}`, t) },
      { name: 'POST /v1/notices/:id/corrections', roles: ['system'], owners: ['BE'], call: (t) => api(`${adapter.url}/v1/notices/${noticeId}/corrections`, t, { body: { action: 'WITHDRAW', reason: 'authorization matrix' } }) },
      { name: 'POST /v1/notices/:id/permissions', roles: ['system'], owners: ['BE'], call: (t) => api(`${adapter.url}/v1/notices/${noticeId}/permissions`, t, { body: { grantedTo: 'NL', forwardTo: ['DE'] } }) },
      { name: 'POST /v1/held/:id/CO/reject', roles: ['dpo'], owners: ['BE'], call: (t) => api(`${adapter.url}/v1/held/${noticeId}/CO/reject`, t, { body: { justification: 'authorization matrix: no transfer' } }) },
      { name: 'GET /v1/held', roles: ['dpo'], owners: ['BE'], list: true, call: (t) => api(`${adapter.url}/v1/held`, t) },
      { name: 'POST /v1/notices (role only)', roles: ['system'], owners: [], list: true, call: (t) => api(`${adapter.url}/v1/notices`, t, { body: {} }) },
      { name: 'POST /v1/notices/preview (role only)', roles: ['system', 'dpo'], owners: [], list: true, call: (t) => api(`${adapter.url}/v1/notices/preview`, t, { body: {} }) },
      // The hit/no-hit index: only system tokens; a non-member's is refused (403), a member's empty body is a 400.
      { name: 'POST /v1/lookups (role only)', roles: ['system'], owners: [], list: true, call: (t) => api(`${adapter.url}/v1/lookups`, t, { body: {} }) },
      { name: 'GET /v1/index/:agreement', roles: ['system'], owners: [], list: true, call: (t) => api(`${adapter.url}/v1/index/be-nl-cross-border`, t) },
      { name: 'POST /v1/index/:agreement/entries', roles: ['system'], owners: [], list: true, call: (t) => api(`${adapter.url}/v1/index/be-nl-cross-border/entries`, t, { body: {} }) },
      { name: 'POST /v1/index/:agreement/withdrawals', roles: ['system'], owners: [], list: true, call: (t) => api(`${adapter.url}/v1/index/be-nl-cross-border/withdrawals`, t, { body: {} }) },
      { name: 'GET /v1/inbox', roles: ['officer'], owners: ['NL', 'CO'], list: true, call: (t) => api(`${cp.url}/v1/inbox`, t) },
      { name: 'GET /v1/inbox/:id', roles: ['officer'], owners: ['NL', 'CO'], call: (t) => api(`${cp.url}/v1/inbox/${noticeId}`, t, { headers: justification }) },
      { name: 'POST /v1/inbox/:id/reply', roles: ['officer'], owners: ['NL', 'CO'], call: (t) => api(`${cp.url}/v1/inbox/${noticeId}/reply`, t, { body: { summary: 'authorization matrix' } }) },
      { name: 'POST /v1/inbox/:id/refuse', roles: ['officer'], owners: ['NL', 'CO'], call: (t) => api(`${cp.url}/v1/inbox/${noticeId}/refuse`, t, { body: { ground: 'NATIONAL_SECURITY', explanation: 'authorization matrix' } }) },
      { name: 'POST /v1/inbox/:id/forward', roles: ['officer'], owners: ['NL', 'CO'], call: (t) => api(`${cp.url}/v1/inbox/${noticeId}/forward`, t, { body: { to: ['LU'] } }) },
      { name: 'POST /v1/inbox/:id/acknowledge', roles: ['officer'], owners: ['NL', 'CO'], call: (t) => api(`${cp.url}/v1/inbox/${noticeId}/acknowledge`, t, { body: {} }) },
      { name: 'GET /v1/statistics', roles: ['officer'], owners: [], list: true, call: (t) => api(`${cp.url}/v1/statistics`, t) },
    ];
    const wrong: string[] = [];
    const counts = new Map<string, { tried: number; refused: number }>();
    const count = (route: string, refused: boolean) => {
      const c = counts.get(route) ?? { tried: 0, refused: 0 };
      c.tried += 1;
      if (refused) c.refused += 1;
      counts.set(route, c);
    };
    for (const route of routes) {
      for (const { country, role } of TOKENS) {
        // An owner acting on its own notice is the allowed case: not tried here (it would change the notice).
        if (route.owners.includes(country) && route.roles.includes(role)) continue;
        const { status, body } = await route.call(tokenOf(country, role));
        const who = `${country}/${role} ${route.name}`;
        if (!route.roles.includes(role)) {
          if (status !== 403) wrong.push(`${who}: ${status}, expected 403 (role)`);
          count(route.name, status === 403);
        } else if (!route.list) {
          if (status !== 404) wrong.push(`${who}: ${status}, expected 404 (another country's notice)`);
          count(route.name, status === 404);
        } else {
          // A list or a route on the caller's own data: never another country's notice in it.
          const leaked = JSON.stringify(body).includes(noticeId);
          if (leaked) wrong.push(`${who}: lists another country's notice`);
          if (status >= 500) wrong.push(`${who}: ${status}`);
          count(route.name, !leaked);
        }
      }
      // No token at all.
      const anonymous = await route.call('');
      if (anonymous.status !== 401) wrong.push(`no token ${route.name}: ${anonymous.status}, expected 401`);
      count(route.name, anonymous.status === 401);
    }
    // The owners see their own: BE's DPO lists the held copy, NL's and CO's officers the notice in their inboxes.
    expect(JSON.stringify((await api(`${adapter.url}/v1/held`, tokenOf('BE', 'dpo'))).body)).toContain(noticeId);
    for (const recipient of ['NL', 'CO']) expect(JSON.stringify((await api(`${cp.url}/v1/inbox`, tokenOf(recipient, 'officer'))).body)).toContain(noticeId);

    const lines = [...counts].map(([route, c]) => `  ${route.padEnd(36)} ${c.refused}/${c.tried} refused or kept apart`);
    const tried = [...counts.values()].reduce((n, c) => n + c.tried, 0);
    console.log([`HTTP authorization matrix: ${TOKENS.length} tokens × ${routes.length} routes, ${tried} requests, ${wrong.length} wrong`, ...lines].join('\n'));
    expect(wrong).toEqual([]);
    expect(tried).toBeGreaterThan(TOKENS.length * routes.length - 20);
  }, 300_000);
});
