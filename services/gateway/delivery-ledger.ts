/**
 * The gateway's record of deliveries: of every notice reported on (liaison.reports.<CC>, read
 * committed), who sent it, under which case and where each copy stands; and the copies held for
 * an origin's DPO (liaison.held). Used to send corrections to every earlier recipient (rule 12),
 * to check that a receipt, a reply or a forward names a notice its sender received, and to
 * release a held copy.
 *
 * It lives in the gateway's schema in PostgreSQL, written by a state reader (batch and offsets
 * in one transaction), so a start reads only what was written since the last stop and the heap
 * holds nothing per notice. Instances share the reader's group and the database: each sees the
 * others' work once stored. On the hot path a transaction loads the notices its records name in
 * one query (`LedgerBatch.prepare`); what this process committed and the reader has not stored
 * yet is kept aside (`recent`) until it is.
 */
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { type NoticeHistory, type PermissionRecord } from '../policy/index.ts';
import type { EuLiaison } from '../shared/generated/contract-types.ts';
import { projectionOf } from '../shared/contract.ts';
import type { Client, Database } from '../shared/database.ts';
import { DatabaseUnavailableError, DecodeError, decisionOf } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import type { ContractRegistry } from '../shared/registry.ts';
import { StateReader, type StateRecord } from '../shared/state-reader.ts';
import { topics } from '../shared/topology.ts';
import { GATEWAY_NAMES } from '../shared/vocabulary.ts';

type DeliveryReport = EuLiaison.DeliveryReport;

/** What the ledger reads of a delivery report: who sent the notice, its case, when, and where each copy stands. */
export type ReportFacts = Pick<DeliveryReport, 'noticeId' | 'caseRef' | 'origin' | 'processedAt'> & {
  destinations: Array<Pick<EuLiaison.DestinationOutcome, 'destination' | 'status'>>;
};

/**
 * The reports topics read through this projection: the reasons, rules and field actions of every
 * report are skipped, not built (4 × faster per report).
 */
const REPORT_FACTS = projectionOf<ReportFacts>('deliveryReport', { noticeId: true, caseRef: true, origin: true, processedAt: true, destinations: { destination: true, status: true } });
/** Of a held copy, what keys it: the copy itself is stored as written. */
const HELD_KEY = projectionOf<{ destination: string; notice: { noticeId: string } }>('noticeCopy', { destination: true, notice: { noticeId: true } });

const REACHED: ReadonlySet<EuLiaison.DeliveryStatus> = new Set(['DELIVERED', 'DELIVERED_FILTERED', 'HELD_FOR_REVIEW']);
/** A copy is in the destination's inbox (a held copy is not, until released). */
const RECEIVED: ReadonlySet<EuLiaison.DeliveryStatus> = new Set(['DELIVERED', 'DELIVERED_FILTERED']);
const HELD: EuLiaison.DeliveryStatus = 'HELD_FOR_REVIEW';

const heldKey = (noticeId: string, destination: string): string => `${noticeId}:${destination}`;

/** The reader's name in the gateway's `reader_offsets`, and its group (shared by the gateway's instances). */
export const LEDGER_READER = 'ledger';

/**
 * What the ledger keeps of a notice's reports: who sent it, under which case, and where each
 * copy stands. Not the reasons, rules and field actions, which the reports topics keep.
 */
export interface Delivered {
  noticeId: string;
  caseRef: string;
  origin: string;
  destinations: Array<{ destination: string; status: EuLiaison.DeliveryStatus }>;
}

function merge(earlier: Delivered | undefined, report: ReportFacts): Delivered {
  const outcomes = report.destinations.map(({ destination, status }) => ({ destination, status }));
  if (!earlier) return { noticeId: report.noticeId, caseRef: report.caseRef, origin: report.origin, destinations: outcomes };
  // A later report (a correction, a DPO decision) updates the destinations it names.
  const destinations = new Map(earlier.destinations.map((d) => [d.destination, d]));
  for (const d of outcomes) destinations.set(d.destination, d);
  return { ...earlier, destinations: [...destinations.values()] };
}

