import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StdoutSocketError } from './errors.js';

/** Where each read lands and what happens after it: Node's `net.Socket` `onread` option. */
export interface SocketReadTarget {
  /** The buffer the next read fills from its start; asked again after every read. Must not be empty. */
  buffer: () => Uint8Array;
  /** `nread` bytes were written to the start of `buffer`, the one the last `buffer()` call returned. */
  callback: (nread: number, buffer: Uint8Array) => void;
}

/** The two ends of a connected unix stream socket: one for a child's stdout, one this process reads. */
export interface StdoutSocket {
  /** Pass as the child's stdout in `spawn`'s `stdio`, then `releaseChildEnd()`. */
  readonly childEnd: Socket;
  /** Reads into `SocketReadTarget` buffers; emits `end` and `close` once every writer has closed its end. */
  readonly reader: Socket;
  /** Closes this process's copy of the child's end, so the child exiting ends `reader`. */
  releaseChildEnd(): void;
}

export const STDOUT_SOCKET_DEFAULTS = { connectTimeoutMs: 5000 } as const;

const TOKEN_BYTES = 16;

/**
 * A child stdout that reads straight into the caller's buffers. A spawned child's `stdout` pipe is read in
 * 64 KiB chunks that each become a Buffer (garbage), and its stream cannot be given Node's `onread` option;
 * a socket this process connects itself can, so every read lands in a buffer the caller chooses, e.g. the
 * rest of a frame's payload slot: no chunk is allocated and no byte copied. ffmpeg writes `pipe:1` to a
 * unix socket exactly as to the socketpair Node gives it for `'pipe'`.
 *
 * On Linux the socket has a random abstract name (no file, so a read-only filesystem is fine), elsewhere a
 * path in a fresh 0700 directory; the listener closes after the one connection. Abstract names are visible
 * to every process in the network namespace, so the reader first sends a random token and only the
 * connection that delivers it becomes the child's end: nobody else can take over the stream.
 * Throws `StdoutSocketError` when the socket cannot be set up within `connectTimeoutMs`.
 */
export async function openStdoutSocket(
  target: SocketReadTarget,
  connectTimeoutMs: number = STDOUT_SOCKET_DEFAULTS.connectTimeoutMs,
): Promise<StdoutSocket> {
  const dir = process.platform === 'linux' ? undefined : await mkdtemp(join(tmpdir(), 'shiriki-stdout-'));
  const path =
    dir === undefined ? `\0shiriki-stdout-${randomBytes(16).toString('hex')}` : join(dir, 'socket');
  const token = randomBytes(TOKEN_BYTES);
  const server = createServer();
  let reader: Socket | undefined;
  let timer: NodeJS.Timeout | undefined;
  let onConnectError = (_cause: Error): void => undefined;
  try {
    const childEnd = await new Promise<Socket>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new StdoutSocketError(`no connection within ${connectTimeoutMs} ms`)),
        connectTimeoutMs,
      );
      onConnectError = (cause: Error) => reject(new StdoutSocketError('connect failed', { cause }));
      server.on('error', (cause) => reject(new StdoutSocketError('listen failed', { cause })));
      server.on('connection', (socket) => {
        void verified(socket, token).then((ok) => {
          if (ok) resolve(socket);
        });
      });
      server.listen(path, () => {
        reader = connect({
          path,
          onread: {
            buffer: target.buffer,
            callback: (nread, buffer) => {
              target.callback(nread, buffer);
              return true; // never pause: a paused reader lets ffmpeg, and the stream behind it, fall behind
            },
          },
        });
        reader.once('error', onConnectError);
        reader.write(token);
      });
    });
    // The caller owns the reader's errors from here on.
    reader!.off('error', onConnectError);
    return { childEnd, reader: reader!, releaseChildEnd: () => childEnd.destroy() };
  } catch (error) {
    reader?.destroy();
    throw error;
  } finally {
    clearTimeout(timer);
    closeServer(server);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  }
}

/** Reads the token from a new connection; anything else is closed. Leaves a verified socket paused. */
function verified(socket: Socket, token: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    const settle = (ok: boolean): void => {
      socket.off('data', onData).off('end', refuse).off('error', refuse);
      if (!ok) socket.destroy();
      resolve(ok);
    };
    const refuse = (): void => settle(false);
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      if (received.length < token.length) return;
      socket.pause();
      settle(received.length === token.length && timingSafeEqual(received, token));
    };
    socket.on('data', onData).on('end', refuse).on('error', refuse);
  });
}

function closeServer(server: Server): void {
  if (server.listening) server.close();
}
