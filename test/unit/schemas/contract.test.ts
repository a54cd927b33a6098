import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateTypes, TYPES_FILE } from '../../../schemas/generate-types.ts';
import { dataProtectionTags, loadContract, untaggedFields } from '../../../services/shared/contract.ts';

describe('the Avro contract', () => {
  const contract = loadContract();

  it('resolves every top-level record into a self-contained schema avsc accepts', () => {
    expect(Object.keys(contract.types).sort()).toEqual(['auditCheckpoint', 'auditEvent', 'batchAttempt', 'deadLetter', 'deliveryReport', 'forwardingPermission', 'heldDecision', 'notice', 'noticeCopy', 'receipt']);
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
