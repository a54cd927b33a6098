import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildOpenApi } from '../../../services/national-adapter/openapi.ts';
import { loadLimits, RecordBounds } from '../../../services/policy/notice-bounds.ts';
import { type AvroSchema, loadContract } from '../../../services/shared/contract.ts';
import { ProblemList } from '../../../services/shared/problem-list.ts';
import { notice } from '../../fixtures/notices.ts';

const contract = loadContract();
const limits = loadLimits();
const bounds = new RecordBounds(contract.schemas.notice, limits);

/** Every string and array schema of the adapter's JSON Schema, by JSON pointer, and what bounds it. */
function unbounded(schema: unknown, at = '#'): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const s = schema as Record<string, unknown>;
  const out: string[] = [];
  const types = Array.isArray(s.type) ? s.type : [s.type];
  if (types.includes('string') && s.maxLength === undefined && s.enum === undefined && s.format !== 'uuid') out.push(at);
  if (types.includes('array') && s.maxItems === undefined) out.push(at);
  if (types.includes('integer') && (s.maximum === undefined || s.minimum === undefined)) out.push(at);
  for (const [k, v] of Object.entries(s)) {
    if (k === 'enum') continue;
    if (Array.isArray(v)) v.forEach((x, i) => out.push(...unbounded(x, `${at}/${k}/${i}`)));
    else if (v && typeof v === 'object') out.push(...unbounded(v, `${at}/${k}`));
  }
  return out;
}

describe('bounds on every string, array and number of a notice (config/limits.yaml)', () => {
  it('leaves no string, array or integer of the submission schema without a maximum', () => {
    const { document } = buildOpenApi(contract, 1_000_000, bounds);
    expect(unbounded(document.components.schemas.NoticeSubmission)).toEqual([]);
  });

  it('bounds a field a later schema version adds, with the defaults (and free text by its tag)', () => {
    const extended = structuredClone(contract.schemas.notice) as AvroSchema;
    (extended.fields as AvroSchema[]).push(
      { name: 'newRemark', type: ['null', 'string'], default: null },
      { name: 'newNarrative', type: 'string', dp: 'free-text', default: '' },
      { name: 'newList', type: { type: 'array', items: 'string' }, default: [] },
    );
    const later = new RecordBounds(extended, limits);
    const value = { ...notice(), newRemark: 'x'.repeat(limits.defaults.chars + 1), newNarrative: 'y'.repeat(limits.defaults.textChars + 1), newList: Array(limits.defaults.items + 1).fill('z') };
    expect(later.check(value).toArray()).toEqual([
      `newRemark: ${limits.defaults.chars + 1} characters, at most ${limits.defaults.chars}`,
      `newNarrative: ${limits.defaults.textChars + 1} characters, at most ${limits.defaults.textChars}`,
      `newList: ${limits.defaults.items + 1} items, at most ${limits.defaults.items}`,
    ]);
  });

  it('refuses a limit for a field the contract does not have', () => {
    expect(() => new RecordBounds(contract.schemas.notice, { ...limits, fields: { 'Notice.sumary': { chars: 10 } } })).toThrow('limits: "Notice.sumary" is not a field of Notice');
  });

  it('lists at most the configured number of problems and counts the rest', () => {
    const many = notice({ subjects: Array.from({ length: 80 }, (_, i) => ({ ...notice().subjects[0]!, subjectId: `S${i}`, familyName: 'x'.repeat(500) })) });
    const problems = bounds.check(many).toArray();
    expect(problems).toHaveLength(limits.problems + 1);
    expect(problems.at(-1)).toBe(`… and ${80 - limits.problems} more problems`);
  });

  it('refuses integers Avro cannot carry and timestamps no date can show', () => {
    const problems = bounds.check(notice({ expiresAt: 9e15, seizures: [{ substance: 'c', quantityKg: null, units: 2 ** 60, place: null, date: null }] })).toArray();
    expect(problems).toEqual([`seizures[0].units: ${2 ** 60} is not an integer between ${Number.MIN_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`, 'expiresAt: 9000000000000000 is not a timestamp between 1970 and 9999']);
  });

  it('finds an oversized string or list wherever it is planted, and nothing in a notice within bounds (property, seeded)', () => {
    type Plant = readonly [string, (n: ReturnType<typeof notice>, size: number) => ReturnType<typeof notice>, number];
    const plants: Plant[] = [
      ['summary', (n: ReturnType<typeof notice>, size: number) => ({ ...n, summary: 'a'.repeat(size) }), 20_000],
      ['purpose', (n: ReturnType<typeof notice>, size: number) => ({ ...n, purpose: 'b'.repeat(size) }), 2_000],
      ['subjects[0].remarks', (n: ReturnType<typeof notice>, size: number) => ({ ...n, subjects: [{ ...n.subjects[0]!, remarks: 'c'.repeat(size) }] }), limits.defaults.textChars],
      ['subjects[0].addresses[0].street', (n: ReturnType<typeof notice>, size: number) => ({ ...n, subjects: [{ ...n.subjects[0]!, addresses: [{ street: 'd'.repeat(size), postcode: null, city: null, country: null }] }] }), limits.defaults.chars],
      ['organisations[0].role', (n: ReturnType<typeof notice>, size: number) => ({ ...n, organisations: [{ ...n.organisations[0]!, role: 'e'.repeat(size) }] }), 500],
      ['handling.processingConditions[0]', (n: ReturnType<typeof notice>, size: number) => ({ ...n, handling: { ...n.handling, processingConditions: ['f'.repeat(size)] } }), 2_000],
    ];
    const planted = fc.constantFrom(...plants);
    fc.assert(
      fc.property(planted, fc.integer({ min: 1, max: 3_000 }), fc.boolean(), ([path, plant, max], extra, over) => {
        const size = over ? max + extra : Math.max(0, max - extra);
        const problems = bounds.check(plant(notice(), size)).toArray();
        expect(problems).toEqual(over ? [`${path}: ${size} characters, at most ${max}`] : []);
      }),
      { seed: 20261130, numRuns: 2_000 },
    );
  });

  it('stops counting problems at its limit', () => {
    const list = new ProblemList(2);
    for (let i = 0; i < 5; i += 1) list.add(`p${i}`);
    expect(list.size).toBe(5);
    expect(list.toArray()).toEqual(['p0', 'p1', '… and 3 more problems']);
  });
});