/** What the processor reads: the deliveries so far (a batch sees its own earlier records). */
export interface LedgerView extends NoticeHistory {
  /** Loads what the ledger holds of these notices; the reads below answer only for notices prepared. */
  prepare(noticeIds: readonly string[]): Promise<void>;
  get(noticeId: string): Delivered | undefined;
  reachedDestinations(noticeId: string): string[];
  heldCopy(noticeId: string, destination: string): EuLiaison.NoticeCopy | undefined;
}

/** What the processor tells the ledger to record of a record it processed. */
export type LedgerEntry =
  | { kind: 'report'; report: ReportFacts }
  | { kind: 'held'; copy: EuLiaison.NoticeCopy }
  /** A forwarding permission the gateway delivered (rule 6), which a forward may cite (rule 11). */
  | { kind: 'permission'; permission: EuLiaison.ForwardingPermission };

/** What the database holds of some notices: their deliveries, and their copies still held (by noticeId:destination). */
export interface Loaded {
  delivered: Map<string, Delivered>;
  held: Map<string, EuLiaison.NoticeCopy>;
}

/** A copy held for its origin's DPO, waiting: for the held-copy metrics. */
export interface HeldWaiting {
  origin: string;
  destination: string;
  since: number;
}

export class DeliveryLedger {
  /** Forwarding permissions delivered (rule 11), from the audit trail: a few per thousand notices. */
  private readonly permissions = new Map<string, PermissionRecord>();
  /** What this process committed that the reader may not have stored yet, and when (dropped once stored). */
  private readonly recent = new Map<string, { delivered: Delivered; at: number }>();
  /** Held copies this process committed, by notice and destination, until stored. */
  private readonly recentHeld = new Map<string, Map<string, { copy: EuLiaison.NoticeCopy; at: number }>>();
  private readonly committedAt: Array<{ at: number; notices: string[]; held: Array<[string, string]> }> = [];
  /** The copies waiting for a DPO as last read from the database, by noticeId:destination. */
  private waiting = new Map<string, HeldWaiting>();
  private reader?: StateReader<void>;
  private db?: Database;

  /** Reads the ledger's rows of these notices: the database once `follow` opened it. */
  private readonly stored: (noticeIds: readonly string[]) => Promise<Loaded>;

  constructor(
    private readonly registry: ContractRegistry,
    private readonly logger: Logger,
    options: { now?: () => number; stored?: (noticeIds: readonly string[]) => Promise<Loaded> } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.stored = options.stored ?? ((ids) => this.readStored(ids));
  }

  private readonly now: () => number;

  /** Follows the reports and held copies into the database; resolves once it holds what was written before the start. */
  async follow(kafka: Kafka, db: Database, parties: readonly string[], metrics?: Registry): Promise<void> {
    this.db = db;
    this.reader = new StateReader(kafka, {
      name: LEDGER_READER,
      topics: [...parties.map((p) => topics.reports(p)), topics.held],
      groupId: GATEWAY_NAMES.ledgerGroup,
      db,
      logger: this.logger,
      apply: (client, records) => this.apply(client, records),
      metrics,
    });
    await this.reader.start();
    await this.reader.caughtUp;
    await this.refreshWaiting();
    this.logger.info('delivery ledger caught up', { waitingForDpo: this.waiting.size });
  }

  async stop(): Promise<void> {
    await this.reader?.stop();
  }

  /** Why the ledger cannot be relied on: its database failing, or its reader behind. */
  problems(): string[] {
    return this.reader?.problems() ?? [];
  }

  lag(): ReturnType<StateReader['lag']> {
    return this.reader?.lag() ?? [];
  }

  permit(permissionId: string, permission: PermissionRecord): void {
    this.permissions.set(permissionId, permission);
  }

  permission(permissionId: string): PermissionRecord | undefined {
    return this.permissions.get(permissionId);
  }

