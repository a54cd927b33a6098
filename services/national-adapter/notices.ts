/**
 * A country's notices through the national adapter: submission (with its Idempotency-Key),
 * preview, status, corrections and withdrawals (rule 12) and forwarding permissions (rule 6).
 * Each is checked as the gateway will check it, then written to the caller's own outbox with
 * its country's principal.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { deliveriesOf, foreignReferences, isNoticeId, MAX_RECORD_BYTES, type Policy, validateNotice } from '../policy/index.ts';
import type { Caller } from '../shared/api-keys.ts';
import type { Contract } from '../shared/contract.ts';
import type { Database } from '../shared/database.ts';
import { ApiError } from '../shared/errors.ts';
import type { EuLiaison } from '../shared/generated/contract-types.ts';
import type { Logger } from '../shared/logger.ts';
import { partyListProblems } from '../shared/parties.ts';
import { ProblemList } from '../shared/problem-list.ts';
import { clip, requiredText, visibleLength } from '../shared/text-checks.ts';
import type { IdempotencyKeys } from './adapter-state.ts';
import type { CountryOutboxes } from './adapter-writes.ts';
import { type NoticePreview, previewOf } from './notice-preview.ts';
import { applyStatus, type NoticeStatusStore, type StatusView } from './notice-status.ts';
import type { Validators } from './openapi.ts';

type Notice = EuLiaison.Notice;

export interface Accepted {
  noticeId: string;
  replayed: boolean;
}

/** A UUID (version 8, name-based) from the caller's country and Idempotency-Key. */
export function noticeIdFor(country: string, idempotencyKey: string): string {
  const h = createHash('sha256').update(`liaison-notice\n${country}\n${idempotencyKey}`).digest('hex');
  const variant = ((parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** What the gateway counts as reached by a notice: a copy delivered, filtered, or held for the DPO. */
const REACHED: readonly EuLiaison.DeliveryStatus[] = ['DELIVERED', 'DELIVERED_FILTERED', 'HELD_FOR_REVIEW'];

const bodyHash = (body: unknown): string => createHash('sha256').update(JSON.stringify(body)).digest('hex');

/** What the notice desk uses of the adapter's database once started (503 before). */
export interface NoticeState {
  db: Database;
  store: NoticeStatusStore;
  idempotency: IdempotencyKeys;
}

export interface NoticeDeskOptions {
  contract: Contract;
  policy: Policy;
  validators: Validators;
  logger: Logger;
  now: () => number;
  outboxes: CountryOutboxes;
  state: () => NoticeState;
}

export class NoticeDesk {
  constructor(private readonly options: NoticeDeskOptions) {}

  async submit(caller: Caller, body: unknown, idempotencyKey?: string): Promise<Accepted> {
    const problems = this.options.validators.NoticeSubmission(body);
    if (problems.length) throw new ApiError(400, 'invalid-notice', [...problems, ...this.semanticProblems(caller, body, problems)]);
    return this.accept(caller, body as Partial<Notice>, idempotencyKey, (n) => n);
  }

  /**
   * What each recipient would receive if this notice were submitted now, and nothing produced:
   * the adapter's checks as for a submission, then the gateway's own decision function
   * (`deliveriesOf`), so a preview never disagrees with a delivery made under the same policy.
   * Pseudonyms are made with a key of this request alone and shown as a placeholder: with the
   * agreements' keys a preview would tell a sender the pseudonym of any value it chose, and so
   * re-identify the pseudonymised subjects of the copies it receives.
   */
  async preview(caller: Caller, body: unknown): Promise<NoticePreview> {
    const { validators, policy, logger } = this.options;
    const problems = validators.NoticeSubmission(body);
    if (problems.length) throw new ApiError(400, 'invalid-notice', [...problems, ...this.semanticProblems(caller, body, problems)]);
    const draft = body as Partial<Notice>;
    checkOrigin(caller, draft);
    const now = this.options.now();
    const notice = await this.prepare(caller, draft, draft.noticeId ?? randomUUID(), now, (n) => n);
    // Every check a submission makes: the record within what the gateway reads (the wire format adds 5 bytes).
    const bytes = this.options.contract.types.notice.toBuffer(notice).length + 5;
    if (bytes > MAX_RECORD_BYTES) throw new ApiError(413, 'too-large', [`body: ${bytes} bytes encoded, above ${MAX_RECORD_BYTES}`]);
    const key = randomBytes(32);
    const deliveries = deliveriesOf(policy, () => key, notice, caller.country, await this.destinationsOf(notice), now);
    logger.info('notice previewed', { noticeId: notice.noticeId, origin: caller.country, caller: caller.id, destinations: deliveries.length });
    return previewOf(notice, caller.country, policy.version, now, deliveries);
  }

  /**
   * The destinations the gateway decides for this notice: its recipients and, for a correction,
   * every earlier recipient of the notice it corrects (rule 12), as the gateway reads them from
   * its ledger (a copy delivered, filtered or held).
   */
  private async destinationsOf(notice: Notice): Promise<string[]> {
    if (notice.correction === null) return notice.recipients;
    const earlier = await this.options.state().store.view(notice.correction.of);
    const reached = (earlier?.destinations ?? []).filter((d) => REACHED.includes(d.status)).map((d) => d.destination);
    return [...new Set([...reached, ...notice.recipients])];
  }

  async status(caller: Caller, noticeId: string): Promise<StatusView> {
    const view = isNoticeId(noticeId) ? await this.options.state().store.view(noticeId) : undefined;
    if (!view || view.origin !== caller.country) throw notFound(noticeId);
    return view;
  }

  /** Rule 12: the correction goes to every earlier recipient (the gateway adds them). */
  async correct(caller: Caller, noticeId: string, body: unknown, idempotencyKey?: string): Promise<Accepted> {
    const problems = this.options.validators.CorrectionRequest(body);
    if (problems.length) throw new ApiError(400, 'invalid-correction', problems);
    const request = body as { action: EuLiaison.CorrectionAction; reason: string; notice?: Partial<Notice> };
    const blank = requiredText('reason', request.reason);
    if (blank) throw new ApiError(400, 'invalid-correction', [blank]);
    const original = await this.ownRouting(caller, noticeId);
    const correction = { of: noticeId, action: request.action, reason: request.reason };
    if (request.action === 'CORRECT') {
      if (!request.notice) throw new ApiError(400, 'invalid-correction', ['notice: required to CORRECT (the corrected notice)']);
      return this.accept(caller, { caseRef: original.caseRef, ...request.notice }, idempotencyKey, (n) => ({ ...n, correction }));
    }
    // A withdrawal routes like the original, carries none of its content, and names no one: every earlier recipient gets it.
    const withdrawal: Partial<Notice> = {
      ...original,
      noticeId: undefined,
      createdAt: undefined,
      kind: 'INFORMATION',
      inReplyTo: null,
      recipients: [],
      purpose: 'Withdrawal of an earlier notice (rule 12)',
      summary: `Withdrawn: ${request.reason}`,
      reviewBy: null,
      expiresAt: null,
    };
    return this.accept(caller, withdrawal, idempotencyKey, (n) => ({ ...n, correction }));
  }

  /** Rule 6: the provider records that a recipient may forward (e.g. an H2 notice) to the listed countries. */
  async permit(caller: Caller, noticeId: string, body: unknown): Promise<{ permissionId: string }> {
    const { validators, policy } = this.options;
    const problems = validators.PermissionRequest(body);
    if (problems.length) throw new ApiError(400, 'invalid-permission', problems);
    const request = body as { grantedTo: string; forwardTo: string[]; conditions?: string };
    const routing = await this.ownRouting(caller, noticeId);
    const listed = new ProblemList(policy.bounds.limits.problems);
    if (!policy.parties.has(request.grantedTo)) listed.add(`grantedTo: "${clip(request.grantedTo, 12)}" is not a known party`);
    else if (request.grantedTo === caller.country) listed.add(`grantedTo: "${request.grantedTo}" is the provider itself`);
    partyListProblems('forwardTo', request.forwardTo, policy.parties, request.grantedTo, listed);
    request.forwardTo.forEach((p, i) => {
      if (p === caller.country) listed.add(`forwardTo[${i}]: "${p}" is the provider itself, which holds the notice already`);
    });
    if (request.conditions !== undefined && visibleLength(request.conditions) === 0) listed.add('conditions: blank; leave it out or state the conditions');
    if (listed.size > 0) throw new ApiError(400, 'invalid-permission', listed.toArray());
    if (!(await this.options.state().store.received(noticeId, request.grantedTo))) throw new ApiError(400, 'invalid-permission', [`grantedTo: ${request.grantedTo} did not receive notice ${noticeId}`]);
    const permission: EuLiaison.ForwardingPermission = {
      permissionId: randomUUID(),
      noticeId,
      provider: caller.country,
      grantedTo: request.grantedTo,
      forwardTo: request.forwardTo,
      conditions: request.conditions ?? null,
      grantedBy: `${caller.role}@${caller.country}`,
      grantedAt: this.options.now(),
    };
    await this.options.outboxes.write(caller.country, routing.caseRef, 'forwardingPermission', permission);
    return { permissionId: permission.permissionId };
  }

  /**
   * One 400 lists every problem: where the shape is wrong, what the meaning checks can still say
   * about the fields that are well formed (a caller fixes one round, not two). Nothing when the
   * body is too far from a notice to be read.
   */
  private semanticProblems(caller: Caller, body: unknown, schemaProblems: string[]): string[] {
    if (!body || typeof body !== 'object' || Array.isArray(body)) return [];
    const lists = ['recipients', 'crimeAreas', 'subjects', 'vehicles', 'vessels', 'containers', 'parcels', 'organisations', 'financial', 'seizures', 'attachments', 'receivedFrom'];
    const draft = { ...Object.fromEntries(lists.map((l) => [l, []])), inReplyTo: null, legalBasis: null, correction: null, refusal: null, reviewBy: null, expiresAt: null, specialCategories: { strictlyNecessary: false, justification: null }, ...(body as object) } as Record<string, unknown>;
    const sender = draft.sender && typeof draft.sender === 'object' ? draft.sender : {};
    const now = this.options.now();
    const notice = { ...draft, noticeId: draft.noticeId ?? randomUUID(), createdAt: draft.createdAt ?? now, sender: { onBehalfOf: null, ...sender, country: caller.country } } as unknown as Notice;
    const fieldOf = (problem: string) => problem.slice(0, problem.indexOf(':')).replace(/\[\d+\].*$/, '').replace(/\..*$/, '');
    const wrong = new Set(schemaProblems.map(fieldOf));
    try {
      return (validateNotice(notice, caller.country, this.options.policy, now)?.problems ?? []).filter((p) => !wrong.has(fieldOf(p)));
    } catch {
      return []; // a field the checks rely on is malformed: the schema problems say which
    }
  }

  /** The notice as the gateway will read it: what the adapter owns filled in, validated as the gateway validates, its references owned. */
  private async prepare(caller: Caller, body: Partial<Notice>, noticeId: string, now: number, finish: (n: Notice) => Notice): Promise<Notice> {
    const notice = finish(this.options.contract.types.notice.clone({ ...body, noticeId, createdAt: body.createdAt ?? now, sender: { ...body.sender, country: caller.country } }) as Notice);
    const rejection = validateNotice(notice, caller.country, this.options.policy, now);
    if (rejection) throw new ApiError(400, 'invalid-notice', rejection.problems);
    // Ownership before anything is recorded: a notice may point only at what its country sent or received.
    const foreign = foreignReferences(notice, caller.country, await this.options.state().store.history(notice));
    if (foreign.length > 0) throw new ApiError(404, 'not-found', foreign);
    return notice;
  }

  private async ownRouting(caller: Caller, noticeId: string): Promise<Notice> {
    const routing = isNoticeId(noticeId) ? await this.options.state().store.routing(noticeId) : undefined;
    if (!routing || routing.sender.country !== caller.country) throw notFound(noticeId);
    return routing;
  }

  /** Fill in what the adapter owns, prove the origin, validate as the gateway will, produce. */
  private async accept(caller: Caller, body: Partial<Notice>, idempotencyKey: string | undefined, finish: (n: Notice) => Notice): Promise<Accepted> {
    checkOrigin(caller, body);
    if (idempotencyKey === undefined) return this.write(caller, body, body.noticeId ?? randomUUID(), finish);
    // One key, one body, across instances: the key is reserved in the database before anything is written.
    const { idempotency } = this.options.state();
    const noticeId = body.noticeId ?? noticeIdFor(caller.country, idempotencyKey);
    const reservation = await idempotency.reserve(caller.country, idempotencyKey, bodyHash(body), noticeId, this.options.now());
    switch (reservation.kind) {
      case 'reused':
        throw new ApiError(409, 'idempotency-key-reused', [`Idempotency-Key: "${idempotencyKey}" was used with another body`]);
      case 'in-progress':
        throw new ApiError(409, 'idempotency-key-in-progress', [`Idempotency-Key: "${idempotencyKey}": a request with this key is being written; retry after the time in Retry-After`], { 'Retry-After': '1' });
      case 'replay':
        return { noticeId: reservation.noticeId, replayed: true };
      case 'reserved':
        break;
    }
    try {
      const accepted = await this.write(caller, body, noticeId, finish);
      await idempotency.written(caller.country, idempotencyKey);
      return accepted;
    } catch (error) {
      // A refused or failed attempt may be retried with the same key.
      await idempotency.release(caller.country, idempotencyKey).catch(() => {});
      throw error;
    }
  }

  private async write(caller: Caller, body: Partial<Notice>, noticeId: string, finish: (n: Notice) => Notice): Promise<Accepted> {
    const { db, store } = this.options.state();
    const knownOrigin = await store.originOf(noticeId);
    if (knownOrigin !== undefined) {
      if (knownOrigin !== caller.country) throw new ApiError(409, 'duplicate-id', [`noticeId: ${noticeId} is already in use`]);
      return { noticeId, replayed: true };
    }
    const now = this.options.now();
    const notice = await this.prepare(caller, body, noticeId, now, finish);
    await this.options.outboxes.write(caller.country, notice.caseRef, 'notice', notice);
    // Shown at once (the reader applies the same notice again when it reads it back: no change).
    await db.transaction((client) => applyStatus(client, [{ kind: 'submitted', notice, origin: caller.country }]));
    this.options.logger.info('notice submitted', { noticeId, caseRef: notice.caseRef, origin: caller.country, caller: caller.id });
    return { noticeId, replayed: false };
  }
}

/** The token acts for one country: a body that claims another is refused, never rewritten. */
function checkOrigin(caller: Caller, body: Partial<Notice>): void {
  const claimed = body.sender?.country;
  if (claimed !== undefined && claimed !== caller.country) {
    throw new ApiError(403, 'origin-mismatch', [`sender.country: "${claimed}" is not ${caller.country}, the country this token acts for`]);
  }
}

const notFound = (noticeId: string) => new ApiError(404, 'not-found', [`no notice ${noticeId} of yours`]);
