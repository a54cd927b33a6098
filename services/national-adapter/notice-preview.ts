/**
 * The answer of POST /v1/notices/preview: per destination, what the gateway would decide and the
 * records the destination would read, with every pseudonym replaced by a placeholder.
 */
import type { DestinationDelivery } from '../policy/index.ts';
import type { EuLiaison } from '../shared/generated/contract-types.ts';

type NoticeCopy = EuLiaison.NoticeCopy;

/** What a pseudonymised value shows in a preview: the value at delivery depends on the agreement's secret key. */
export const PSEUDONYM_PLACEHOLDER = 'PSN-(made at delivery)';
const PSEUDONYM = /^PSN-[0-9a-f]{20}$/;

export interface DestinationPreview {
  destination: string;
  status: EuLiaison.DeliveryStatus;
  agreement: string | null;
  reasons: string[];
  rules: string[];
  fieldActions: EuLiaison.FieldAction[];
  expiresAt: number | null;
  /** The records the destination's inbox would receive now. */
  copies: NoticeCopy[];
  /** The record that would wait for the origin's data protection officer (rule 5, derogation). */
  held: NoticeCopy | null;
}

export interface NoticePreview {
  noticeId: string;
  origin: string;
  policyVersion: string;
  previewedAt: number;
  /** Nothing was produced: the notice is not submitted, and the answer binds nothing. */
  submitted: false;
  destinations: DestinationPreview[];
}

export function previewOf(notice: EuLiaison.Notice, origin: string, policyVersion: string, now: number, deliveries: DestinationDelivery[]): NoticePreview {
  // A value the sender wrote that looks like a pseudonym is its own, and stays.
  const own = new Set<string>();
  collectPseudonyms(notice, own);
  return {
    noticeId: notice.noticeId,
    origin,
    policyVersion,
    previewedAt: now,
    submitted: false,
    destinations: deliveries.map(({ decision: d, deliver, hold }) => ({
      destination: d.destination,
      status: d.status,
      agreement: d.agreement,
      reasons: d.reasons,
      rules: d.rules,
      fieldActions: d.fieldActions,
      expiresAt: d.expiresAt,
      copies: deliver.map((c) => hidePseudonyms(c, own) as NoticeCopy),
      held: hold ? (hidePseudonyms(hold, own) as NoticeCopy) : null,
    })),
  };
}

function collectPseudonyms(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') {
    if (PSEUDONYM.test(value)) into.add(value);
  } else if (Array.isArray(value)) for (const v of value) collectPseudonyms(v, into);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) collectPseudonyms(v, into);
}

/** A copy with every pseudonym the preview made replaced by the placeholder (a deep copy: copies share filtered content). */
function hidePseudonyms(value: unknown, own: ReadonlySet<string>): unknown {
  if (typeof value === 'string') return PSEUDONYM.test(value) && !own.has(value) ? PSEUDONYM_PLACEHOLDER : value;
  if (Array.isArray(value)) return value.map((v) => hidePseudonyms(v, own));
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, hidePseudonyms(v, own)]));
  return value;
}
