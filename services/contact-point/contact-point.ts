/**
 * The contact point of one or more countries: each country's desk reads its inbox and its own
 * outbox with that country's principal (read committed) to rebuild its state, acknowledges
 * every copy with a RECEIVED receipt exactly once (a receipt read back from the outbox is never
 * sent again, so a restart loses and duplicates nothing), and sends what officers do
 * (consultations, replies, refusals, forwards, correction acknowledgements) through the outbox.
 */
import { randomUUID } from 'node:crypto';
import type { Caller } from '../shared/api-keys.ts';
import { isNoticeId } from '../policy/index.ts';
import { type Connection, partyCredentials } from '../shared/connection.ts';
import type { EuLiaison } from '../shared/generated/contract-types.ts';
import { type Contract, type ContractName, type ContractRecords, loadContract } from '../shared/contract.ts';
import { ApiError, ConfigError, isDeadLetterError } from '../shared/errors.ts';
import { createKafka, IDEMPOTENT } from '../shared/kafka.ts';
import type { Logger } from '../shared/logger.ts';
import { loadParties, type Party, partyListProblems } from '../shared/parties.ts';
import { ProblemList } from '../shared/problem-list.ts';
import { ContractRegistry } from '../shared/registry.ts';
import { requiredText } from '../shared/text-checks.ts';
import { PartitionedSender } from '../shared/partitioned-sender.ts';
import { type Client, Database } from '../shared/database.ts';
import { StateReader, type StateRecord } from '../shared/state-reader.ts';
import { topics } from '../shared/topology.ts';
import { applyInbox, applyOutbox, DEFAULT_PAGE, type InboxFilter, type InboxItem, InboxStore, INSTANCE_SEEN_MS, seeInstance, type YearStatistics } from './inbox-store.ts';
import type { ContactPointMetrics } from './metrics.ts';
import { STATE_GROUPS } from '../shared/vocabulary.ts';

type Notice = EuLiaison.Notice;

export interface WebhookOptions {
  url: string;
  attempts: number;
  backoffMs: number;
}

export interface ContactPointOptions {
  connection: Connection;
  countries: string[];
  logger: Logger;
  metrics: ContactPointMetrics;
  now?: () => number;
  /** Forward each received copy to the national case-management system; RECEIVED only once it took it. */
  webhook?: WebhookOptions;
  purgeIntervalMs?: number;
  /** Who a forward may name; config/parties.yaml by default. */
  parties?: Party[];
}

export interface ReplyRequest {
  summary: string;
  evaluation?: EuLiaison.Evaluation;
}

export interface RefusalRequest {
  ground: EuLiaison.RefusalGround;
  explanation: string;
}

export interface ForwardRequest {
  to: string[];
  caseRef?: string;
}

/** Copies still to acknowledge, read a page at a time and sent a few batches at a time. */
const ACKNOWLEDGE_PAGE = 500;
const ACKNOWLEDGE_PARALLEL = 8;
/** Receipts claimed, sent and recorded together (one statement, one produce request, one transaction). */
const ACKNOWLEDGE_BATCH = 200;

class Desk {
  readonly store: InboxStore;
  producer?: PartitionedSender;
  reader?: StateReader<string[]>;
  ready = false;
  private readonly receiving = new Set<string>();
  /** Copies whose receipt failed, and when (entries leave once the receipt is seen or sent). */
  private readonly failed = new Map<string, number>();
  private readonly queue = new Set<string>();
  private inFlight = 0;

  constructor(
    readonly country: string,
    private readonly cp: ContactPoint,
    private readonly db: Database,
  ) {
    this.store = new InboxStore(db, country);
  }

  async start(): Promise<void> {
    const { connection, logger } = this.cp.options;
    const kafka = createKafka({ connection, credentials: partyCredentials(connection, this.country), clientId: `liaison-contact-point-${this.country}`, logger });
    this.producer = new PartitionedSender(kafka, IDEMPOTENT);
    await this.producer.connect();
    const inbox = topics.inbox(this.country);
    this.reader = new StateReader(kafka, {
      name: `desk.${this.country}`,
      topics: [inbox, topics.outbox(this.country)],
      // Shared by the instances serving this country: Kafka splits the partitions between them.
      groupId: STATE_GROUPS.contactPointDesk(this.country),
      db: this.db,
      logger,
      apply: (client, records) => this.apply(client, inbox, records),
      metrics: this.cp.options.metrics.registry,
      committed: (fresh) => {
        if (this.ready) this.enqueue(fresh);
      },
    });
    await this.reader.start();
    await this.reader.caughtUp;
    this.ready = true;
    logger.info('contact point caught up', { country: this.country, notices: await this.store.size() });
    void this.acknowledgePending().catch((error: Error) => logger.warn('copies to acknowledge not read; the next sweep reads them', { country: this.country, error: error.message }));
  }