  /** A batch sees its own earlier records at once; they reach the ledger only if it commits. */
  batch(): LedgerBatch {
    this.prune();
    return new LedgerBatch(this);
  }

  /** After a transaction committed: kept aside until the reader stored it. */
  committed(entries: readonly LedgerEntry[]): void {
    const at = this.now();
    const notices: string[] = [];
    const held: Array<[string, string]> = [];
    for (const entry of entries) {
      if (entry.kind === 'report') {
        const id = entry.report.noticeId;
        this.recent.set(id, { delivered: merge(this.recent.get(id)?.delivered, entry.report), at });
        notices.push(id);
      } else if (entry.kind === 'held') {
        const { noticeId } = entry.copy.notice;
        let copies = this.recentHeld.get(noticeId);
        if (!copies) this.recentHeld.set(noticeId, (copies = new Map()));
        copies.set(entry.copy.destination, { copy: entry.copy, at });
        held.push([noticeId, entry.copy.destination]);
      } else {
        const { permissionId, provider, grantedTo, noticeId } = entry.permission;
        this.permit(permissionId, { provider, grantedTo, noticeId });
      }
    }
    if (notices.length > 0 || held.length > 0) this.committedAt.push({ at, notices, held });
  }

  /** Records this process committed and the reader has not stored yet (zero when idle and caught up). */
  get pending(): number {
    let held = 0;
    for (const copies of this.recentHeld.values()) held += copies.size;
    return this.recent.size + held;
  }

  /** Drops what the reader has stored from what is kept aside (`stored`: whether everything committed before a moment is stored). */
  prune(stored: (t: number) => boolean = (t) => this.reader?.storedEverythingSince(t) ?? false): void {
    while (this.committedAt.length > 0 && stored(this.committedAt[0]!.at)) {
      const { at, notices, held } = this.committedAt.shift()!;
      for (const id of notices) {
        const own = this.recent.get(id);
        if (own?.at !== at) continue;
        this.recent.delete(id);
        // Stored now: the database's list has it from the next read on, this copy of the list until then.
        for (const d of own.delivered.destinations) {
          const key = heldKey(id, d.destination);
          if (d.status === HELD) this.waiting.set(key, { origin: own.delivered.origin, destination: d.destination, since: this.waiting.get(key)?.since ?? at });
          else this.waiting.delete(key);
        }
      }
      for (const [id, destination] of held) {
        const copies = this.recentHeld.get(id);
        if (copies?.get(destination)?.at === at) copies.delete(destination);
        if (copies?.size === 0) this.recentHeld.delete(id);
      }
    }
  }

  /** What this process committed of a notice that the reader may not have stored yet. */
  recentlyDelivered(noticeId: string): Delivered | undefined {
    return this.recent.get(noticeId)?.delivered;
  }

  /** The held copies of a notice this process committed that the reader may not have stored yet, by noticeId:destination. */
  recentlyHeld(noticeId: string): Array<[string, EuLiaison.NoticeCopy]> {
    return [...(this.recentHeld.get(noticeId)?.values() ?? [])].map(({ copy }) => [heldKey(noticeId, copy.destination), copy]);
  }

  /** What the database holds of these notices: each notice's deliveries (in the order first reported) and the copies still held. */
  async load(noticeIds: readonly string[]): Promise<Loaded> {
    if (noticeIds.length === 0) return { delivered: new Map(), held: new Map() };
    try {
      return await this.stored(noticeIds);
    } catch (error) {
      // Whatever the reason (the server gone, a statement timeout), the records wait: none is dead-lettered for it.
      if (decisionOf(error) === 'retry') throw error;
      throw new DatabaseUnavailableError(`the delivery ledger could not be read: ${(error as Error).message}`, { cause: error });
    }
  }

