import { createServer, type Server } from 'node:net';

export const LOOPBACK = '127.0.0.1';

/**
 * A TCP port that was free on 127.0.0.1 a moment ago: the kernel picks it for a listener on port 0, which
 * is closed again before returning. Another process may still take it before the caller binds it; servers
 * started by this package then fail their ready-check with the server's log instead of hanging.
 */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  if (port === undefined) throw new Error('freePorts(1) returned no port');
  return port;
}

/** `count` distinct free ports: the listeners stay open together, so the kernel cannot hand out one twice. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(servers.map(listenOnAnyPort));
  } finally {
    await Promise.all(servers.map(closeServer));
  }
}

function listenOnAnyPort(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error(`unexpected address ${address}`));
      else resolve(address.port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
}

/**
 * `preferred` when nothing listens on it on 127.0.0.1, else a free port. These machines often run their own
 * NATS on 4222 or go2rtc on 1984; the caller reports the move rather than colliding with them.
 */
export async function preferredPort(preferred: number): Promise<{ port: number; moved: boolean }> {
  const server = createServer();
  const free = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(preferred, LOOPBACK, () => resolve(true));
  });
  await closeServer(server);
  return free ? { port: preferred, moved: false } : { port: await freePort(), moved: true };
}
