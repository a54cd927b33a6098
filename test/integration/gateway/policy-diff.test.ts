/**
 * `liaison policy diff` on the real stack: the notices in the outboxes decided again under a
 * proposed version of the agreements, read with the admin principal, nothing produced.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_AGREEMENTS_FILE } from '../../../services/policy/index.ts';
import { PROJECT_ROOT } from '../../../services/shared/connection.ts';
import { topics } from '../../../services/shared/topology.ts';
import { notice, suspect } from '../../fixtures/notices.ts';
import { unique } from '../../support/clients.ts';
import { adminEnv, logEnd, newGatewayGroup, policy, readTopic, startGateway, submit } from '../../support/flow.ts';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import type { Gauge } from 'prom-client';
import { createHash } from 'node:crypto';

function run(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/liaison.mjs', ...args], { cwd: PROJECT_ROOT, env: adminEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('liaison policy diff', () => {
  it('lists the deliveries of the outboxes that a proposed policy would change, and produces nothing', async () => {
    const atm = notice({ caseRef: unique('ANR-2026-ATM'), crimeAreas: ['ATM_ATTACKS'], recipients: ['NL'], subjects: [suspect] });
    await submit('BE', atm);
    const proposed = join(mkdtempSync(join(tmpdir(), 'liaison-diff-')), 'agreements.yaml');
    writeFileSync(proposed, readFileSync(DEFAULT_AGREEMENTS_FILE, 'utf8').replace(/  - id: be-nl-cross-border\n(?: {4}.*\n)+\n/, ''));
    const before = await logEnd([topics.inbox('NL'), topics.reports('BE'), topics.audit]);

    const cli = await run(['policy', 'diff', '--from', DEFAULT_AGREEMENTS_FILE, '--to', proposed, '--days', '1', '--json']);
    expect(cli.status, cli.stderr).toBe(0);
    const report = JSON.parse(cli.stdout) as { notices: number; changes: Array<{ noticeId: string; destination: string; before: { agreement: string }; after: { agreement: string } }>; byAgreement: Record<string, number> };
    expect(report.notices).toBeGreaterThan(0);
    expect(report.changes).toContainEqual(expect.objectContaining({ noticeId: atm.noticeId, destination: 'NL', before: expect.objectContaining({ agreement: 'be-nl-cross-border' }), after: expect.objectContaining({ agreement: 'benelux-police-treaty' }) }));
    expect(report.byAgreement['be-nl-cross-border → benelux-police-treaty']).toBeGreaterThanOrEqual(1);
    // Read only: no copy, report or audit event was written by the diff.
    expect(await logEnd([topics.inbox('NL'), topics.reports('BE'), topics.audit])).toEqual(before);

    const table = await run(['policy', 'diff', '--from', DEFAULT_AGREEMENTS_FILE, '--to', proposed, '--days', '1']);
    expect(table.status, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/would change/);
    expect(table.stdout).toContain(atm.caseRef);
    const wrong = await run(['policy', 'diff', '--from', 'no-such-revision', '--days', '1']);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('--from: "no-such-revision" is neither a file nor a git revision');
  });

  it('records a review with --record: the gateway writes it into the audit trail and reports the version in force reviewed', { timeout: 120_000 }, async () => {
    const gateway = await startGateway(await newGatewayGroup());
    try {
      const reviewed = () => (gateway.metrics.getSingleMetric('liaison_policy_reviewed') as Gauge).get().then((m) => m.values.find((v) => v.labels.version === policy.version)?.value);
      const previous = join(mkdtempSync(join(tmpdir(), 'liaison-diff-')), 'agreements.yaml');
      writeFileSync(previous, readFileSync(DEFAULT_AGREEMENTS_FILE, 'utf8').replace('    hitIndex: true\n', ''));
      const from = await logEnd([topics.audit]);
      const refused = await run(['policy', 'diff', '--from', previous, '--days', '1', '--record']);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain('--reviewer: required with --record');

      const cli = await run(['policy', 'diff', '--from', previous, '--days', '1', '--json', '--record', '--reviewer', 'dpo@BE']);
      expect(cli.status, cli.stderr).toBe(0);
      const sha = createHash('sha256').update(cli.stdout.replace(/\n$/, '')).digest('hex');
      expect(cli.stderr).toContain(`report SHA-256 ${sha}`);
      const events = await readTopic<EuLiaison.AuditEvent>(topics.audit, 'auditEvent', from, { done: (rs) => rs.some((r) => r.value.action === 'POLICY_REVIEWED' && r.value.details.reportSha256 === sha), timeoutMs: 30_000 });
      const event = events.map((r) => r.value).find((e) => e.details.reportSha256 === sha)!;
      expect(event).toMatchObject({ action: 'POLICY_REVIEWED', outcome: 'IN_FORCE', actor: 'dpo@BE', details: { toVersion: policy.version, fromRef: previous } });
      expect(event.details.fromVersion).not.toBe(policy.version);
      await expect.poll(reviewed, { timeout: 20_000, interval: 250 }).toBe(1);
    } finally {
      await gateway.stop();
    }
  });
});