  /** One batch of the inbox or the outbox, decoded and applied in the reader's transaction; returns the notices new to the inbox. */
  private async apply(client: Client, inbox: string, records: StateRecord[]): Promise<string[]> {
    const copies: EuLiaison.NoticeCopy[] = [];
    const permissions: EuLiaison.ForwardingPermission[] = [];
    const receipts: EuLiaison.Receipt[] = [];
    const sent: Notice[] = [];
    for (const r of records) {
      try {
        if (r.topic === inbox) {
          const record = await this.cp.registry.decodeAny(r.value, ['noticeCopy', 'forwardingPermission']);
          if (record.name === 'forwardingPermission') permissions.push(record.value as EuLiaison.ForwardingPermission);
          else copies.push(record.value as EuLiaison.NoticeCopy);
        } else {
          const record = await this.cp.registry.decodeAny(r.value, ['notice', 'receipt', 'forwardingPermission']);
          if (record.name === 'receipt') receipts.push(record.value as EuLiaison.Receipt);
          else if (record.name === 'notice') sent.push(record.value as Notice);
        }
      } catch (error) {
        if (!isDeadLetterError(error)) throw error; // the registry is unreachable: the batch waits
        // Only the gateway writes the inbox; the outbox may hold what the gateway dead-lettered.
        this.cp.options.logger.warn('unreadable record skipped', { country: this.country, topic: r.topic, partition: r.partition, offset: r.offset, error: error.message });
      }
    }
    await applyOutbox(client, this.country, receipts, sent);
    return applyInbox(client, this.country, copies, permissions);
  }

  /** Sent by this process: stored at once (the outbox's copy, read back later, changes nothing). */
  async recordSent(receipts: EuLiaison.Receipt[], sent: Notice[]): Promise<void> {
    await this.db.transaction((client) => applyOutbox(client, this.country, receipts, sent));
  }

  /**
   * Copies still without a RECEIVED receipt (after a restart, a failed webhook, another instance
   * that died): a page at a time, into the queue of receipts to send.
   */
  async acknowledgePending(): Promise<void> {
    if (!this.ready || this.queue.size > 0) return;
    this.enqueue(await this.store.unacknowledgedIds(ACKNOWLEDGE_PAGE));
  }

  /**
   * Receipts to send, a few batches at a time (a burst of copies must not take every connection
   * of the pool). With a webhook each copy goes to the national system first, one by one.
   */
  enqueue(noticeIds: string[]): void {
    for (const id of noticeIds) if (!this.receiving.has(id) && this.mayRetry(id)) this.queue.add(id);
    const size = this.cp.options.webhook ? 1 : ACKNOWLEDGE_BATCH;
    while (this.inFlight < ACKNOWLEDGE_PARALLEL && this.queue.size > 0) {
      const batch = [...this.queue].slice(0, size);
      for (const id of batch) this.queue.delete(id);
      this.inFlight += 1;
      void (size === 1 ? this.receive(batch[0]!) : this.receiveMany(batch)).finally(() => {
        this.inFlight -= 1;
        this.enqueue([]);
      });
    }
  }

  /** RECEIVED for copies without a webhook: claimed, sent and recorded as one batch; the rules of `receive`. */
  private async receiveMany(noticeIds: string[]): Promise<void> {
    const fresh = noticeIds.filter((id) => !this.receiving.has(id) && this.mayRetry(id));
    if (fresh.length === 0) return;
    for (const id of fresh) this.receiving.add(id);
    try {
      const claimed = await this.store.claimMany(fresh, 'RECEIVED', this.cp.instance, this.cp.clock());
      const copies = await this.store.stillUnacknowledged(claimed);
      if (copies.length > 0) await this.cp.sendReceipts(this, copies, 'RECEIVED');
      for (const id of claimed) this.failed.delete(id);
    } catch (error) {
      // The claims stay this instance's: no other instance sends these while this one may have.
      const at = Date.now();
      for (const id of fresh) this.failed.set(id, at);
      this.cp.options.logger.error('copies not acknowledged; retried once the outbox is read back past this attempt', { country: this.country, copies: fresh.length, error: (error as Error).message });
    } finally {
      for (const id of fresh) this.receiving.delete(id);
    }
  }

