import { describe, expect, it } from 'vitest';
import { foreignReferences, type NoticeHistory, type PermissionRecord, referencedBy } from '../../../services/policy/notice-references.ts';
import { notice } from '../../fixtures/notices.ts';

const A = '0a000000-0000-4000-8000-00000000000a'; // BE → NL
const B = '0b000000-0000-4000-8000-00000000000b'; // NL → FR (FR received it)
const P = '0c000000-0000-4000-8000-00000000000c'; // BE let NL forward A

const history: NoticeHistory = {
  originOf: (id) => ({ [A]: 'BE', [B]: 'NL' })[id],
  received: (id, country) => (id === A && country === 'NL') || (id === B && country === 'FR'),
  permission: (id): PermissionRecord | undefined => (id === P ? { provider: 'BE', grantedTo: 'NL', noticeId: A } : undefined),
};

describe('foreignReferences: what a notice may point at', () => {
  it.each([
    ['its own correction', 'BE', { correction: { of: A, action: 'WITHDRAW' as const, reason: 'r' } }, []],
    ['another country’s correction', 'NL', { correction: { of: A, action: 'WITHDRAW' as const, reason: 'r' } }, [`correction.of: no notice ${A} of NL`]],
    ['an unknown correction', 'NL', { correction: { of: P, action: 'WITHDRAW' as const, reason: 'r' } }, [`correction.of: no notice ${P} of NL`]],
    ['a reply to what it received', 'NL', { inReplyTo: A }, []],
    ['a follow-up to what it sent', 'BE', { inReplyTo: A }, []],
    ['a reply to what it never received', 'FR', { inReplyTo: A }, [`inReplyTo: FR sent or received no notice ${A}`]],
    ['provenance it can show', 'NL', { receivedFrom: [{ country: 'BE', noticeId: A, onwardTransferAuthorisation: null }] }, []],
    ['provenance with the permission given', 'NL', { receivedFrom: [{ country: 'BE', noticeId: A, onwardTransferAuthorisation: P }] }, []],
    ['a chain of forwards', 'FR', { receivedFrom: [{ country: 'BE', noticeId: A, onwardTransferAuthorisation: null }, { country: 'NL', noticeId: B, onwardTransferAuthorisation: null }] }, []],
    ['a broken chain', 'FR', { receivedFrom: [{ country: 'BE', noticeId: B, onwardTransferAuthorisation: null }, { country: 'NL', noticeId: B, onwardTransferAuthorisation: null }] }, [`receivedFrom[0]: NL received no notice ${B} from BE`]],
    ['an invented provenance', 'DE', { receivedFrom: [{ country: 'BE', noticeId: A, onwardTransferAuthorisation: null }] }, [`receivedFrom[0]: DE received no notice ${A} from BE`]],
    ['a provenance without its notice', 'NL', { receivedFrom: [{ country: 'BE', noticeId: null, onwardTransferAuthorisation: null }] }, ['receivedFrom[0].noticeId: required, the notice NL received from BE']],
    ['an invented authorisation', 'NL', { receivedFrom: [{ country: 'BE', noticeId: A, onwardTransferAuthorisation: 'BE-DPO-2026-118' }] }, ['receivedFrom[0].onwardTransferAuthorisation: BE recorded no permission BE-DPO-2026-118 for NL on notice ' + A]],
    ['someone else’s authorisation', 'FR', { receivedFrom: [{ country: 'NL', noticeId: B, onwardTransferAuthorisation: P }] }, [`receivedFrom[0].onwardTransferAuthorisation: NL recorded no permission ${P} for FR on notice ${B}`]],
  ])('%s', (_what, country, overrides, problems) => {
    expect(foreignReferences(notice({ sender: { country, agency: 'a', contactPoint: 'c', onBehalfOf: null }, ...overrides }), country, history)).toEqual(problems);
  });
});

describe('referencedBy: what the checks ask the history about', () => {
  it('names every notice and permission the checks look up, so a history read for those alone answers them', () => {
    const asked = { notices: new Set<string>(), permissions: new Set<string>() };
    const recording: NoticeHistory = {
      originOf: (id) => (asked.notices.add(id), history.originOf(id)),
      received: (id, country) => (asked.notices.add(id), history.received(id, country)),
      permission: (id) => (asked.permissions.add(id), history.permission(id)),
    };
    const notices = [
      notice({ correction: { of: A, action: 'WITHDRAW', reason: 'r' }, inReplyTo: B }),
      notice({ receivedFrom: [{ country: 'BE', noticeId: A, onwardTransferAuthorisation: P }, { country: 'NL', noticeId: B, onwardTransferAuthorisation: 'X-1' }] }),
      notice({ receivedFrom: [{ country: 'BE', noticeId: null, onwardTransferAuthorisation: null }] }),
    ];
    for (const n of notices) {
      for (const country of ['BE', 'NL', 'FR']) foreignReferences(n, country, recording);
      const named = referencedBy(n);
      for (const id of asked.notices) expect(named.notices, id).toContain(id);
      for (const id of asked.permissions) expect(named.permissions, id).toContain(id);
      asked.notices.clear();
      asked.permissions.clear();
    }
  });
});
