/**
 * A lookup in an agreement's hit/no-hit index, written by the national adapter (the only writer
 * of liaison.lookups; it takes the asker from the token) before it answered: checked, then
 * audited (INDEX_LOOKUP: who asked, why, which hashes; INDEX_HIT per holder found: which of its
 * references). Nothing is delivered. The hashes are keyed pseudonyms whose key only the members
 * hold: the audit trail names no identifier in clear.
 */
import { INDEX_HASH, isMember, type Policy } from '../../policy/index.ts';
import type { AuditFacts } from '../../shared/audit-chain.ts';
import type { EuLiaison } from '../../shared/generated/contract-types.ts';
import type { ProblemList } from '../../shared/problem-list.ts';
import { clip, requiredText } from '../../shared/text-checks.ts';
import { type RecordHandler, rejecter, serviceRecordBounds } from './handler.ts';
import type { Outcomes } from './outcome.ts';

const REASONS = ['INVALID_LOOKUP'] as const;

export function lookupHandler(policy: Policy): RecordHandler<'indexLookup', null> {
  // A lookup carries up to 100 identifiers (the adapter's LookupRequest).
  const bounds = serviceRecordBounds(policy, 'indexLookup', 100);
  const check = (lookup: EuLiaison.IndexLookup): ProblemList => {
    const problems = bounds.check(lookup);
    const { asker } = lookup;
    const agreement = policy.agreements.find((a) => a.id === lookup.agreement);
    if (!agreement || agreement.hitIndex !== true) problems.add(`agreement: "${clip(lookup.agreement, 64)}" has no hit/no-hit index`);
    else if (!isMember(policy, agreement, asker)) problems.add(`asker: ${asker} is not a member of ${agreement.id}`);
    const blank = requiredText('purpose', lookup.purpose, 10);
    if (blank) problems.add(blank);
    if (lookup.identifiers.length === 0) problems.add('identifiers: empty');
    lookup.identifiers.forEach((identifier, i) => {
      if (!INDEX_HASH.test(identifier.hash)) problems.add(`identifiers[${i}].hash: not 64 lower-case hex digits (a keyed pseudonym)`);
      identifier.hits.forEach((hit, j) => {
        if (hit.holder === asker || !agreement || !isMember(policy, agreement, hit.holder)) problems.add(`identifiers[${i}].hits[${j}].holder: "${clip(hit.holder, 12)}" is not another member of ${lookup.agreement}`);
      });
    });
    return problems;
  };
  return {
    schema: 'indexLookup',
    reasons: REASONS,
    named: () => [],
    handle(input) {
      const { value: lookup, out } = input;
      const reject = rejecter(input, REASONS);
      if (!policy.parties.has(lookup.asker)) return reject('INVALID_LOOKUP', `asker: "${clip(lookup.asker, 12)}" is not a known party`);
      const problems = check(lookup);
      if (problems.size > 0) return reject('INVALID_LOOKUP', problems.toArray().join('; '), lookup.asker);
      const hits = lookup.identifiers.filter((i) => i.hits.length > 0).length;
      return { kind: 'lookup', asker: lookup.asker, lookup, hits, outgoing: [], audit: auditOfLookup(out, lookup, hits), ledger: [] };
    },
  };
}

function auditOfLookup(out: Outcomes, lookup: EuLiaison.IndexLookup, hits: number): AuditFacts[] {
  const { asker } = lookup;
  const about = { noticeId: null, caseRef: lookup.caseRef };
  const perHolder = new Map<string, { references: string[]; hashes: string[] }>();
  for (const identifier of lookup.identifiers) {
    for (const hit of identifier.hits) {
      const found = perHolder.get(hit.holder) ?? { references: [], hashes: [] };
      found.references.push(hit.reference);
      found.hashes.push(`${identifier.identifierType}:${identifier.hash}`);
      perHolder.set(hit.holder, found);
    }
  }
  const common = { lookupId: lookup.lookupId, agreement: lookup.agreement, keyEpoch: String(lookup.keyEpoch) };
  return [
    out.audit({
      action: 'INDEX_LOOKUP',
      origin: asker,
      destination: null,
      outcome: hits > 0 ? 'HIT' : 'NO_HIT',
      about,
      details: {
        ...common,
        purpose: lookup.purpose,
        askedBy: lookup.askedBy,
        askedAt: new Date(lookup.askedAt).toISOString(),
        identifiers: String(lookup.identifiers.length),
        hits: String(hits),
        hashes: lookup.identifiers.map((i) => `${i.identifierType}:${i.hash}`).join(','),
      },
      actor: lookup.askedBy,
    }),
    ...[...perHolder].map(([holder, found]) =>
      out.audit({ action: 'INDEX_HIT', origin: asker, destination: holder, outcome: 'HIT', about, details: { ...common, references: found.references.join(','), hashes: found.hashes.join(',') }, actor: lookup.askedBy }),
    ),
  ];
}