  /** Whether every copy stored so far has its RECEIVED receipt. */
  async settled(): Promise<boolean> {
    return this.queue.size === 0 && this.inFlight === 0 && (await this.store.unacknowledgedCount()) === 0;
  }

  /**
   * After a failed attempt the receipt may still have been written (a broker lost mid-request, the
   * database gone after the write): it is sent again only once the outbox has been read back past
   * the moment of the failure, so a receipt written after all is seen instead of sent twice.
   */
  private mayRetry(noticeId: string): boolean {
    const failedAt = this.failed.get(noticeId);
    return failedAt === undefined || (this.reader?.storedSince(topics.outbox(this.country), failedAt) ?? false);
  }

  /** RECEIVED, once per notice across instances (a claim in the database); with a webhook, only after the national system took the copy. True when sent. */
  private async receive(noticeId: string): Promise<boolean> {
    if (this.receiving.has(noticeId) || !this.mayRetry(noticeId)) return false;
    this.receiving.add(noticeId);
    const { logger } = this.cp.options;
    try {
      if (!(await this.store.claim(noticeId, 'RECEIVED', this.cp.instance, this.cp.clock()))) return false;
      const item = await this.store.get(noticeId);
      if (!item || item.receipts.has('RECEIVED') || item.purgedAt !== undefined) {
        this.failed.delete(noticeId);
        return false;
      }
      if (this.cp.options.webhook) await this.cp.deliverToWebhook(this.country, item.copy);
      await this.cp.sendReceipt(this, item, 'RECEIVED', null);
      this.failed.delete(noticeId);
      return true;
    } catch (error) {
      // The claim stays this instance's: no other instance sends it while this one may have.
      this.failed.set(noticeId, Date.now());
      logger.error('copy not acknowledged; retried once the outbox is read back past this attempt', { country: this.country, noticeId, error: (error as Error).message });
      return false;
    } finally {
      this.receiving.delete(noticeId);
    }
  }

  async stop(): Promise<void> {
    this.ready = false;
    await this.reader?.stop();
    await this.producer?.disconnect();
  }
}

export class ContactPoint {
  readonly registry: ContractRegistry;
  private readonly contract: Contract = loadContract();
  private readonly desks = new Map<string, Desk>();
  private readonly now: () => number;
  private purgeTimer?: NodeJS.Timeout;
  private seenTimer?: NodeJS.Timeout;
  private readonly parties: ReadonlySet<string>;
  private db?: Database;

  /** The contact point's database once started (its rate limits are counted there). */
  get database(): Database | undefined {
    return this.db;
  }
  /** This process among the instances sharing the database (claims of receipts name it). */
  readonly instance = randomUUID();

  constructor(readonly options: ContactPointOptions) {
    this.registry = new ContractRegistry(options.connection.registryUrl, this.contract);
    this.parties = new Set((options.parties ?? loadParties()).map((p) => p.code));
    this.now = options.now ?? Date.now;
  }

  clock(): number {
    return this.now();
  }

  stores(): InboxStore[] {
    return [...this.desks.values()].map((d) => d.store);
  }

  /** Whether every desk has acknowledged every copy it stored (for tests and benchmarks that wait for quiet). */
  async settled(): Promise<boolean> {
    for (const desk of this.desks.values()) if (!(await desk.settled())) return false;
    return true;
  }

  /** Per country: inbox records a read-committed consumer can read that the database does not have yet. */
  inboxLag(): Map<string, number> {
    return new Map([...this.desks.values()].map((d) => [d.country, (d.reader?.lag() ?? []).filter((l) => l.topic === topics.inbox(d.country)).reduce((a, l) => a + l.lag, 0)]));
  }

  isReady(): boolean {
    return this.desks.size > 0 && [...this.desks.values()].every((d) => d.ready) && this.notReadyBecause().length === 0;
  }

  /** Which desk's state is behind, by how much, or why it cannot be stored. */
  notReadyBecause(): string[] {
    return [...this.desks.values()].flatMap((d) => d.reader?.problems() ?? [`desk.${d.country}: starting`]);
  }

