import { describe, expect, it } from 'vitest';
import { loadContract } from '../../../services/shared/contract.ts';
import { noticeIdFor } from '../../../services/national-adapter/adapter.ts';
import { buildOpenApi } from '../../../services/national-adapter/openapi.ts';
import { notice } from '../../fixtures/notices.ts';

const { document, validators } = buildOpenApi(loadContract(), 1_000_000);
const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as Record<string, unknown>;

describe('the OpenAPI document and its validators', () => {
  it('accepts a notice in the Avro schema’s JSON form, with or without what the adapter fills in', () => {
    expect(validators.NoticeSubmission(json(notice()))).toEqual([]);
    const { noticeId: _a, createdAt: _b, ...rest } = json(notice());
    expect(validators.NoticeSubmission({ ...rest, sender: { agency: 'x', contactPoint: 'y', onBehalfOf: null } })).toEqual([]);
  });

  it('names every problem by its field path', () => {
    const bad = { ...json(notice()), priority: 'SOON', recipients: 'NL', containers: [{ portOfLoading: 7 }] };
    expect(validators.NoticeSubmission(bad)).toEqual(
      expect.arrayContaining(['priority: must be one of ROUTINE, URGENT', 'recipients: must be array', 'containers[0].containerNumber: required', 'containers[0].portOfLoading: must be null,string']),
    );
  });

  it('documents every field’s data-protection tag', () => {
    const defs = (document.components.schemas.NoticeSubmission as { $defs: Record<string, { properties: Record<string, Record<string, unknown>> }> }).$defs;
    expect(defs.Person!.properties.ethnicOrigin!['x-data-protection']).toBe('special-category');
    expect(defs.Notice!.properties.summary!['x-data-protection']).toBe('free-text');
  });

  it('validates the other request bodies', () => {
    expect(validators.CorrectionRequest({ action: 'UNDO', reason: '' })).toEqual(expect.arrayContaining(['action: must be one of CORRECT, WITHDRAW', 'reason: must NOT have fewer than 1 characters']));
    expect(validators.HeldDecisionRequest({})).toEqual(['justification: required']);
    expect(validators.PermissionRequest({ grantedTo: 'BE', forwardTo: [] })).toEqual(['forwardTo: must NOT have fewer than 1 items']);
  });
});

describe('noticeIdFor', () => {
  it('derives one UUID per country and Idempotency-Key', () => {
    const id = noticeIdFor('BE', 'ANR-2026-0042/1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(noticeIdFor('BE', 'ANR-2026-0042/1')).toBe(id);
    expect(noticeIdFor('NL', 'ANR-2026-0042/1')).not.toBe(id);
    expect(noticeIdFor('BE', 'ANR-2026-0042/2')).not.toBe(id);
  });
});
