/**
 * The policy: what a valid notice is, the agreements and who is a member, the rule vocabulary,
 * the engine that decides what each destination receives, and the size limits of a record.
 * Pure: no Kafka, no HTTP. The gateway, the national adapter, the CLI and infra use it through
 * this module only; its files are its own.
 */
export { loadPolicy, indexedAgreements, CLASSIFICATIONS, DEFAULT_AGREEMENTS_FILE, type Agreement, type Classification, type CrimeArea, type Policy, type SubjectRole } from './policy.ts';
export {
  actionsForRecipient,
  blockingRule,
  chooseAgreement,
  decide,
  isMember,
  type Blocked,
  type Decision,
  type Delivered,
  type Held,
  type DecisionInput,
  type DeliveryStatus,
  type PseudonymKey,
} from './engine.ts';
export { type Copy, FilterMemo, pseudonym } from './filter.ts';
export { RULES, type RuleName } from './rules.ts';
export { type Mode, type Treatment, treatmentKey } from './treatment.ts';
export { deliveriesOf, noticeCopyOf, type DestinationDelivery } from './delivery.ts';
export { isNoticeId, validateNotice, type Rejection, type RejectionCode } from './validation.ts';
export { loadLimits, MAX_RECORD_BYTES, NUMBER_RANGES, rangeOf, RecordBounds, type Limits } from './notice-bounds.ts';
export { foreignReferences, type NoticeHistory, type PermissionRecord, referencedBy } from './notice-references.ts';
export { findIdentifiers, isValidIban, maskIdentifiers, type IdentifierKind } from './free-text.ts';
export { loadPseudonymKeys } from './pseudonym-keys.ts';
export { INDEX_HASH, INDEX_KEY_BYTES, INDEXED_TYPES, indexHash, type IndexedType, newIndexKey, type Normalised, normaliseIdentifier } from './hit-index.ts';
