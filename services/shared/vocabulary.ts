/**
 * Liaison's one vocabulary: the names that cross a process or a topic and are read back
 * elsewhere, each defined once here. A string that is not in it does not compile where one of
 * these types is expected: the consumer groups and transactional ids of the gateway, the
 * dead-letter codes (the `errorCode` of a dead letter and the `reason` of
 * liaison_dead_letters_total), and the actions of the audit trail.
 */
import type { EuLiaison } from './generated/contract-types.ts';

/**
 * The gateway's consumer groups and transactional ids. The gateway principal's ACLs grant
 * groups by the prefix `liaison.gateway` and transactional ids by `liaison.gateway.`
 * (topology.ts): every name here starts with them.
 */
export const GATEWAY_NAMES = {
  /** The outboxes' consumer group, shared by every instance. */
  group: 'liaison.gateway',
  /** The delivery ledger's state reader, shared by every instance. */
  ledgerGroup: 'liaison.gateway.ledger',
  /** The prefix of one instance's transactional id: `liaison.gateway.<instance>`. */
  transactionalIdPrefix: 'liaison.gateway.',
  /** Per-process readers that follow a topic from the start (a fresh group each start). */
  readers: {
    audit: 'liaison.gateway.audit.',
    reviews: 'liaison.gateway.reviews.',
    attempts: 'liaison.gateway.attempts.',
    checkpoints: 'liaison.gateway.checkpoints.',
  },
} as const;

/** A transactional id: a gateway instance's, or a national system's under its party's prefix (`liaison.<CC>.`). */
export type TransactionalId = `${typeof GATEWAY_NAMES.transactionalIdPrefix}${string}` | `${PartyPrefix}${string}`;

/** Consumer groups and transactional ids of a party start with this prefix, which its principal's ACLs grant. */
export type PartyPrefix = `liaison.${string}.`;

export const gatewayTransactionalId = (instanceId: string): TransactionalId => `${GATEWAY_NAMES.transactionalIdPrefix}${instanceId}`;

/** The consumer groups that build a service's state in its database (a state reader each). */
export const STATE_GROUPS = {
  gatewayLedger: GATEWAY_NAMES.ledgerGroup,
  adapterStatus: 'liaison.adapter.status',
  /** A contact point's desk: under its party's prefix, which its principal's ACLs grant. */
  contactPointDesk: (country: string) => `liaison.${country}.contact-point.state` as const,
} as const;

export type StateGroup = typeof STATE_GROUPS.gatewayLedger | typeof STATE_GROUPS.adapterStatus | ReturnType<typeof STATE_GROUPS.contactPointDesk>;

/** The prefixes of the throw-away groups of readers that read a topic from the start (a fresh group each run). */
export const READER_GROUP_PREFIXES = {
  ...GATEWAY_NAMES.readers,
  /** `liaison audit verify`. */
  auditVerify: 'liaison.audit-reader.',
  /** `liaison policy diff`. */
  policyDiff: 'liaison-cli-policy-diff-',
} as const;

export type ReaderGroupPrefix = (typeof READER_GROUP_PREFIXES)[keyof typeof READER_GROUP_PREFIXES];

/**
 * Why a record went to liaison.dlq, with what it means. The record kinds each have their own
 * `INVALID_…` code, so a dead letter says which kind of record failed its checks.
 */
export const DEAD_LETTER_CODES = {
  DECODE_FAILED: 'not Avro of a schema the topic accepts',
  TOO_LARGE: 'the record, or what it would produce, is above what one produce request may carry',
  POISON_RECORD: 'the gateway started on the record too often without finishing (it crashed or was killed)',
  PROCESSING_FAILED: 'processing the record threw: a fault of the gateway, the exchange goes on',
  UNKNOWN_TOPIC: 'the topic is not the outbox of a known party',
  INVALID_NOTICE: 'a notice that fails the contract or its bounds',
  ORIGIN_MISMATCH: 'a party named in the record is not the party whose outbox it came through',
  DUPLICATE_ID: 'the notice id is already a notice of another party',
  UNKNOWN_CASE: 'the record refers to a notice its sender did not send or receive',
  INVALID_RECEIPT: 'a receipt that fails its bounds',
  INVALID_PERMISSION: 'a forwarding permission that fails its bounds or names parties it may not',
  INVALID_HELD_DECISION: "a held decision that fails its bounds or is not taken by an officer of the origin",
  UNKNOWN_HELD_COPY: 'no copy of the notice for that destination waits for a decision',
  INVALID_LOOKUP: 'an index lookup that fails its bounds, or names an agreement or holder it may not',
  INVALID_POLICY_REVIEW: 'a policy review that fails its bounds',
} as const;

export type DeadLetterCode = keyof typeof DEAD_LETTER_CODES;

export const isDeadLetterCode = (code: string): code is DeadLetterCode => Object.hasOwn(DEAD_LETTER_CODES, code);

type ReceiptAction = `RECEIPT_${Exclude<EuLiaison.ReceiptStatus, 'READ'>}`;

/** The actions of the audit trail (`AuditEvent.action`), with what each records. */
export const AUDIT_ACTIONS = {
  DELIVERY_DECISION: 'a destination of a notice decided: delivered, filtered, held or blocked',
  CORRECTION_CORRECT: 'a destination of a correction decided (rule 12)',
  CORRECTION_WITHDRAW: 'a destination of a withdrawal decided (rule 12)',
  DUPLICATE_IGNORED: 'a notice id seen before from the same origin: nothing sent again',
  HELD_RELEASED: "the origin's DPO released a held copy (rule 5)",
  HELD_REJECTED: "the origin's DPO rejected a held copy (rule 5)",
  CONSULTATION: 'an officer of the recipient read a copy (LED Art. 25)',
  RECEIPT_RECEIVED: 'the recipient received a copy',
  RECEIPT_ANSWERED: 'the recipient answered a copy',
  RECEIPT_REFUSED: 'the recipient refused a copy',
  RECEIPT_FORWARDED: 'the recipient forwarded a copy',
  RECEIPT_PURGED: 'the recipient purged an expired copy (rule 14)',
  RECEIPT_CORRECTION_ACKNOWLEDGED: 'the recipient acknowledged a correction (rule 12)',
  FORWARDING_PERMITTED: "the provider's permission to forward, delivered (rule 6; rule 11 reads it back)",
  INDEX_LOOKUP: 'a lookup in a hit/no-hit index: who asked, why, which hashes',
  INDEX_HIT: 'a holder found by a lookup: which of its references',
  POLICY_REVIEWED: "a DPO's review of a policy change",
  DEAD_LETTER: 'a record sent to liaison.dlq, with its reason',
} as const satisfies Record<string, string> & Record<ReceiptAction, string>;

export type AuditAction = keyof typeof AUDIT_ACTIONS;

/** The action that audits a receipt of this status. */
export const receiptAction = (status: EuLiaison.ReceiptStatus): AuditAction => (status === 'READ' ? 'CONSULTATION' : `RECEIPT_${status}`);