  private async readStored(noticeIds: readonly string[]): Promise<Loaded> {
    const delivered = new Map<string, Delivered>();
    const held = new Map<string, EuLiaison.NoticeCopy>();
    const db = this.database();
    const rows = await db.query<{ notice_id: string; origin: string; case_ref: string; destination: string | null; status: EuLiaison.DeliveryStatus | null }>(
      `SELECT n.notice_id, n.origin, n.case_ref, d.destination, d.status
         FROM ledger_notices n LEFT JOIN ledger_destinations d USING (notice_id)
        WHERE n.notice_id = ANY($1::text[])
        ORDER BY n.notice_id, d.position`,
      [noticeIds],
    );
    let anyHeld = false;
    for (const r of rows.rows) {
      let notice = delivered.get(r.notice_id);
      if (!notice) delivered.set(r.notice_id, (notice = { noticeId: r.notice_id, origin: r.origin, caseRef: r.case_ref, destinations: [] }));
      if (r.destination !== null && r.status !== null) notice.destinations.push({ destination: r.destination, status: r.status });
      if (r.status === HELD) anyHeld = true;
    }
    if (anyHeld) {
      const copies = await db.query<{ notice_id: string; destination: string; copy: Buffer }>('SELECT notice_id, destination, copy FROM held_copies WHERE notice_id = ANY($1::text[])', [noticeIds]);
      for (const r of copies.rows) held.set(heldKey(r.notice_id, r.destination), await this.registry.decode(r.copy, 'noticeCopy'));
    }
    return { delivered, held };
  }

  /**
   * Copies waiting for their origin's DPO: as last read from the database (every progress check
   * of the gateway), with what this process committed since on top.
   */
  heldWaiting(): HeldWaiting[] {
    const waiting = new Map(this.waiting);
    for (const [noticeId, { delivered, at }] of this.recent) {
      for (const d of delivered.destinations) {
        const key = heldKey(noticeId, d.destination);
        if (d.status !== HELD) waiting.delete(key);
        else if (!waiting.has(key)) waiting.set(key, { origin: delivered.origin, destination: d.destination, since: at });
      }
    }
    return [...waiting.values()];
  }

  async refreshWaiting(): Promise<void> {
    const rows = await this.database().query<{ notice_id: string; origin: string; destination: string; since: string }>(
      `SELECT d.notice_id, n.origin, d.destination, d.since FROM ledger_destinations d JOIN ledger_notices n USING (notice_id) WHERE d.status = '${HELD}'`,
    );
    this.waiting = new Map(rows.rows.map((r) => [heldKey(r.notice_id, r.destination), { origin: r.origin, destination: r.destination, since: Number(r.since) }]));
  }

  private database(): Database {
    if (!this.db) throw new Error('the delivery ledger is not open yet');
    return this.db;
  }

  /** One batch of a reports topic or of the held copies, applied in the reader's transaction. */
  private async apply(client: Client, records: StateRecord[]): Promise<void> {
    const reports: ReportFacts[] = [];
    const held: Array<{ noticeId: string; destination: string; copy: Buffer }> = [];
    for (const r of records) {
      try {
        if (r.topic === topics.held) {
          const key = await this.registry.decodeProjected(r.value, HELD_KEY);
          held.push({ noticeId: key.notice.noticeId, destination: key.destination, copy: r.value! });
        } else {
          // Reports topics also carry the recipients' receipts, which the ledger does not need (not even decoded).
          const name = await this.registry.recordName(r.value);
          if (name === 'deliveryReport') reports.push(await this.registry.decodeProjected(r.value, REPORT_FACTS));
          else if (name !== 'receipt') throw new DecodeError(`a ${name ?? 'record of another schema'} is not a delivery report or a receipt`);
        }
      } catch (error) {
        // The registry unreachable: the batch waits (skipping it would lose a delivery from the ledger).
        if (decisionOf(error) === 'retry') throw error;
        this.logger.error('unreadable record in the delivery ledger', { topic: r.topic, partition: r.partition, offset: r.offset, error: (error as Error).message });
      }
    }
    if (reports.length > 0) await storeReports(client, reports);
    if (held.length > 0) await storeHeld(client, held);
  }
}

