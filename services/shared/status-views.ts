/**
 * What the national adapter answers about a notice (GET /v1/notices/{id}, /v1/held): the shapes
 * its status store builds and the CLI and the demo read.
 */
import type { EuLiaison } from './generated/contract-types.ts';

export interface ReceiptView {
  status: EuLiaison.ReceiptStatus;
  at: string;
  by: string | null;
}

export interface DestinationView extends Omit<EuLiaison.DestinationOutcome, 'expiresAt'> {
  expiresAt: string | null;
  receipts: ReceiptView[];
}

export interface CorrectionView {
  noticeId: string;
  action: EuLiaison.CorrectionAction | null;
  reason: string | null;
  /** Per earlier recipient: has it acknowledged the correction (rule 12)? */
  recipients: Array<{ destination: string; status: EuLiaison.DeliveryStatus; acknowledgedAt: string | null }>;
}

export interface StatusView {
  noticeId: string;
  caseRef: string;
  origin: string;
  kind: EuLiaison.NoticeKind | null;
  /** SUBMITTED: in the outbox, not yet decided; PROCESSED: the gateway has reported. */
  state: 'SUBMITTED' | 'PROCESSED';
  processedAt: string | null;
  policyVersion: string | null;
  correctionOf: string | null;
  destinations: DestinationView[];
  corrections: CorrectionView[];
}

export interface HeldView {
  noticeId: string;
  caseRef: string;
  destination: string;
  agreement: string | null;
  reasons: string[];
  fieldActions: EuLiaison.FieldAction[];
  heldSince: string;
}

/** What `POST /v1/lookups` answers per identifier: hit or no hit, and for a hit only who holds it and its reference. */
export interface LookupAnswer {
  lookupId: string;
  agreement: string;
  keyEpoch: number;
  results: Array<{ identifierType: string; hash: string; hit: boolean; holders: Array<{ country: string; reference: string; publishedAt: string }> }>;
  next: string;
}
