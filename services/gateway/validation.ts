/**
 * Semantic checks of a decoded notice at the gateway's boundary. Avro already proved the
 * shape; these prove the meaning. Each problem names the field, never its personal value.
 */
import type { EuLiaison } from '../shared/contract-types.ts';
import { isMember } from './policy-engine.ts';
import type { Policy } from './policy.ts';

type Notice = EuLiaison.Notice;

export const LIMITS = {
  recipients: 40,
  summaryChars: 20_000,
  listItems: 500,
  /** Clock skew tolerated for createdAt in the future. */
  futureSkewMs: 5 * 60_000,
} as const;

export type RejectionCode = 'ORIGIN_MISMATCH' | 'INVALID_NOTICE';

export interface Rejection {
  code: RejectionCode;
  problems: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}(?:-\d{2}-\d{2})?$/;

export function validateNotice(notice: Notice, origin: string, policy: Policy, now: number): Rejection | null {
  // The outbox proves the origin; a notice claiming another is refused outright.
  if (notice.sender.country !== origin) {
    return { code: 'ORIGIN_MISMATCH', problems: [`sender.country: "${notice.sender.country}" is not the origin ${origin} proven by the outbox topic`] };
  }
  const problems: string[] = [];
  const party = (path: string, code: string) => {
    if (!policy.parties.has(code)) problems.push(`${path}: "${code}" is not a known party`);
  };

  if (!UUID.test(notice.noticeId)) problems.push('noticeId: not a UUID');
  if (notice.caseRef.trim() === '') problems.push('caseRef: empty');
  if (notice.createdAt > now + LIMITS.futureSkewMs) problems.push('createdAt: in the future');
  if (notice.createdAt < Date.UTC(2000, 0, 1)) problems.push('createdAt: before 2000');
  if (notice.expiresAt !== null && notice.expiresAt <= notice.createdAt) problems.push('expiresAt: not after createdAt');
  if (notice.reviewBy !== null && notice.reviewBy <= notice.createdAt) problems.push('reviewBy: not after createdAt');

  if (notice.recipients.length === 0 && notice.correction === null) problems.push('recipients: empty');
  if (notice.recipients.length > LIMITS.recipients) problems.push(`recipients: more than ${LIMITS.recipients}`);
  const seen = new Set<string>();
  notice.recipients.forEach((r, i) => {
    party(`recipients[${i}]`, r);
    if (r === origin) problems.push(`recipients[${i}]: the origin itself`);
    if (seen.has(r)) problems.push(`recipients[${i}]: "${r}" listed twice`);
    seen.add(r);
  });
  if (notice.crimeAreas.length === 0) problems.push('crimeAreas: empty');
  if (notice.legalBasis !== null && !policy.agreements.some((a) => a.id === notice.legalBasis)) {
    problems.push(`legalBasis: "${notice.legalBasis}" is not an agreement`);
  }
  if (notice.sender.onBehalfOf !== null) {
    const onBehalf = notice.sender.onBehalfOf;
    party('sender.onBehalfOf', onBehalf);
    const allowed = policy.agreements.some((a) => a.onBehalfOf && isMember(policy, a, origin) && isMember(policy, a, onBehalf));
    if (policy.parties.has(onBehalf) && !allowed) problems.push(`sender.onBehalfOf: no agreement lets ${origin} act for ${onBehalf}`);
  }
  if (notice.handling.code === 'H3' && !notice.handling.h3Text?.trim()) problems.push('handling.h3Text: required with H3');
  if (notice.kind === 'RESPONSE' && notice.inReplyTo === null) problems.push('inReplyTo: required for a RESPONSE');
  if (notice.inReplyTo !== null && !UUID.test(notice.inReplyTo)) problems.push('inReplyTo: not a UUID');
  if (notice.specialCategories.strictlyNecessary && !notice.specialCategories.justification?.trim()) {
    problems.push('specialCategories.justification: required when special categories are declared strictly necessary');
  }
  if (notice.summary.length > LIMITS.summaryChars) problems.push(`summary: longer than ${LIMITS.summaryChars} characters`);
  for (const list of ['subjects', 'vehicles', 'vessels', 'containers', 'parcels', 'organisations', 'financial', 'seizures', 'attachments'] as const) {
    if (notice[list].length > LIMITS.listItems) problems.push(`${list}: more than ${LIMITS.listItems} items`);
  }
  const subjectIds = new Set<string>();
  notice.subjects.forEach((s, i) => {
    if (subjectIds.has(s.subjectId)) problems.push(`subjects[${i}].subjectId: used twice`);
    subjectIds.add(s.subjectId);
    if (s.dateOfBirth !== null && !DATE.test(s.dateOfBirth)) problems.push(`subjects[${i}].dateOfBirth: not YYYY-MM-DD`);
  });
  const linked = (path: string, id: string | null) => {
    if (id !== null && !subjectIds.has(id)) problems.push(`${path}: no subject "${id}"`);
  };
  notice.vehicles.forEach((v, i) => linked(`vehicles[${i}].linkedSubjectId`, v.linkedSubjectId));
  notice.financial.forEach((f, i) => linked(`financial[${i}].linkedSubjectId`, f.linkedSubjectId));
  notice.attachments.forEach((a, i) => {
    if (!/^[0-9a-f]{64}$/.test(a.sha256)) problems.push(`attachments[${i}].sha256: not a hex SHA-256`);
  });
  notice.receivedFrom.forEach((p, i) => party(`receivedFrom[${i}].country`, p.country));
  if (notice.correction !== null && !UUID.test(notice.correction.of)) problems.push('correction.of: not a UUID');

  return problems.length > 0 ? { code: 'INVALID_NOTICE', problems } : null;
}
