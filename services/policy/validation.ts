/**
 * Semantic checks of a decoded notice at the gateway's boundary (and, the same function, at
 * the national adapter's). Avro already proved the shape; these prove the meaning and the
 * bounds, so that no record can make the gateway do unbounded work. Each problem names the
 * field, never its personal value; at most `limits.problems` are listed.
 */
import type { EuLiaison } from '../shared/generated/contract-types.ts';
import { partyListProblems } from '../shared/parties.ts';
import { calendarDateProblem, clip, requiredText } from '../shared/text-checks.ts';
import { isMember } from './engine.ts';
import type { Policy } from './policy.ts';

type Notice = EuLiaison.Notice;

export const LIMITS = {
  /** Clock skew tolerated for createdAt in the future. */
  futureSkewMs: 5 * 60_000,
} as const;

export type RejectionCode = 'ORIGIN_MISMATCH' | 'INVALID_NOTICE';

export interface Rejection {
  code: RejectionCode;
  problems: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
/** What a notice id is (a UUID): anything else names no notice. */
export const isNoticeId = (value: string): boolean => UUID.test(value);

export function validateNotice(notice: Notice, origin: string, policy: Policy, now: number): Rejection | null {
  // The outbox proves the origin; a notice claiming another is refused outright.
  if (notice.sender.country !== origin) {
    return { code: 'ORIGIN_MISMATCH', problems: [`sender.country: "${clip(notice.sender.country, 12)}" is not the origin ${origin} proven by the outbox topic`] };
  }
  // Bounds first: a list or a text over its size is reported once, and nothing in it is examined
  // (bounded work). A value out of its range does not stop the other checks: one refusal lists every problem.
  const problems = policy.bounds.check(notice);
  if (problems.oversized) return { code: 'INVALID_NOTICE', problems: problems.toArray() };
  const add = (problem: string | null) => {
    if (problem !== null) problems.add(problem);
  };
  const party = (path: string, code: string) => {
    if (!policy.parties.has(code)) problems.add(`${path}: "${clip(code, 12)}" is not a known party`);
  };

  if (!UUID.test(notice.noticeId)) problems.add('noticeId: not a UUID');
  add(requiredText('caseRef', notice.caseRef));
  if (notice.createdAt > now + LIMITS.futureSkewMs) problems.add('createdAt: in the future');
  if (notice.createdAt < Date.UTC(2000, 0, 1)) problems.add('createdAt: before 2000');
  if (notice.expiresAt !== null && notice.expiresAt <= notice.createdAt) problems.add('expiresAt: not after createdAt');
  if (notice.reviewBy !== null && notice.reviewBy <= notice.createdAt) problems.add('reviewBy: not after createdAt');

  if (notice.recipients.length === 0 && notice.correction === null) problems.add('recipients: empty');
  partyListProblems('recipients', notice.recipients, policy.parties, origin, problems);
  if (notice.crimeAreas.length === 0) problems.add('crimeAreas: empty');
  const areas = new Set<string>();
  notice.crimeAreas.forEach((area, i) => {
    if (areas.has(area)) problems.add(`crimeAreas[${i}]: ${area} listed twice`);
    areas.add(area);
  });
  if (notice.legalBasis !== null && !policy.agreements.some((a) => a.id === notice.legalBasis)) {
    problems.add(`legalBasis: "${clip(notice.legalBasis)}" is not an agreement`);
  }
  if (notice.sender.onBehalfOf !== null) {
    const onBehalf = notice.sender.onBehalfOf;
    party('sender.onBehalfOf', onBehalf);
    const allowed = policy.agreements.some((a) => a.onBehalfOf && isMember(policy, a, origin) && isMember(policy, a, onBehalf));
    if (policy.parties.has(onBehalf) && !allowed) problems.add(`sender.onBehalfOf: no agreement lets ${origin} act for ${onBehalf}`);
  }
  if (notice.handling.code === 'H3') add(requiredText('handling.h3Text', notice.handling.h3Text));
  notice.handling.processingConditions.forEach((c, i) => add(requiredText(`handling.processingConditions[${i}]`, c)));
  if (notice.kind === 'RESPONSE' && notice.inReplyTo === null) problems.add('inReplyTo: required for a RESPONSE');
  if (notice.inReplyTo !== null && !UUID.test(notice.inReplyTo)) problems.add('inReplyTo: not a UUID');
  if (notice.specialCategories.strictlyNecessary) {
    const missing = requiredText('specialCategories.justification', notice.specialCategories.justification);
    if (missing) problems.add('specialCategories.justification: required when special categories are declared strictly necessary, and must contain visible text');
  }
  const subjectIds = new Set<string>();
  notice.subjects.forEach((s, i) => {
    if (subjectIds.has(s.subjectId)) problems.add(`subjects[${i}].subjectId: used twice`);
    subjectIds.add(s.subjectId);
    if (s.dateOfBirth !== null) add(calendarDateProblem(`subjects[${i}].dateOfBirth`, s.dateOfBirth, { yearOnly: true }));
  });
  const linked = (path: string, id: string | null) => {
    if (id !== null && !subjectIds.has(id)) problems.add(`${path}: no subject "${clip(id)}"`);
  };
  notice.vehicles.forEach((v, i) => linked(`vehicles[${i}].linkedSubjectId`, v.linkedSubjectId));
  notice.financial.forEach((f, i) => linked(`financial[${i}].linkedSubjectId`, f.linkedSubjectId));
  notice.seizures.forEach((s, i) => {
    if (s.date !== null) add(calendarDateProblem(`seizures[${i}].date`, s.date));
    if (s.units !== null && s.units < 0) problems.add(`seizures[${i}].units: negative`);
    if (s.quantityKg !== null && s.quantityKg < 0) problems.add(`seizures[${i}].quantityKg: negative`);
  });
  notice.attachments.forEach((a, i) => {
    if (!/^[0-9a-f]{64}$/.test(a.sha256)) problems.add(`attachments[${i}].sha256: not a hex SHA-256`);
  });
  notice.receivedFrom.forEach((p, i) => {
    party(`receivedFrom[${i}].country`, p.country);
    if (p.noticeId !== null && !UUID.test(p.noticeId)) problems.add(`receivedFrom[${i}].noticeId: not a UUID`);
  });
  if (notice.correction !== null) {
    if (!UUID.test(notice.correction.of)) problems.add('correction.of: not a UUID');
    if (notice.correction.of === notice.noticeId) problems.add('correction.of: the notice itself');
    add(requiredText('correction.reason', notice.correction.reason));
  }
  if (notice.refusal !== null) add(requiredText('refusal.explanation', notice.refusal.explanation));

  return problems.size > 0 ? { code: 'INVALID_NOTICE', problems: problems.toArray() } : null;
}
