/**
 * What the gateway delivers of a notice, and what a preview shows of it: one function for both,
 * so a preview can never disagree with a delivery. A decision per destination (in the order of
 * the recipients) with the copies that go to its inbox now and the copy held for the origin's
 * data protection officer (rule 5, derogation), as the records the destination would read.
 */
import type { EuLiaison } from '../shared/generated/contract-types.ts';
import { actionsForRecipient, decide, type Decision, type PseudonymKey } from './engine.ts';
import { type Copy, FilterMemo } from './filter.ts';
import { isThirdCountry } from './treatment.ts';
import type { Policy } from './policy.ts';

type Notice = EuLiaison.Notice;
type NoticeCopy = EuLiaison.NoticeCopy;

export interface DestinationDelivery {
  decision: Decision;
  /** The records for the destination's inbox now. */
  deliver: NoticeCopy[];
  /** The record kept for the origin's DPO, released to the inbox only on approval. */
  hold: NoticeCopy | null;
}

/** Decides every destination of a notice (alike filtering done once) and builds the copies. */
export function deliveriesOf(policy: Policy, keys: PseudonymKey, notice: Notice, origin: string, recipients: readonly string[], now: number): DestinationDelivery[] {
  const memo = new FilterMemo();
  return recipients.map((destination) => {
    const decision = decide(policy, keys, { notice, origin, destination, now }, memo);
    if (decision.status === 'BLOCKED') return { decision, deliver: [], hold: null };
    return {
      decision,
      deliver: decision.deliver.map((copy) => noticeCopyOf(policy, notice, origin, decision, copy, now)),
      hold: decision.hold ? noticeCopyOf(policy, notice, origin, decision, decision.hold, now) : null,
    };
  });
}

/** The record a destination reads: the filtered notice with who sent it, under which agreement, until when, and what was withheld. */
export function noticeCopyOf(policy: Policy, notice: Notice, origin: string, d: Exclude<Decision, { status: 'BLOCKED' }>, copy: Copy, now: number): NoticeCopy {
  return {
    copyId: `${notice.noticeId}:${d.destination}:${copy.part}`,
    origin,
    destination: d.destination,
    agreement: d.agreement,
    policyVersion: policy.version,
    deliveredAt: now,
    expiresAt: d.expiresAt,
    part: copy.part,
    fieldActions: actionsForRecipient(copy.fieldActions, isThirdCountry(policy, d.destination)),
    notice: copy.notice,
  };
}
