/**
 * The compiled filter decides exactly as the generic walk it replaced
 * (test/support/reference-engine.ts, kept unchanged as the oracle): over 20,000 random notice
 * and destination pairs, every decision (status, agreement, reasons, rules, field actions,
 * expiry, every copy) is equal. The notices come from the contract itself (avsc draws a random
 * value of the notice schema, every field and list), with their subjects' roles, the links to
 * them, the crime areas and the classification drawn so that every kind of agreement applies;
 * the randomness is seeded, so a failure is reproducible.
 */
import { describe, expect, it } from 'vitest';
import { decide } from '../../../services/policy/engine.ts';
import { FilterMemo } from '../../../services/policy/filter.ts';
import { loadPolicy } from '../../../services/policy/policy.ts';
import { loadContract } from '../../../services/shared/contract.ts';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { decide as referenceDecide, FilterMemo as ReferenceMemo } from '../../support/reference-engine.ts';

type Notice = EuLiaison.Notice;

const policy = loadPolicy();
const keys = (id: string) => Buffer.from(`compiled-filter-key-${id}`.padEnd(32, '#'));
const now = Date.parse('2026-11-22T10:00:00Z');
const PAIRS = 20_000;

/** A seeded generator (mulberry32): avsc draws its random values with Math.random. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ROLES = ['SUSPECT', 'CONVICTED', 'VICTIM', 'WITNESS', 'CONTACT'] as const;
const CLASSIFICATIONS = ['UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL'] as const;
const crimeAreas = [...new Set(policy.agreements.flatMap((a) => (a.crimeAreas === 'all' ? [] : a.crimeAreas)))];
const parties = [...policy.parties.keys()];

/** A random notice of the schema, made to meet the agreements often enough that every treatment is decided. */
function randomNotice(random: () => number): Notice {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const drawn = loadContract().types.notice.random() as unknown as Notice; // avsc types random() as a Type; it is a value of the schema
  const subjects = drawn.subjects.slice(0, 4).map((s, i) => {
    const [yy, mm, dd] = [String(50 + Math.floor(random() * 50)), `0${1 + Math.floor(random() * 9)}`, `1${Math.floor(random() * 9)}`];
    const dateOfBirth = random() < 0.7 ? `19${yy}-${mm}-${dd}` : s.dateOfBirth;
    // A national register number carries the date of birth: rule 5 drops it, and rule 7 masks it where it reappears.
    const documents = s.documents.map((d) => (random() < 0.3 ? { ...d, number: `${yy}.${mm}.${dd}-033.61` } : d));
    const summary = documents[0] && random() < 0.5 ? ` NRN ${documents[0].number}` : '';
    return { ...s, subjectId: `S${i}`, role: pick(ROLES), dateOfBirth, documents, remarks: `${s.remarks ?? ''}${summary}` };
  });
  const link = <T extends { linkedSubjectId: string | null }>(item: T): T => ({ ...item, linkedSubjectId: random() < 0.6 && subjects.length > 0 ? `S${Math.floor(random() * subjects.length)}` : item.linkedSubjectId });
  return {
    ...drawn,
    subjects,
    vehicles: drawn.vehicles.map(link),
    financial: drawn.financial.map(link),
    crimeAreas: [pick(crimeAreas)],
    classification: pick(CLASSIFICATIONS),
    legalBasis: null,
    receivedFrom: random() < 0.8 ? [] : drawn.receivedFrom,
    expiresAt: null,
    specialCategories: { strictlyNecessary: random() < 0.5, justification: 'strictly necessary for the investigation' },
  };
}

describe('the compiled filter', () => {
  it(`decides as the generic walk did on ${PAIRS.toLocaleString('en')} random notice and destination pairs`, () => {
    const random = seeded(20261207);
    const original = Math.random;
    Math.random = random;
    let pairs = 0;
    const statuses = new Map<string, number>();
    try {
      while (pairs < PAIRS) {
        const notice = randomNotice(random);
        const origin = parties[Math.floor(random() * parties.length)]!;
        const before = structuredClone(notice);
        const memo = new FilterMemo();
        const referenceMemo = new ReferenceMemo();
        for (const destination of parties) {
          if (destination === origin) continue;
          const input = { notice, origin, destination, now };
          const compiled = decide(policy, keys, input, memo);
          expect(compiled, `${origin} → ${destination}`).toEqual(referenceDecide(policy, keys, input, referenceMemo));
          statuses.set(compiled.status, (statuses.get(compiled.status) ?? 0) + 1);
          pairs += 1;
        }
        // Copy on write shares what stays, and never writes into the notice decided on.
        expect(notice).toEqual(before);
      }
    } finally {
      Math.random = original;
    }
    // Every kind of decision was compared, filtered copies most of all.
    for (const status of ['BLOCKED', 'DELIVERED_FILTERED', 'HELD_FOR_REVIEW'] as const) expect(statuses.get(status) ?? 0, status).toBeGreaterThan(100);
  }, 240_000);
});