/** Reports in the order read: a notice's first report names it, every report updates the destinations it names. */
async function storeReports(client: Client, reports: readonly ReportFacts[]): Promise<void> {
  const notices = new Map<string, ReportFacts>();
  const outcomes = new Map<string, { noticeId: string; destination: string; status: string; since: number }>();
  for (const r of reports) {
    if (!notices.has(r.noticeId)) notices.set(r.noticeId, r);
    for (const d of r.destinations) {
      const key = heldKey(r.noticeId, d.destination);
      // A later outcome keeps the place of the first in the order (a Map keeps insertion order).
      const first = outcomes.get(key);
      outcomes.set(key, { noticeId: r.noticeId, destination: d.destination, status: d.status, since: first && first.status === d.status ? first.since : r.processedAt });
    }
  }
  const n = [...notices.values()];
  await client.query(
    `INSERT INTO ledger_notices (notice_id, origin, case_ref) SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT (notice_id) DO NOTHING`,
    [n.map((r) => r.noticeId), n.map((r) => r.origin), n.map((r) => r.caseRef)],
  );
  const o = [...outcomes.values()];
  await client.query(
    `INSERT INTO ledger_destinations (notice_id, destination, status, since)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
     ON CONFLICT (notice_id, destination) DO UPDATE SET status = excluded.status,
       since = CASE WHEN ledger_destinations.status = excluded.status THEN ledger_destinations.since ELSE excluded.since END`,
    [o.map((d) => d.noticeId), o.map((d) => d.destination), o.map((d) => d.status), o.map((d) => d.since)],
  );
  // A held copy decided (released or rejected) is not kept.
  const decided = o.filter((d) => d.status !== HELD);
  if (decided.length > 0) {
    await client.query(
      `DELETE FROM held_copies h USING unnest($1::text[], $2::text[]) AS u(notice_id, destination) WHERE h.notice_id = u.notice_id AND h.destination = u.destination`,
      [decided.map((d) => d.noticeId), decided.map((d) => d.destination)],
    );
  }
}

/** Held copies, kept while their destination's outcome is undecided (a copy read after its decision is not kept). */
async function storeHeld(client: Client, held: ReadonlyArray<{ noticeId: string; destination: string; copy: Buffer }>): Promise<void> {
  const last = new Map(held.map((h) => [heldKey(h.noticeId, h.destination), h]));
  const h = [...last.values()];
  await client.query(
    `INSERT INTO held_copies (notice_id, destination, copy)
       SELECT u.notice_id, u.destination, u.copy FROM unnest($1::text[], $2::text[], $3::bytea[]) AS u(notice_id, destination, copy)
        WHERE NOT EXISTS (SELECT 1 FROM ledger_destinations d WHERE d.notice_id = u.notice_id AND d.destination = u.destination AND d.status <> '${HELD}')
     ON CONFLICT (notice_id, destination) DO UPDATE SET copy = excluded.copy`,
    [h.map((x) => x.noticeId), h.map((x) => x.destination), h.map((x) => x.copy)],
  );
}

/**
 * What the database holds of a notice, with this process's own later reports on top. The own
 * record may hold only the destinations of its reports (an earlier report already stored and
 * dropped from the heap, then a DPO's decision for one destination): the other destinations
 * come from the database, never lost because one was decided here.
 */
function overlay(stored: Delivered | undefined, own: Delivered | undefined): Delivered | undefined {
  if (!stored || !own) return own ?? stored;
  const destinations = new Map(stored.destinations.map((d) => [d.destination, d]));
  for (const d of own.destinations) destinations.set(d.destination, d);
  return { ...stored, destinations: [...destinations.values()] };
}

abstract class LedgerReads implements LedgerView {
  abstract prepare(noticeIds: readonly string[]): Promise<void>;
  abstract get(noticeId: string): Delivered | undefined;
  abstract permission(permissionId: string): PermissionRecord | undefined;
  /** The held copy by noticeId:destination, decided or not. */
  abstract heldByKey(key: string): EuLiaison.NoticeCopy | undefined;

