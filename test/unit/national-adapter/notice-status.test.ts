import { describe, expect, it } from 'vitest';
import { routingOf } from '../../../services/national-adapter/notice-status.ts';
import { notice, suspect } from '../../fixtures/notices.ts';

describe('routingOf', () => {
  it('keeps no content of a submitted notice, only what routes it', () => {
    const routing = routingOf(notice({ subjects: [suspect] }));
    expect(routing.subjects).toEqual([]);
    expect(routing.summary).toBe('');
    expect(routing.crimeAreas).toEqual(['COCAINE_TRAFFICKING']);
  });
});