  async start(): Promise<void> {
    const url = this.options.connection.databases?.['contact-point'];
    if (!url) throw new ConfigError('no database for the contact point: set DATABASE_URL, or start the embedded stack with `make up`');
    this.db = await Database.open({ url, service: 'contact-point', logger: this.options.logger, max: Math.min(40, 8 + 2 * this.options.countries.length) });
    const db = this.db;
    await seeInstance(db, this.instance, this.now());
    // Seen while alive; with each look, the copies still to acknowledge (a claim of an instance killed is taken over).
    this.seenTimer = setInterval(() => {
      void seeInstance(db, this.instance, this.now())
        .then(async () => {
          for (const desk of this.desks.values()) await desk.acknowledgePending();
        })
        .catch((e: Error) => this.options.logger.warn('instance not recorded as alive', { error: e.message }));
    }, INSTANCE_SEEN_MS);
    for (const country of this.options.countries) this.desks.set(country, new Desk(country, this, db));
    await Promise.all([...this.desks.values()].map((d) => d.start()));
    await this.purgeExpired();
    this.purgeTimer = setInterval(() => void this.purgeExpired().catch((e: Error) => this.options.logger.error('purge failed', { error: e.message })), this.options.purgeIntervalMs ?? 60_000);
  }

  async stop(): Promise<void> {
    clearInterval(this.purgeTimer);
    clearInterval(this.seenTimer);
    await Promise.all([...this.desks.values()].map((d) => d.stop()));
    await this.db?.query('DELETE FROM instances WHERE id = $1', [this.instance]).catch(() => {});
    await this.db?.close();
  }

  /** A page of the caller's inbox (overdue first, then the newest), with the overdue count. */
  async list(caller: Caller, filter: InboxFilter, limit = DEFAULT_PAGE): Promise<{ country: string; items: InboxItem[]; now: number; overdue: number }> {
    const store = this.desk(caller).store;
    const now = this.now();
    const [items, overdue] = await Promise.all([store.list(filter, now, limit), store.overdueCount(now)]);
    return { country: store.country, items, now, overdue };
  }

  /** LED logging: every consultation is a READ receipt carrying the officer and the justification, audited by the gateway. */
  async read(caller: Caller, noticeId: string, justification: string): Promise<InboxItem> {
    const desk = this.desk(caller);
    const item = await this.item(desk, noticeId);
    await this.sendReceipt(desk, item, 'READ', caller, { justification });
    return item;
  }

  /** A RESPONSE in the same case, carrying the request's handling code and conditions (rule 10). */
  async reply(caller: Caller, noticeId: string, request: ReplyRequest): Promise<string> {
    const blank = requiredText('summary', request.summary);
    if (blank) throw new ApiError(400, 'invalid-request', [blank]);
    const desk = this.desk(caller);
    const item = await this.item(desk, noticeId);
    const response = this.response(desk, item, request.summary, request.evaluation ?? item.copy.notice.evaluation, null);
    await this.send(desk, topics.outbox(desk.country), response.caseRef, 'notice', response);
    await desk.recordSent([], [response]);
    await this.sendReceipt(desk, item, 'ANSWERED', caller, { answerNoticeId: response.noticeId });
    return response.noticeId;
  }

  /** Rule 15: a refusal is a structured answer with a ground from the closed list. */
  async refuse(caller: Caller, noticeId: string, request: RefusalRequest): Promise<string> {
    const blank = requiredText('explanation', request.explanation);
    if (blank) throw new ApiError(400, 'invalid-request', [blank]);
    const desk = this.desk(caller);
    const item = await this.item(desk, noticeId);
    if (item.copy.notice.kind !== 'REQUEST') throw new ApiError(400, 'not-a-request', [`${noticeId}: only a REQUEST can be refused; this is ${item.copy.notice.kind}`]);
    if (item.answer) throw new ApiError(409, 'already-answered', [`${noticeId}: answered by ${item.answer.noticeId}`]);
    const refusal = { ground: request.ground, explanation: request.explanation };
    const response = this.response(desk, item, `Request refused: ${request.ground}`, item.copy.notice.evaluation, refusal);
    await this.send(desk, topics.outbox(desk.country), response.caseRef, 'notice', response);
    await desk.recordSent([], [response]);
    await this.sendReceipt(desk, item, 'REFUSED', caller, { answerNoticeId: response.noticeId });
    return response.noticeId;
  }

