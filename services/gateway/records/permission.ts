/** Rule 6: a provider's recorded permission to forward, delivered to the recipient it names (rule 11 reads it back). */
import { type Policy, RULES } from '../../policy/index.ts';
import { partyListProblems } from '../../shared/parties.ts';
import { topics } from '../../shared/topology.ts';
import { type RecordHandler, rejecter, serviceRecordBounds } from './handler.ts';

const REASONS = ['INVALID_PERMISSION', 'ORIGIN_MISMATCH', 'UNKNOWN_CASE'] as const;

export function permissionHandler(policy: Policy): RecordHandler<'forwardingPermission', string> {
  const bounds = serviceRecordBounds(policy, 'forwardingPermission');
  return {
    schema: 'forwardingPermission',
    reasons: REASONS,
    named: (permission) => [permission.noticeId],
    handle(input) {
      const { value: permission, sender: provider, ledger, out } = input;
      const reject = rejecter(input, REASONS);
      if (permission.provider !== provider) return reject('ORIGIN_MISMATCH', `provider: "${permission.provider}" is not ${provider}, proven by the outbox topic`, provider);
      const report = ledger.get(permission.noticeId);
      if (!report || report.origin !== provider || !ledger.reachedDestinations(permission.noticeId).includes(permission.grantedTo)) {
        return reject('UNKNOWN_CASE', `noticeId: ${permission.grantedTo} received no notice ${permission.noticeId} from ${provider}`, provider);
      }
      const problems = bounds.check(permission);
      if (problems.size === 0) {
        partyListProblems('forwardTo', permission.forwardTo, policy.parties, permission.grantedTo, problems);
        if (permission.forwardTo.includes(provider)) problems.add(`forwardTo: "${provider}" is the provider itself`);
        if (permission.forwardTo.length === 0) problems.add('forwardTo: empty');
      }
      if (problems.size > 0) return reject('INVALID_PERMISSION', problems.toArray().join('; '), provider);
      const audit = out.audit({
        action: 'FORWARDING_PERMITTED',
        origin: provider,
        destination: permission.grantedTo,
        outcome: 'RECORDED',
        about: report,
        details: { permissionId: permission.permissionId, forwardTo: permission.forwardTo.join(','), conditions: permission.conditions ?? '' },
        actor: permission.grantedBy,
        rules: [RULES.handlingCodes, RULES.explain],
      });
      return {
        kind: 'permission',
        provider,
        permission,
        outgoing: [{ topic: topics.inbox(permission.grantedTo), key: report.caseRef, name: 'forwardingPermission', value: permission }],
        audit: [audit],
        ledger: [{ kind: 'permission', permission }],
      };
    },
  };
}