  originOf(noticeId: string): string | undefined {
    return this.get(noticeId)?.origin;
  }

  received(noticeId: string, country: string): boolean {
    return this.get(noticeId)?.destinations.some((d) => d.destination === country && RECEIVED.has(d.status)) ?? false;
  }

  /** Destinations that received (or wait to receive) any copy of the notice. */
  reachedDestinations(noticeId: string): string[] {
    return (this.get(noticeId)?.destinations ?? []).filter((d) => REACHED.has(d.status)).map((d) => d.destination);
  }

  /** The held copy, while the latest report for that destination still says HELD_FOR_REVIEW. */
  heldCopy(noticeId: string, destination: string): EuLiaison.NoticeCopy | undefined {
    const status = this.get(noticeId)?.destinations.find((d) => d.destination === destination)?.status;
    return status === HELD ? this.heldByKey(heldKey(noticeId, destination)) : undefined;
  }
}

/** What a notice not prepared is asked with: a read the processor forgot to prepare is a fault, never "unknown". */
export class UnpreparedReadError extends Error {}

/** One transaction's view: the ledger as loaded for its records, with its own records on top until it commits. */
export class LedgerBatch extends LedgerReads {
  private readonly reports = new Map<string, Delivered>();
  private readonly heldCopies = new Map<string, EuLiaison.NoticeCopy>();
  private readonly permissions = new Map<string, PermissionRecord>();
  private readonly entries: LedgerEntry[] = [];
  /** As loaded from the database (undefined: the ledger has no such notice). */
  private readonly loaded = new Map<string, Delivered | undefined>();
  private readonly loadedHeld = new Map<string, EuLiaison.NoticeCopy>();

  constructor(private readonly ledger: DeliveryLedger) {
    super();
  }

  async prepare(noticeIds: readonly string[]): Promise<void> {
    const missing = [...new Set(noticeIds)].filter((id) => !this.loaded.has(id));
    if (missing.length === 0) return;
    // This process's own commits, taken before the query: what leaves them meanwhile (stored
    // by the reader) is stored before the query reads, and they are never asked for again.
    const own = new Map(missing.map((id) => [id, this.ledger.recentlyDelivered(id)]));
    const ownHeld = missing.flatMap((id) => this.ledger.recentlyHeld(id));
    const { delivered, held } = await this.ledger.load(missing);
    for (const id of missing) this.loaded.set(id, overlay(delivered.get(id), own.get(id)));
    for (const [key, copy] of [...held, ...ownHeld]) this.loadedHeld.set(key, copy);
  }

  apply(entry: LedgerEntry): void {
    this.entries.push(entry);
    switch (entry.kind) {
      case 'report':
        this.reports.set(entry.report.noticeId, merge(this.get(entry.report.noticeId), entry.report));
        return;
      case 'held':
        this.heldCopies.set(heldKey(entry.copy.notice.noticeId, entry.copy.destination), entry.copy);
        return;
      case 'permission': {
        const { permissionId, provider, grantedTo, noticeId } = entry.permission;
        this.permissions.set(permissionId, { provider, grantedTo, noticeId });
        return;
      }
    }
  }

  permission(permissionId: string): PermissionRecord | undefined {
    return this.permissions.get(permissionId) ?? this.ledger.permission(permissionId);
  }

  get(noticeId: string): Delivered | undefined {
    const own = this.reports.get(noticeId);
    if (own) return own;
    if (!this.loaded.has(noticeId)) throw new UnpreparedReadError(`the delivery ledger was asked about notice ${noticeId} without preparing it`);
    return this.loaded.get(noticeId);
  }

  heldByKey(key: string): EuLiaison.NoticeCopy | undefined {
    return this.heldCopies.get(key) ?? this.loadedHeld.get(key);
  }

  /** After the transaction commits. */
  commit(): void {
    this.ledger.committed(this.entries);
  }
}
