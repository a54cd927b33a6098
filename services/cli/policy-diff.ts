/**
 * `liaison policy diff`: the notices of the outboxes decided again under two versions of the
 * agreements, nothing produced, and what would change per delivery: the status, and the fields
 * that would now be withheld or released. A data protection officer reviews a policy change
 * before it is deployed. The report names notices, destinations and field paths, never a value.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Kafka } from 'kafkajs';
import { DEFAULT_AGREEMENTS_FILE, deliveriesOf, type Decision, type Policy, validateNotice } from '../policy/index.ts';
import { PROJECT_ROOT } from '../shared/connection.ts';
import { ConfigError, decisionOf } from '../shared/errors.ts';
import type { EuLiaison } from '../shared/generated/contract-types.ts';
import { ContractRegistry } from '../shared/registry.ts';
import { IDEMPOTENT } from '../shared/kafka.ts';
import { readFromStart } from '../shared/topic-reader.ts';
import { topics } from '../shared/topology.ts';
import { READER_GROUP_PREFIXES } from '../shared/vocabulary.ts';

export interface ReplayedNotice {
  notice: EuLiaison.Notice;
  /** Proven by the outbox it was read from. */
  origin: string;
}

export interface DeliveryChange {
  noticeId: string;
  caseRef: string;
  origin: string;
  destination: string;
  before: { status: string; agreement: string | null };
  after: { status: string; agreement: string | null };
  /** Field paths withheld after and not before (removed, masked, generalised or pseudonymised). */
  withheld: string[];
  /** Field paths withheld before and not after. */
  released: string[];
}

export interface PolicyDiff {
  notices: number;
  deliveries: number;
  changes: DeliveryChange[];
  /** Changed deliveries per agreement (before → after; the same id when only the filtering changed). */
  byAgreement: Map<string, number>;
}

const REJECTED = 'REJECTED' as const;

/** Decides each notice under both policies, at `now`, with one throwaway pseudonym key (pseudonyms do not change a decision). */
export function diffPolicies(before: Policy, after: Policy, notices: Iterable<ReplayedNotice>, now: number): PolicyDiff {
  const key = randomBytes(32);
  const keys = () => key;
  const diff: PolicyDiff = { notices: 0, deliveries: 0, changes: [], byAgreement: new Map() };
  for (const { notice, origin } of notices) {
    diff.notices += 1;
    const a = decisionsUnder(before, notice, origin, now, keys);
    const b = decisionsUnder(after, notice, origin, now, keys);
    for (const destination of new Set([...a.keys(), ...b.keys()])) {
      diff.deliveries += 1;
      const x = a.get(destination);
      const y = b.get(destination);
      const withheldBefore = withheldPaths(x);
      const withheldAfter = withheldPaths(y);
      const withheld = [...withheldAfter].filter((p) => !withheldBefore.has(p)).sort();
      const released = [...withheldBefore].filter((p) => !withheldAfter.has(p)).sort();
      const statusOf = (d: Outcome | undefined) => ({ status: d?.status ?? REJECTED, agreement: d?.agreement ?? null });
      const [s, t] = [statusOf(x), statusOf(y)];
      if (s.status === t.status && s.agreement === t.agreement && withheld.length === 0 && released.length === 0) continue;
      diff.changes.push({ noticeId: notice.noticeId, caseRef: notice.caseRef, origin, destination, before: s, after: t, withheld, released });
      const agreement = s.agreement === t.agreement ? (s.agreement ?? '(none)') : `${s.agreement ?? '(none)'} → ${t.agreement ?? '(none)'}`;
      diff.byAgreement.set(agreement, (diff.byAgreement.get(agreement) ?? 0) + 1);
    }
  }
  return diff;
}

/** The decisions per destination, or none when the policy's validation would reject the notice (every destination REJECTED). */
function decisionsUnder(policy: Policy, notice: EuLiaison.Notice, origin: string, now: number, keys: () => Buffer): Map<string, Outcome> {
  if (validateNotice(notice, origin, policy, notice.createdAt)) return new Map(notice.recipients.map((r) => [r, rejected]));
  return new Map(deliveriesOf(policy, keys, notice, origin, notice.recipients, now).map((d) => [d.decision.destination, d.decision]));
}

/** What a destination gets under a policy: a decision, or nothing because the notice itself is rejected. */
type Outcome = Decision | { status: typeof REJECTED; agreement: null };

