import { describe, expect, it } from 'vitest';
import { AuditChain, type AuditFacts, canonicalJson, ChainVerifier, GENESIS, verifyChains } from '../../../services/shared/audit-chain.ts';

const facts = (outcome: string): AuditFacts => ({
  at: 1_763_800_000_000, actor: 'gateway-1', action: 'DELIVERY_DECISION', noticeId: 'n-1', caseRef: 'ANR-2026-0042',
  origin: 'BE', destination: 'NL', outcome, rules: ['rule-1-legal-basis'], details: { agreement: 'be-nl-cross-border' }, policyVersion: 'v1',
});

const logOf = (events: ReturnType<AuditChain['append']>[]) => events.map((event, i) => ({ event, offset: String(i) }));

describe('the audit hash chain', () => {
  it('links each event to the one before, from the genesis hash', () => {
    const chain = new AuditChain('gateway-1');
    const [a, b] = [chain.append(facts('DELIVERED')), chain.append(facts('BLOCKED'))];
    expect(a).toMatchObject({ sequence: 0, prevHash: GENESIS });
    expect(b).toMatchObject({ sequence: 1, prevHash: a.hash });
    expect(verifyChains(logOf([a, b])).broken).toBeNull();
  });

  it('verifies interleaved chains of several writers independently', () => {
    const one = new AuditChain('gateway-1');
    const two = new AuditChain('gateway-2');
    const result = verifyChains(logOf([one.append(facts('A')), two.append(facts('B')), one.append(facts('C'))]));
    expect(result.broken).toBeNull();
    expect(result.chains.get('gateway-1')?.sequence).toBe(1);
  });

  it.each([
    ['an altered event', (e: ReturnType<AuditChain['append']>[]) => { e[1] = { ...e[1]!, outcome: 'DELIVERED' }; }, 1, 'altered'],
    ['a missing event', (e: ReturnType<AuditChain['append']>[]) => { e.splice(1, 1); }, 2, 'missing or out of order'],
    ['a forged event with a fresh hash', (e: ReturnType<AuditChain['append']>[]) => {
      const forger = new AuditChain('gateway-1');
      e[2] = forger.append(facts('FORGED'));
    }, 0, 'missing or out of order'],
  ])('names the first broken link after %s', (_what, tamper, sequence, problem) => {
    const chain = new AuditChain('gateway-1');
    const events = [chain.append(facts('A')), chain.append(facts('B')), chain.append(facts('C'))];
    tamper(events);
    const { broken } = verifyChains(logOf(events));
    expect(broken?.sequence).toBe(sequence);
    expect(broken?.problem).toContain(problem);
  });

  it('restores the head of an aborted transaction', () => {
    const chain = new AuditChain('gateway-1');
    chain.append(facts('A'));
    const head = chain.snapshot();
    chain.append(facts('aborted'));
    chain.restore(head);
    expect(chain.append(facts('B')).sequence).toBe(1);
  });

  it('hashes a canonical form, independent of key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}');
  });

  it('takes the hash this process computed for bytes it wrote, and still catches an event that does not match it', () => {
    const chain = new AuditChain('gateway-1');
    const [a, b] = [chain.append(facts('DELIVERED')), chain.append(facts('BLOCKED'))];
    const verifier = new ChainVerifier();
    expect(verifier.add(a, '0', a.hash)).toBeNull();
    expect(verifier.add({ ...b, outcome: 'DELIVERED' }, '1', '0'.repeat(64))?.problem).toBe('hash does not match the event: it was altered');
  });
});
