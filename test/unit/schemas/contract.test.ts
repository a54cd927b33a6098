import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateTypes, TYPES_FILE } from '../../../schemas/generate-types.ts';
import { dataProtectionTags, loadContract, projectionOf, untaggedFields } from '../../../services/shared/contract.ts';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';

describe('the Avro contract', () => {
  const contract = loadContract();

  it('resolves every top-level record into a self-contained schema avsc accepts', () => {
    expect(Object.keys(contract.types).sort()).toEqual(['auditCheckpoint', 'auditEvent', 'batchAttempt', 'deadLetter', 'deliveryReport', 'forwardingPermission', 'heldDecision', 'indexEntry', 'indexLookup', 'notice', 'noticeCopy', 'policyReview', 'receipt']);
    // The copy embeds the whole notice: a copy round-trips through Avro.
    expect(JSON.stringify(contract.schemas.noticeCopy)).toContain('"name":"Notice"');
  });

  it('tags every leaf of the notice explicitly (an untagged field would count as personal data)', () => {
    const tags = dataProtectionTags(contract.schemas.notice);
    expect(tags.size).toBeGreaterThan(60);
    expect(untaggedFields(contract.schemas.notice)).toEqual([]);
    expect(tags.get('subjects[].familyName')).toBe('identifier');
    expect(tags.get('subjects[].dateOfBirth')).toBe('quasi-identifier');
    expect(tags.get('subjects[].ethnicOrigin')).toBe('special-category');
    expect(tags.get('summary')).toBe('free-text');
    expect(tags.get('containers[].containerNumber')).toBe('non-personal');
    expect(tags.get('parcels[].recipientAddress.street')).toBe('identifier');
  });

  it('counts a leaf without a tag as personal data (fail closed)', () => {
    const tags = dataProtectionTags({
      type: 'record', name: 'T', fields: [
        { name: 'tagged', type: 'string', dp: 'non-personal' },
        { name: 'untagged', type: 'string' },
        { name: 'misspelt', type: 'string', dp: 'non-personal-ish' },
      ],
    });
    expect(Object.fromEntries(tags)).toEqual({ tagged: 'non-personal', untagged: 'identifier', misspelt: 'identifier' });
    expect(untaggedFields({ type: 'record', name: 'T', fields: [{ name: 'untagged', type: 'string' }] })).toEqual(['untagged']);
  });

  it('keeps the generated TypeScript types in step with the .avsc files (npm run schemas:types)', () => {
    expect(readFileSync(TYPES_FILE, 'utf8')).toBe(generateTypes());
  });
});

describe('a projection of a contract record', () => {
  const report: EuLiaison.DeliveryReport = {
    noticeId: 'a1b2c3d4-0000-4000-8000-000000000000', caseRef: 'ANR-2026-0042', origin: 'BE', policyVersion: 'test', correctionOf: null, processedAt: 1_795_161_600_000,
    destinations: [
      { destination: 'NL', status: 'DELIVERED_FILTERED', agreement: 'be-nl-cross-border', reasons: [], rules: ['rule-1-legal-basis', 'rule-3-special-categories'], fieldActions: [{ path: 'subjects[0].healthInformation', action: 'REMOVED', rule: 'rule-3-special-categories', detail: null }], expiresAt: 1_800_000_000_000 },
      { destination: 'FR', status: 'BLOCKED', agreement: null, reasons: ['no agreement between BE and FR covers ATM_ATTACKS'], rules: ['rule-1-legal-basis'], fieldActions: [], expiresAt: null },
    ],
  };

  it('reads the fields it keeps, also inside lists of records, and builds nothing of the rest', () => {
    const contract = loadContract();
    const projection = projectionOf('deliveryReport', { noticeId: true, origin: true, destinations: { destination: true, status: true } });
    const full = contract.types.deliveryReport;
    const read = projection.type.fromBuffer(full.toBuffer(report), projection.type.createResolver(full));
    expect(JSON.parse(JSON.stringify(read))).toEqual({ noticeId: report.noticeId, origin: 'BE', destinations: [{ destination: 'NL', status: 'DELIVERED_FILTERED' }, { destination: 'FR', status: 'BLOCKED' }] });
  });

  it('names a field the record does not have', () => {
    expect(() => projectionOf('deliveryReport', { noticeId: true, recipients: true })).toThrow(/projection of deliveryReport: DeliveryReport has no field recipients/);
  });
});
