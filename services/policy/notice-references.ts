/**
 * What a notice may point at: ownership of the notices it names, checked the same way by the
 * national adapter (before anything is recorded) and by the gateway (for a record produced
 * straight to an outbox). A country may correct only its own notices, reply only to a notice
 * it sent or received, and claim provenance only along notices each holder received, citing
 * only forwarding permissions that were given.
 */
import type { EuLiaison } from '../shared/generated/contract-types.ts';

/** A forwarding permission as recorded (rule 6): the provider let `grantedTo` forward its notice. */
export interface PermissionRecord {
  provider: string;
  grantedTo: string;
  noticeId: string;
}

/** What the caller knows of the exchange so far: rebuilt from Kafka by each service. */
export interface NoticeHistory {
  /** The origin of a notice the gateway or the outboxes have seen. */
  originOf(noticeId: string): string | undefined;
  /** Whether the country received a copy (delivered, filtered or released). */
  received(noticeId: string, country: string): boolean;
  permission(permissionId: string): PermissionRecord | undefined;
}

/** The notices and permissions a notice names: what `foreignReferences` asks the history about. */
export function referencedBy(notice: EuLiaison.Notice): { notices: string[]; permissions: string[] } {
  const notices = [notice.correction?.of, notice.inReplyTo, ...notice.receivedFrom.map((p) => p.noticeId)].filter((id): id is string => typeof id === 'string');
  const permissions = notice.receivedFrom.map((p) => p.onwardTransferAuthorisation).filter((id): id is string => typeof id === 'string');
  return { notices: [...new Set(notices)], permissions: [...new Set(permissions)] };
}

/** Every reference of the notice that is not `country`'s to make, each naming its field; empty when all are. */
export function foreignReferences(notice: EuLiaison.Notice, country: string, history: NoticeHistory): string[] {
  const problems: string[] = [];
  if (notice.correction !== null && history.originOf(notice.correction.of) !== country) {
    problems.push(`correction.of: no notice ${notice.correction.of} of ${country}`);
  }
  const reply = notice.inReplyTo;
  if (reply !== null && history.originOf(reply) !== country && !history.received(reply, country)) {
    problems.push(`inReplyTo: ${country} sent or received no notice ${reply}`);
  }
  // receivedFrom is a chain: the last entry came to the sender, each earlier one to the next entry's country.
  const chain = notice.receivedFrom;
  chain.forEach((p, i) => {
    const holder = i === chain.length - 1 ? country : chain[i + 1]!.country;
    if (p.noticeId === null) {
      problems.push(`receivedFrom[${i}].noticeId: required, the notice ${holder} received from ${p.country}`);
      return;
    }
    if (history.originOf(p.noticeId) !== p.country || !history.received(p.noticeId, holder)) {
      problems.push(`receivedFrom[${i}]: ${holder} received no notice ${p.noticeId} from ${p.country}`);
      return;
    }
    const authorisation = p.onwardTransferAuthorisation;
    if (authorisation === null) return;
    const permission = history.permission(authorisation);
    if (!permission || permission.provider !== p.country || permission.grantedTo !== holder || permission.noticeId !== p.noticeId) {
      problems.push(`receivedFrom[${i}].onwardTransferAuthorisation: ${p.country} recorded no permission ${authorisation} for ${holder} on notice ${p.noticeId}`);
    }
  });
  return problems;
}
