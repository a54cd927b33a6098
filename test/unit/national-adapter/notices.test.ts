/** The notice desk's preview without Kafka or a database: it makes every check a submission makes. */
import { describe, expect, it } from 'vitest';
import { NoticeDesk, type NoticeState } from '../../../services/national-adapter/notices.ts';
import { buildOpenApi } from '../../../services/national-adapter/openapi.ts';
import { loadPolicy } from '../../../services/policy/index.ts';
import type { Caller } from '../../../services/shared/api-keys.ts';
import { loadContract } from '../../../services/shared/contract.ts';
import { ApiError } from '../../../services/shared/errors.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { notice, suspect } from '../../fixtures/notices.ts';

const policy = loadPolicy();
const contract = loadContract();
const { validators } = buildOpenApi(contract, 10_000_000, policy.bounds);
const nothingYet = { originOf: () => undefined, received: () => false, permission: () => undefined };
const state = () => ({ store: { history: async () => nothingYet } }) as unknown as NoticeState;
const desk = new NoticeDesk({ contract, policy, validators, logger: createLogger('adapter-test', 'error'), now: Date.now, outboxes: {} as never, state });
const caller: Caller = { id: 'be-system-test', country: 'BE', role: 'system' } as Caller;

describe('the preview', () => {
  it('refuses, as a submission does, a notice whose record is above what the gateway reads', async () => {
    // Every field within its bounds (300 subjects, remarks of 3,900 characters), the whole above 1 MB.
    const { noticeId: _id, createdAt: _at, ...body } = notice({ recipients: ['NL'], subjects: Array.from({ length: 300 }, (_, i) => ({ ...suspect, subjectId: `S${i}`, remarks: 'y'.repeat(3_900) })) });
    const refused = await desk.preview(caller, body).then(() => null, (error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 413, error: 'too-large' });
  });

  it('previews a notice of an ordinary size', async () => {
    const { noticeId: _id, createdAt: _at, ...body } = notice({ recipients: ['NL'] });
    const preview = await desk.preview(caller, body);
    expect(preview.destinations.map((d) => d.destination)).toEqual(['NL']);
  });
});
