/**
 * A preview (POST /v1/notices/preview) against what the gateway delivers of the same notice under
 * the same policy: the same decisions and the same records, except that a preview never shows a
 * pseudonym (it would be an oracle: the pseudonym of any value a sender chose).
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ledgerWithoutHistory } from '../../support/ledger.ts';
import { type RecordDecoder, RecordProcessor } from '../../../services/gateway/records/records.ts';
import { PSEUDONYM_PLACEHOLDER, previewOf } from '../../../services/national-adapter/notice-preview.ts';
import { deliveriesOf, loadPolicy } from '../../../services/policy/index.ts';
import type { ContractName, ContractRecords, Named } from '../../../services/shared/contract.ts';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { topics } from '../../../services/shared/topology.ts';
import { contact, notice, person, suspect, victim, witness } from '../../fixtures/notices.ts';

const policy = loadPolicy();
const keys = (id: string) => Buffer.from(`test-key-${id}`.padEnd(32, '#'));
const now = Date.parse('2026-11-22T10:00:00Z');
const PSEUDONYM = /PSN-[0-9a-f]{20}/g;

/** The gateway's processing of one notice, as in the gateway (no Kafka: the "decoder" hands the notice over). */
async function delivered(n: EuLiaison.Notice): Promise<Map<string, { inbox: EuLiaison.NoticeCopy[]; held: EuLiaison.NoticeCopy | null; report: EuLiaison.DestinationOutcome }>> {
  const decoder: RecordDecoder = {
    decode: async <N extends ContractName>() => n as unknown as ContractRecords[N],
    decodeAny: async <N extends ContractName>() => ({ name: 'notice', value: n }) as Named<N>,
  };
  const result = await new RecordProcessor(policy, keys, decoder).process({ topic: topics.outbox('BE'), partition: 0, offset: '1', key: null, value: Buffer.from('x') }, now, ledgerWithoutHistory().batch());
  const report = result.outgoing.find((o) => o.name === 'deliveryReport')!.value as EuLiaison.DeliveryReport;
  const out = new Map(report.destinations.map((d) => [d.destination, { inbox: [] as EuLiaison.NoticeCopy[], held: null as EuLiaison.NoticeCopy | null, report: d }]));
  for (const o of result.outgoing) {
    if (o.name !== 'noticeCopy') continue;
    if (o.topic === topics.held) out.get(o.value.destination)!.held = o.value;
    else out.get(o.value.destination)!.inbox.push(o.value);
  }
  return out;
}

const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
const placeholders = (value: unknown) => JSON.parse(JSON.stringify(value).replace(PSEUDONYM, PSEUDONYM_PLACEHOLDER)) as unknown;

describe('a preview of a notice', () => {
  const n = notice({
    recipients: ['NL', 'FR', 'LU', 'US', 'CO', 'DE-NW'],
    crimeAreas: ['COCAINE_TRAFFICKING'],
    subjects: [suspect, witness, victim, contact, person({ subjectId: 'W2', role: 'WITNESS', familyName: 'Claes', phoneNumbers: ['+32 478 55 44 33'] })],
    summary: 'Kevin Van Damme called the witness An Peeters on +32 3 123 45 67 from the terminal.',
  });
  const preview = previewOf(n, 'BE', policy.version, now, deliveriesOf(policy, () => randomBytes(32), n, 'BE', n.recipients, now));

  it('decides every destination as the gateway does, and shows the records it delivers, pseudonyms apart', async () => {
    const gateway = await delivered(n);
    expect(preview.destinations.map((d) => d.destination)).toEqual(n.recipients);
    // Every kind of outcome is in this notice (so the comparison below covers them).
    expect(new Set(preview.destinations.map((d) => d.status))).toEqual(new Set(['DELIVERED_FILTERED', 'HELD_FOR_REVIEW']));
    expect(preview.destinations.flatMap((d) => d.fieldActions.map((a) => a.action))).toEqual(expect.arrayContaining(['REMOVED', 'MASKED', 'PSEUDONYMISED', 'GENERALISED']));
    for (const d of preview.destinations) {
      const { inbox, held, report } = gateway.get(d.destination)!;
      expect({ destination: d.destination, status: d.status, agreement: d.agreement, reasons: d.reasons, rules: d.rules, fieldActions: d.fieldActions, expiresAt: d.expiresAt }).toEqual(json(report));
      expect(json(d.copies)).toEqual(placeholders(inbox));
      expect(json(d.held)).toEqual(placeholders(held));
    }
  });

  it('never shows a pseudonym: pseudonymised values are the placeholder', () => {
    const text = JSON.stringify(preview);
    expect(text.match(PSEUDONYM)).toBeNull();
    const fr = preview.destinations.find((d) => d.destination === 'FR')!;
    expect(fr.fieldActions.some((a) => a.action === 'PSEUDONYMISED')).toBe(true);
    expect(text).toContain(PSEUDONYM_PLACEHOLDER);
    expect(preview.submitted).toBe(false);
  });

  it('keeps a value the sender wrote that looks like a pseudonym', () => {
    const own = notice({ recipients: ['NL'], summary: 'Earlier report referred to PSN-0123456789abcdef0123.' });
    const shown = previewOf(own, 'BE', policy.version, now, deliveriesOf(policy, () => randomBytes(32), own, 'BE', own.recipients, now));
    expect(shown.destinations[0]!.copies[0]!.notice.summary).toContain('PSN-0123456789abcdef0123');
  });
});
