/**
 * The HTTP surface every service shares, on a real server on loopback: a client that keeps its
 * connection idle between requests (as proxies and national systems do) keeps using it.
 */
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceHttp, HTTP_TIMEOUTS, listen } from '../../../services/shared/http.ts';
import type { Server } from 'node:http';

let server: Server;
let port: number;
const connections: number[] = [];

beforeAll(async () => {
  const http = createServiceHttp('test', () => true);
  server = await listen(http.app, 0);
  server.on('connection', () => connections.push(Date.now()));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function get(agent: Agent, path: string): Promise<{ status: number; localPort: number }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, localPort: req.socket?.localPort ?? -1 }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('keep-alive', () => {
  it('holds idle connections longer than clients and proxies do (60 s), and waits longer still for headers', () => {
    expect(server.keepAliveTimeout).toBe(HTTP_TIMEOUTS.keepAliveMs);
    expect(HTTP_TIMEOUTS.keepAliveMs).toBeGreaterThan(60_000);
    expect(server.headersTimeout).toBeGreaterThan(server.keepAliveTimeout);
  });

  it('serves a client that pauses 6 s between requests on the same connection (Node’s default closes it at 5 s)', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await get(agent, '/healthz');
      await sleep(6_000);
      const second = await get(agent, '/healthz');
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(second.localPort).toBe(first.localPort);
      expect(connections).toHaveLength(1);
    } finally {
      agent.destroy();
    }
  }, 15_000);
});
