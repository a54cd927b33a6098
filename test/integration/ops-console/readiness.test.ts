import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { OpsConsole } from '../../../services/ops-console/ops-console.ts';
import { createServiceHttp, listen } from '../../../services/shared/http.ts';
import { createLogger } from '../../../services/shared/logger.ts';

describe('the operations console’s view of a service that is not ready', () => {
  it('says why, from /readyz, instead of calling it starting', async () => {
    const stalled = ['liaison.outbox.BE[1]: 40 records waiting, no progress for 75 s'];
    const { app } = createServiceHttp('gateway', () => false, undefined, () => stalled);
    const server = await listen(app, 0);
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const console = new OpsConsole([{ name: 'gateway', url }], ['BE'], createLogger('ops-console', 'error'));
      await console.poll();
      const [gateway] = console.overview().services;
      expect(gateway).toMatchObject({ name: 'gateway', up: true, ready: false, problems: stalled });
    } finally {
      server.close();
    }
  });
});
