/**
 * A TCP proxy on loopback in front of a service (the schema registry), which a test can cut
 * (every connection dropped, new ones refused) and restore on the same port: the service is
 * down for the processes that reach it through the proxy, and for them only.
 */
import { createServer, Socket, type Server } from 'node:net';

export interface TcpProxy {
  /** The proxied URL: the target's with the proxy's port. */
  url: string;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function tcpProxy(targetUrl: string): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  const handler = (client: Socket) => {
    const upstream = new Socket();
    sockets.add(client).add(upstream);
    upstream.connect(Number(target.port), target.hostname, () => client.pipe(upstream).pipe(client));
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  };
  let server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  let open = true;
  const cut = async () => {
    if (!open) return;
    open = false;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.destroy();
    await closed;
  };
  return {
    url: `${target.protocol}//127.0.0.1:${port}${target.pathname}`,
    cut,
    restore: async () => {
      if (open) return;
      server = createServer(handler);
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      open = true;
    },
    close: cut,
  };
}
