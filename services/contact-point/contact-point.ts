/**
 * The contact point of one or more countries: each country's desk reads its inbox and its own
 * outbox with that country's principal (read committed) to rebuild its state, acknowledges
 * every copy with a RECEIVED receipt exactly once (a receipt read back from the outbox is never
 * sent again, so a restart loses and duplicates nothing), and sends what officers do
 * (consultations, replies, refusals, forwards, correction acknowledgements) through the outbox.
 */
import { randomUUID } from 'node:crypto';
import type { Caller } from '../shared/api-keys.ts';
import { type Connection, partyCredentials } from '../shared/connection.ts';
import type { EuLiaison } from '../shared/generated/contract-types.ts';
import { type Contract, type ContractName, type ContractRecords, loadContract } from '../shared/contract.ts';
import { ApiError, isDeadLetterError } from '../shared/errors.ts';
import { createKafka, IDEMPOTENT } from '../shared/kafka.ts';
import type { Logger } from '../shared/logger.ts';
import { loadParties, type Party, partyListProblems } from '../shared/parties.ts';
import { ProblemList } from '../shared/problem-list.ts';
import { ContractRegistry } from '../shared/registry.ts';
import { requiredText } from '../shared/text-checks.ts';
import { PartitionedSender } from '../shared/partitioned-sender.ts';
import { readFromStart, type TopicReader } from '../shared/topic-reader.ts';
import { groupPrefixOf, topics } from '../shared/topology.ts';
import { type InboxFilter, type InboxItem, InboxStore, type YearStatistics } from './inbox-store.ts';
import type { ContactPointMetrics } from './metrics.ts';

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

class Desk {
  readonly store: InboxStore;
  producer?: PartitionedSender;
  reader?: TopicReader;
  ready = false;
  /** Inbox records not yet read, per partition, as of the last batch read. */
  readonly lag = new Map<number, number>();
  private readonly receiving = new Set<string>();

  constructor(
    readonly country: string,
    private readonly cp: ContactPoint,
  ) {
    this.store = new InboxStore(country);
  }

  async start(): Promise<void> {
    const { connection, logger } = this.cp.options;
    const kafka = createKafka({ connection, credentials: partyCredentials(connection, this.country), clientId: `liaison-contact-point-${this.country}`, logger });
    this.producer = new PartitionedSender(kafka, IDEMPOTENT);
    await this.producer.connect();
    const inbox = topics.inbox(this.country);
    this.reader = await readFromStart(
      kafka,
      {
        topics: [inbox, topics.outbox(this.country)],
        groupPrefix: `${groupPrefixOf(this.country)}contact-point.`,
        follow: true,
        progress: { logger, what: `${this.country}'s inbox and outbox` },
        onBatch: (topic, partition, lag) => {
          if (topic === inbox) this.lag.set(partition, lag);
        },
      },
      async (message, topic, partition) => {
        try {
          await this.apply(inbox, topic, message.value);
        } catch (error) {
          if (!isDeadLetterError(error)) throw error; // the registry is unreachable: the reader retries
          // Only the gateway writes the inbox; the outbox may hold what the gateway dead-lettered.
          this.cp.options.logger.warn('unreadable record skipped', { country: this.country, topic, partition, offset: message.offset, error: error.message });
        }
      },
    );
    await this.reader.caughtUp;
    this.ready = true;
    const pending = this.store.unacknowledged();
    logger.info('contact point caught up', { country: this.country, notices: this.store.size, toAcknowledge: pending.length });
    for (const item of pending) this.receive(item);
  }

  private async apply(inbox: string, topic: string, value: Buffer | null): Promise<void> {
    if (topic === inbox) {
      const record = await this.cp.registry.decodeAny(value, ['noticeCopy', 'forwardingPermission']);
      if (record.name === 'forwardingPermission') {
        this.store.addPermission(record.value as EuLiaison.ForwardingPermission);
        return;
      }
      const copy = record.value as EuLiaison.NoticeCopy;
      if (this.store.addCopy(copy) && this.ready) this.receive(this.store.get(copy.notice.noticeId)!);
      return;
    }
    const record = await this.cp.registry.decodeAny(value, ['notice', 'receipt', 'forwardingPermission']);
    if (record.name === 'receipt') this.store.addReceipt(record.value as EuLiaison.Receipt);
    else if (record.name === 'notice') this.store.addSent(record.value as Notice);
  }

