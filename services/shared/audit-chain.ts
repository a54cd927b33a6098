/**
 * The audit trail as hash chains (rule 13): each writer (gateway instance) keeps one chain;
 * an event's hash covers the previous hash and the canonical form of the event, so removing,
 * reordering or editing any event breaks every later link.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { EuLiaison } from './generated/contract-types.ts';
import type { AuditAction } from './vocabulary.ts';

export type AuditEvent = EuLiaison.AuditEvent;
/** What an event records before the chain gives it its place; its action one of the vocabulary's. */
export type AuditFacts = Omit<AuditEvent, 'eventId' | 'chain' | 'sequence' | 'prevHash' | 'hash' | 'action'> & { action: AuditAction };

export const GENESIS = '0'.repeat(64);

/** JSON with keys sorted at every level: the same event always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    // The default sort orders by UTF-16 code units, as the comparison of two strings does.
    const keys = Object.keys(object).sort();
    let out = '{';
    for (let i = 0; i < keys.length; i += 1) out += `${i > 0 ? ',' : ''}${JSON.stringify(keys[i])}:${canonicalJson(object[keys[i]!])}`;
    return `${out}}`;
  }
  return JSON.stringify(value);
}

export function hashOf(event: Omit<AuditEvent, 'hash'>): string {
  return createHash('sha256').update(event.prevHash).update(canonicalJson(event)).digest('hex');
}

export interface ChainHead {
  sequence: number;
  hash: string;
}

export class AuditChain {
  private head: ChainHead;

  constructor(readonly chain: string, head: ChainHead = { sequence: -1, hash: GENESIS }) {
    this.head = head;
  }

  append(facts: AuditFacts): AuditEvent {
    const unhashed = { ...facts, eventId: randomUUID(), chain: this.chain, sequence: this.head.sequence + 1, prevHash: this.head.hash };
    const event = { ...unhashed, hash: hashOf(unhashed) };
    this.head = { sequence: event.sequence, hash: event.hash };
    return event;
  }

  /** For a transaction: take the head before, restore it when the transaction aborts. */
  snapshot(): ChainHead {
    return { ...this.head };
  }

  restore(head: ChainHead): void {
    this.head = { ...head };
  }
}

export interface BrokenLink {
  chain: string;
  sequence: number;
  offset: string;
  problem: string;
}

export interface VerifyResult {
  events: number;
  chains: Map<string, ChainHead>;
  broken: BrokenLink | null;
}

/** Verifies events one by one in log order, as they are read; keeps the first broken link. */
export class ChainVerifier {
  readonly chains = new Map<string, ChainHead>();
  events = 0;
  broken: BrokenLink | null = null;

  /** Continues from a verified prefix (a checkpoint): the heads of its chains, its count, its broken link. */
  static resume(prefix: VerifyResult): ChainVerifier {
    const verifier = new ChainVerifier();
    for (const [chain, head] of prefix.chains) verifier.chains.set(chain, { ...head });
    verifier.events = prefix.events;
    verifier.broken = prefix.broken;
    return verifier;
  }

  /**
   * Returns the broken link this event reveals (or revealed earlier), else null. `computedHash`:
   * the hash this process computed when it appended these very bytes (no need to hash them again).
   */
  add(event: AuditEvent, offset: string, computedHash?: string): BrokenLink | null {
    if (this.broken) return this.broken;
    this.events++;
    const head = this.chains.get(event.chain) ?? { sequence: -1, hash: GENESIS };
    const at = { chain: event.chain, sequence: event.sequence, offset };
    if (event.sequence !== head.sequence + 1) {
      this.broken = { ...at, problem: `sequence ${event.sequence} follows ${head.sequence}: an event is missing or out of order` };
    } else if (event.prevHash !== head.hash) {
      this.broken = { ...at, problem: 'prevHash does not match the previous event' };
    } else {
      const { hash, ...unhashed } = event;
      if ((computedHash ?? hashOf(unhashed)) !== hash) this.broken = { ...at, problem: 'hash does not match the event: it was altered' };
      else this.chains.set(event.chain, { sequence: event.sequence, hash });
    }
    return this.broken;
  }

  result(): VerifyResult {
    return { events: this.events, chains: this.chains, broken: this.broken };
  }
}

/** Checks events in log order; stops at the first broken link and names it. */
export function verifyChains(events: Iterable<{ event: AuditEvent; offset: string }>): VerifyResult {
  const verifier = new ChainVerifier();
  for (const { event, offset } of events) if (verifier.add(event, offset)) break;
  return verifier.result();
}
