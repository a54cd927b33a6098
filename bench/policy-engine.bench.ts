/**
 * The cost of one policy decision (one notice, one destination) by the kind of filtering it
 * needs, side by side in one run: compare the ratios, not the absolute numbers.
 * Run: make bench
 */
import { bench, describe } from 'vitest';
import { decide, FilterMemo, loadPolicy } from '../services/policy/index.ts';
import { decide as referenceDecide, FilterMemo as ReferenceMemo } from '../test/support/reference-engine.ts';
import { notice, suspect, victim, witness } from '../test/fixtures/notices.ts';

const policy = loadPolicy();
const keys = (id: string) => Buffer.from(`bench-key-${id}`.padEnd(32, '#'));
const now = Date.parse('2026-11-22T10:00:00Z');
const cocaine = notice({ subjects: [{ ...suspect, healthInformation: null }, witness, victim] });
const atm = { ...cocaine, crimeAreas: ['ATM_ATTACKS' as const] };

describe('policy decision per destination', () => {
  bench('EU, nothing to filter (BE→NL, BE–NL cross-border)', () => {
    decide(policy, keys, { notice: { ...atm, subjects: [{ ...suspect, healthInformation: null }] }, origin: 'BE', destination: 'NL', now });
  });
  bench('EU, special category removed (BE→NL, victim and witness)', () => {
    decide(policy, keys, { notice: atm, origin: 'BE', destination: 'NL', now });
  });
  bench('EU, pseudonyms and free-text masking (BE→FR, Hazeldonk)', () => {
    decide(policy, keys, { notice: cocaine, origin: 'BE', destination: 'FR', now });
  });
  bench('third country, safeguards (BE→US)', () => {
    decide(policy, keys, { notice: cocaine, origin: 'BE', destination: 'US', now });
  });
  bench('third country, derogation: two copies (BE→CO)', () => {
    decide(policy, keys, { notice: cocaine, origin: 'BE', destination: 'CO', now });
  });
  bench('blocked, no agreement (FR→US)', () => {
    decide(policy, keys, { notice: cocaine, origin: 'FR', destination: 'US', now });
  });
});

// The compiled filter against the generic walk it replaced (test/support/reference-engine.ts),
// on one notice to every destination of the demo's mix, memo shared as the gateway shares it.
describe('one notice to eight destinations: compiled filter vs the generic walk', () => {
  const destinations = ['NL', 'FR', 'LU', 'DE', 'US', 'CO', 'ES', 'IT'];
  bench('compiled filter (the engine)', () => {
    const memo = new FilterMemo();
    for (const destination of destinations) decide(policy, keys, { notice: cocaine, origin: 'BE', destination, now }, memo);
  });
  bench('generic walk (the reference)', () => {
    const memo = new ReferenceMemo();
    for (const destination of destinations) referenceDecide(policy, keys, { notice: cocaine, origin: 'BE', destination, now }, memo);
  });
});