  /** RECEIVED, once per notice; with a webhook, only after the national system took the copy. */
  private receive(item: InboxItem): void {
    if (this.receiving.has(item.noticeId) || item.receipts.has('RECEIVED')) return;
    this.receiving.add(item.noticeId);
    void (async () => {
      try {
        if (this.cp.options.webhook) await this.cp.deliverToWebhook(this.country, item.copy);
        await this.cp.sendReceipt(this, item, 'RECEIVED', null);
      } catch (error) {
        this.cp.options.logger.error('copy not acknowledged; retried on the next start', { country: this.country, noticeId: item.noticeId, error: (error as Error).message });
      } finally {
        this.receiving.delete(item.noticeId);
      }
    })();
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
  private readonly parties: ReadonlySet<string>;

  constructor(readonly options: ContactPointOptions) {
    this.registry = new ContractRegistry(options.connection.registryUrl, this.contract);
    this.parties = new Set((options.parties ?? loadParties()).map((p) => p.code));
    for (const country of options.countries) this.desks.set(country, new Desk(country, this));
    this.now = options.now ?? Date.now;
  }

  stores(): InboxStore[] {
    return [...this.desks.values()].map((d) => d.store);
  }

  /** Per country: inbox records not yet read (consumer lag). */
  inboxLag(): Map<string, number> {
    return new Map([...this.desks.values()].map((d) => [d.country, [...d.lag.values()].reduce((a, b) => a + b, 0)]));
  }

  isReady(): boolean {
    return [...this.desks.values()].every((d) => d.ready);
  }

  async start(): Promise<void> {
    await Promise.all([...this.desks.values()].map((d) => d.start()));
    await this.purgeExpired();
    this.purgeTimer = setInterval(() => void this.purgeExpired().catch((e: Error) => this.options.logger.error('purge failed', { error: e.message })), this.options.purgeIntervalMs ?? 60_000);
  }

  async stop(): Promise<void> {
    clearInterval(this.purgeTimer);
    await Promise.all([...this.desks.values()].map((d) => d.stop()));
  }

  list(caller: Caller, filter: InboxFilter): { items: InboxItem[]; now: number; store: InboxStore } {
    const store = this.desk(caller).store;
    const now = this.now();
    return { items: store.list(filter, now), now, store };
  }

  /** LED logging: every consultation is a READ receipt carrying the officer and the justification, audited by the gateway. */
  async read(caller: Caller, noticeId: string, justification: string): Promise<InboxItem> {
    const desk = this.desk(caller);
    const item = this.item(desk, noticeId);
    await this.sendReceipt(desk, item, 'READ', caller, { justification });
    return item;
  }

  /** A RESPONSE in the same case, carrying the request's handling code and conditions (rule 10). */
  async reply(caller: Caller, noticeId: string, request: ReplyRequest): Promise<string> {
    const blank = requiredText('summary', request.summary);
    if (blank) throw new ApiError(400, 'invalid-request', [blank]);
    const desk = this.desk(caller);
    const item = this.item(desk, noticeId);
    const response = this.response(desk, item, request.summary, request.evaluation ?? item.copy.notice.evaluation, null);
    await this.send(desk, topics.outbox(desk.country), response.caseRef, 'notice', response);
    desk.store.addSent(response);
    await this.sendReceipt(desk, item, 'ANSWERED', caller, { answerNoticeId: response.noticeId });
    return response.noticeId;
  }

  /** Rule 15: a refusal is a structured answer with a ground from the closed list. */
  async refuse(caller: Caller, noticeId: string, request: RefusalRequest): Promise<string> {
    const blank = requiredText('explanation', request.explanation);
    if (blank) throw new ApiError(400, 'invalid-request', [blank]);
    const desk = this.desk(caller);
    const item = this.item(desk, noticeId);
    if (item.copy.notice.kind !== 'REQUEST') throw new ApiError(400, 'not-a-request', [`${noticeId}: only a REQUEST can be refused; this is ${item.copy.notice.kind}`]);
    if (item.answer) throw new ApiError(409, 'already-answered', [`${noticeId}: answered by ${item.answer.noticeId}`]);
    const refusal = { ground: request.ground, explanation: request.explanation };
    const response = this.response(desk, item, `Request refused: ${request.ground}`, item.copy.notice.evaluation, refusal);
    await this.send(desk, topics.outbox(desk.country), response.caseRef, 'notice', response);
    desk.store.addSent(response);
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
    const item = this.item(desk, noticeId);
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
    desk.store.addSent(forward);
    await this.sendReceipt(desk, item, 'FORWARDED', caller, { answerNoticeId: forward.noticeId });
    return forward.noticeId;
  }

  /** Rule 12: the recipient acknowledges a correction or withdrawal; the origin sees it. */
  async acknowledge(caller: Caller, noticeId: string): Promise<void> {
    const desk = this.desk(caller);
    const item = this.item(desk, noticeId);
    if (!item.copy.notice.correction) throw new ApiError(400, 'not-a-correction', [`${noticeId}: not a correction or withdrawal`]);
    await this.sendReceipt(desk, item, 'CORRECTION_ACKNOWLEDGED', caller);
  }

  statistics(caller: Caller, year: number): YearStatistics {
    return this.desk(caller).store.statistics(year, this.now());
  }

  /** Rule 14: expired copies are forgotten, and the purge is a receipt the gateway audits. */
  async purgeExpired(): Promise<number> {
    let purged = 0;
    for (const desk of this.desks.values()) {
      if (!desk.ready) continue;
      for (const item of desk.store.expired(this.now())) {
        await this.sendReceipt(desk, item, 'PURGED', null);
        this.options.metrics.purged.inc({ country: desk.country });
        purged += 1;
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
    desk.store.addReceipt(receipt);
    this.options.metrics.receiptsSent.inc({ country: desk.country, status });
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

  private item(desk: Desk, noticeId: string): InboxItem {
    const item = desk.store.get(noticeId);
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