const rejected: Outcome = { status: REJECTED, agreement: null };

/**
 * What a destination does not get in clear at once: every field action's path of what it
 * receives now (under a derogation, the non-personal part; the rest waits for the DPO), or
 * everything when nothing goes.
 */
function withheldPaths(d: Outcome | undefined): Set<string> {
  if (!d) return new Set();
  if (d.status === 'BLOCKED' || d.status === REJECTED) return new Set(['(the whole notice)']);
  const now = d.status === 'HELD_FOR_REVIEW' ? (d.deliver[0]?.fieldActions ?? []) : d.fieldActions;
  return new Set(now.map((a) => `${a.path} ${a.action.toLowerCase()}`));
}

/** The agreements file of `ref`: the file itself when it exists, else config/agreements.yaml as committed at that git revision. */
export function agreementsAt(ref: string): string {
  if (existsSync(ref)) return ref;
  const path = relative(PROJECT_ROOT, DEFAULT_AGREEMENTS_FILE);
  const shown = spawnSync('git', ['show', `${ref}:${path}`], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  if (shown.status !== 0) throw new ConfigError(`--from: "${ref}" is neither a file nor a git revision with ${path} (${(shown.stderr || shown.error?.message || '').trim()})`);
  const file = join(mkdtempSync(join(tmpdir(), 'liaison-policy-')), 'agreements.yaml');
  writeFileSync(file, shown.stdout);
  return file;
}

/** Every notice in the parties' outboxes written since `since` (ms), read with the principal of `kafka`; records that are not notices are skipped. */
export async function readOutboxNotices(kafka: Kafka, registry: ContractRegistry, parties: string[], since: number, progress: (read: number) => void): Promise<{ notices: ReplayedNotice[]; skipped: number }> {
  const outboxes = parties.map(topics.outbox);
  const admin = kafka.admin();
  await admin.connect();
  const from = new Map<string, number>();
  try {
    for (const topic of outboxes) for (const p of await admin.fetchTopicOffsetsByTimestamp(topic, since)) from.set(`${topic}:${p.partition}`, Number(p.offset));
  } finally {
    await admin.disconnect();
  }
  const notices: ReplayedNotice[] = [];
  let skipped = 0;
  await readFromStart(kafka, { topics: outboxes, groupPrefix: READER_GROUP_PREFIXES.policyDiff, follow: false, from }, async (message, topic) => {
    try {
      // Receipts and permissions are told by their schema and never decoded (an outbox holds a receipt per copy read).
      if ((await registry.recordName(message.value)) !== 'notice') return;
      const notice = await registry.decode(message.value, 'notice');
      notices.push({ notice, origin: topic.slice(topics.outbox('').length) });
      if (notices.length % 10_000 === 0) progress(notices.length);
    } catch (error) {
      if (decisionOf(error) === 'retry') throw error;
      skipped += 1;
    }
  });
  return { notices, skipped };
}

/**
 * Records a DPO's review of the change: its summary and the SHA-256 of the full report go to
 * liaison.policy.reviews (written with the admin principal of `kafka`), which the gateway reads
 * and writes into the audit trail. The report itself stays with the reviewer.
 */
export async function recordReview(
  kafka: Kafka,
  registryUrl: string,
  review: { before: Policy; after: Policy; fromRef: string; since: number; diff: PolicyDiff; report: string; reviewedBy: string },
): Promise<EuLiaison.PolicyReview> {
  const record: EuLiaison.PolicyReview = {
    reviewId: randomUUID(),
    fromVersion: review.before.version,
    toVersion: review.after.version,
    fromRef: review.fromRef,
    since: review.since,
    notices: review.diff.notices,
    deliveries: review.diff.deliveries,
    changes: review.diff.changes.length,
    byAgreement: Object.fromEntries(review.diff.byAgreement),
    reportSha256: createHash('sha256').update(review.report).digest('hex'),
    reviewedBy: review.reviewedBy,
    reviewedAt: Date.now(),
  };
  const value = await new ContractRegistry(registryUrl).encode(topics.policyReviews, 'policyReview', record);
  const producer = kafka.producer(IDEMPOTENT);
  await producer.connect();
  try {
    await producer.send({ topic: topics.policyReviews, acks: -1, messages: [{ key: record.toVersion, value }] });
  } finally {
    await producer.disconnect();
  }
  return record;
}