  /**
   * Rule 6: a forward is bound by the handling code; H2 needs the provider's recorded
   * permission for every destination. The gateway applies every other rule to the forward
   * (rule 11 for third countries) like to any notice.
   */
  async forward(caller: Caller, noticeId: string, request: ForwardRequest): Promise<string> {
    const desk = this.desk(caller);
    const item = await this.item(desk, noticeId);
    const original = item.copy.notice;
    // Known parties, each once, never the officer's own country nor the provider (which holds it): bounded by the parties.
    const problems = new ProblemList(50);
    partyListProblems('to', request.to, this.parties, desk.country, problems);
    request.to.forEach((to, i) => {
      if (to === item.copy.origin) problems.add(`to[${i}]: "${to}" is the provider of the notice, which holds it already`);
    });
    if (request.caseRef !== undefined && request.caseRef !== null) {
      const blank = requiredText('caseRef', request.caseRef);
      if (blank) problems.add(blank);
    }
    if (problems.size > 0) throw new ApiError(400, 'invalid-request', problems.toArray());
    const permissionFor = (to: string) => item.permissions.find((p) => p.forwardTo.includes(to));
    if (original.handling.code === 'H2') {
      const missing = request.to.filter((to) => !permissionFor(to));
      if (missing.length > 0) {
        this.options.metrics.forwardRefusals.inc({ country: desk.country });
        throw new ApiError(403, 'forwarding-not-permitted', [
          `to: ${missing.join(', ')}: rule 6: handling code H2 needs ${item.copy.origin}'s recorded permission to forward, and there is none for ${missing.length > 1 ? 'these' : 'this'} destination${missing.length > 1 ? 's' : ''}`,
        ]);
      }
    }
    const permission = request.to.map(permissionFor).find(Boolean);
    const forward = this.contract.types.notice.clone({
      ...original,
      noticeId: randomUUID(),
      kind: 'INFORMATION',
      inReplyTo: null,
      caseRef: request.caseRef ?? `${desk.country}-FWD-${original.caseRef}`,
      createdAt: this.now(),
      sender: this.sender(desk.country),
      recipients: request.to,
      legalBasis: null,
      receivedFrom: [...original.receivedFrom, { country: item.copy.origin, noticeId: original.noticeId, onwardTransferAuthorisation: permission?.permissionId ?? null }],
      correction: null,
      refusal: null,
    }) as Notice;
    await this.send(desk, topics.outbox(desk.country), forward.caseRef, 'notice', forward);
    await desk.recordSent([], [forward]);
    await this.sendReceipt(desk, item, 'FORWARDED', caller, { answerNoticeId: forward.noticeId });
    return forward.noticeId;
  }

  /** Rule 12: the recipient acknowledges a correction or withdrawal; the origin sees it. */
  async acknowledge(caller: Caller, noticeId: string): Promise<void> {
    const desk = this.desk(caller);
    const item = await this.item(desk, noticeId);
    if (!item.copy.notice.correction) throw new ApiError(400, 'not-a-correction', [`${noticeId}: not a correction or withdrawal`]);
    await this.sendReceipt(desk, item, 'CORRECTION_ACKNOWLEDGED', caller);
  }

  async statistics(caller: Caller, year: number): Promise<YearStatistics> {
    return this.desk(caller).store.statistics(year, this.now());
  }

  /** Rule 14: expired copies are forgotten, and the purge is a receipt the gateway audits (sent once across instances). */
  async purgeExpired(): Promise<number> {
    let purged = 0;
    for (const desk of this.desks.values()) {
      if (!desk.ready) continue;
      for (;;) {
        const expired = await desk.store.expired(this.now(), 500);
        let claimed = 0;
        for (const item of expired) {
          if (!(await desk.store.claim(item.noticeId, 'PURGED', this.instance, this.now()))) continue;
          claimed += 1;
          await this.sendReceipt(desk, item, 'PURGED', null);
          this.options.metrics.purged.inc({ country: desk.country });
          purged += 1;
        }
        if (expired.length < 500 || claimed === 0) break;
      }
    }
    if (purged) this.options.logger.info('expired copies purged', { purged });
    return purged;
  }

