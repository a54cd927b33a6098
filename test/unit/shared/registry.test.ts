import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContract } from '../../../services/shared/contract.ts';
import { RegistryUnavailableError } from '../../../services/shared/errors.ts';
import { ContractRegistry } from '../../../services/shared/registry.ts';

describe('the registry client', () => {
  // A registry that accepts the connection and never answers.
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('gives up on a request the registry never answers, as the registry being unavailable', async () => {
    const registry = new ContractRegistry(url, loadContract(), 300);
    const started = Date.now();
    const registration = registry.idFor('liaison.outbox.BE', 'notice');
    await expect(registration).rejects.toBeInstanceOf(RegistryUnavailableError);
    await expect(registration).rejects.toThrow(/cannot register liaison\.outbox\.BE-value: .*[Tt]imeout/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