  async sendReceipt(
    desk: Desk,
    item: InboxItem,
    status: EuLiaison.ReceiptStatus,
    caller: Caller | null,
    extra: { justification?: string; answerNoticeId?: string } = {},
  ): Promise<void> {
    const receipt: EuLiaison.Receipt = {
      noticeId: item.noticeId,
      copyId: item.copy.copyId,
      recipient: desk.country,
      status,
      at: this.now(),
      by: caller ? `${caller.role}@${caller.country}` : null,
      answerNoticeId: extra.answerNoticeId ?? null,
      officer: caller?.id ?? null,
      justification: extra.justification ?? null,
    };
    await this.send(desk, topics.outbox(desk.country), item.copy.notice.caseRef, 'receipt', receipt);
    await desk.recordSent([receipt], []);
    this.options.metrics.receiptsSent.inc({ country: desk.country, status });
  }

  /** Receipts of one status for several copies (no officer, no justification): one produce request, stored in one transaction. */
  async sendReceipts(desk: Desk, copies: ReadonlyArray<{ noticeId: string; copyId: string; caseRef: string }>, status: EuLiaison.ReceiptStatus): Promise<void> {
    const topic = topics.outbox(desk.country);
    const at = this.now();
    const receipts: EuLiaison.Receipt[] = copies.map((c) => ({ noticeId: c.noticeId, copyId: c.copyId, recipient: desk.country, status, at, by: null, answerNoticeId: null, officer: null, justification: null }));
    const messages = await Promise.all(receipts.map(async (receipt, i) => ({ key: copies[i]!.caseRef, value: await this.registry.encode(topic, 'receipt', receipt) })));
    await desk.producer!.send(topic, messages);
    await desk.recordSent(receipts, []);
    this.options.metrics.receiptsSent.inc({ country: desk.country, status }, receipts.length);
  }

  async deliverToWebhook(country: string, copy: EuLiaison.NoticeCopy): Promise<void> {
    const { url, attempts, backoffMs } = this.options.webhook!;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': copy.copyId, 'x-liaison-country': country },
          body: JSON.stringify(copy),
          signal: AbortSignal.timeout(10_000),
        });
        if (response.ok) return;
        throw new Error(`HTTP ${response.status}`);
      } catch (error) {
        this.options.metrics.webhookFailures.inc({ country });
        this.options.logger.warn('webhook delivery failed', { country, noticeId: copy.notice.noticeId, attempt, error: (error as Error).message });
        if (attempt >= attempts) throw error;
        await new Promise((r) => setTimeout(r, backoffMs * 2 ** (attempt - 1)));
      }
    }
  }

  private desk(caller: Caller): Desk {
    const desk = this.desks.get(caller.country);
    if (!desk) throw new ApiError(403, 'forbidden', [`this contact point does not serve ${caller.country}`]);
    if (!desk.ready) throw new ApiError(503, 'starting', [`the inbox of ${caller.country} is still being read; retry shortly`]);
    return desk;
  }

  private async item(desk: Desk, noticeId: string): Promise<InboxItem> {
    // Not a notice id (a NUL byte, a path): no notice, and nothing asked of the database.
    const item = isNoticeId(noticeId) ? await desk.store.get(noticeId) : undefined;
    if (!item || item.purgedAt !== undefined) throw new ApiError(404, 'not-found', [`no notice ${noticeId} in the inbox of ${desk.country}`]);
    return item;
  }

  private sender(country: string): EuLiaison.Sender {
    return { country, agency: `${country} national contact point`, contactPoint: 'SPOC', onBehalfOf: null };
  }

  private response(desk: Desk, item: InboxItem, summary: string, evaluation: EuLiaison.Evaluation, refusal: EuLiaison.Refusal | null): Notice {
    const original = item.copy.notice;
    return this.contract.types.notice.clone({
      noticeId: randomUUID(),
      kind: 'RESPONSE',
      inReplyTo: original.noticeId,
      caseRef: original.caseRef,
      createdAt: this.now(),
      sender: this.sender(desk.country),
      recipients: [item.copy.origin],
      legalBasis: item.copy.agreement,
      purpose: original.purpose,
      crimeAreas: original.crimeAreas,
      handling: original.handling, // rule 10: conditions travel with replies in the same case
      classification: original.classification,
      evaluation,
      priority: original.priority,
      specialCategories: { strictlyNecessary: false, justification: null },
      summary,
      refusal,
    }) as Notice;
  }

  private async send<N extends ContractName>(desk: Desk, topic: string, key: string, name: N, value: ContractRecords[N]): Promise<void> {
    const encoded = await this.registry.encode(topic, name, value);
    await desk.producer!.send(topic, [{ key, value: encoded }]);
  }
}
