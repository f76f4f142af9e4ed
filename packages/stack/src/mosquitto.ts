import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { ToolNotFoundError } from './errors.js';
import { freePort, LOOPBACK } from './ports.js';
import { ServerProcess, serverHandle, startOrDispose, type ServerHandle } from './server-process.js';
import { makeTempDir } from './temp.js';

/** The environment variable naming the mosquitto binary (default: Debian's `/usr/sbin/mosquitto`). */
export const MOSQUITTO_ENV = 'SHIRIKI_MOSQUITTO';

export interface MosquittoOptions {
  /** Default: a free port; never the machine's own broker on 1883. */
  port?: number;
  /** Serve MQTT over TLS with this certificate and key (PEM files). Default: plain TCP. */
  tls?: { certFile: string; keyFile: string };
  /** Require this user and password (a password file made with mosquitto_passwd). Default: anonymous. */
  user?: { name: string; password: string };
  keepData?: boolean;
}

export interface MosquittoServer extends ServerHandle {
  readonly host: string;
  readonly port: number;
  /** `mqtt://127.0.0.1:<port>` */
  readonly url: string;
  readonly logFile: string;
}

/**
 * Starts a mosquitto broker of its own on 127.0.0.1 (no persistence, its own config in a temp dir) and resolves
 * once it accepts connections. Tests use it as the Home Assistant user's broker.
 */
export async function startMosquitto(options: MosquittoOptions = {}): Promise<MosquittoServer> {
  const command = process.env[MOSQUITTO_ENV] || '/usr/sbin/mosquitto';
  if (!existsSync(command))
    throw new ToolNotFoundError('mosquitto', MOSQUITTO_ENV, command, {
      cause: new Error('install the distribution package mosquitto (scripts/bootstrap.sh does)'),
    });
  const port = options.port ?? (await freePort());
  const tempDir = makeTempDir('mosquitto', { keep: options.keepData ?? false });
  const configFile = join(tempDir, 'mosquitto.conf');
  // Started as root, mosquitto would switch to its own user, who cannot read this temp dir.
  const lines = [
    `listener ${port} ${LOOPBACK}`,
    'persistence false',
    'log_dest stdout',
    `user ${userInfo().username}`,
  ];
  if (options.tls) lines.push(`certfile ${options.tls.certFile}`, `keyfile ${options.tls.keyFile}`);
  if (options.user) {
    const passwordFile = join(tempDir, 'passwords');
    writeFileSync(passwordFile, '');
    execFileSync('mosquitto_passwd', ['-b', passwordFile, options.user.name, options.user.password]);
    lines.push('allow_anonymous false', `password_file ${passwordFile}`);
  } else {
    lines.push('allow_anonymous true');
  }
  writeFileSync(configFile, `${lines.join('\n')}\n`);
  const logFile = join(tempDir, 'mosquitto.log');
  const proc = new ServerProcess({
    name: `mosquitto[:${port}]`,
    command,
    args: ['-c', configFile],
    logFile,
    isReady: () => accepts(port),
    readyTimeoutMs: 10_000,
    termGraceMs: 3000,
  });
  const server = serverHandle(
    proc,
    { host: LOOPBACK, port, url: `mqtt://${LOOPBACK}:${port}`, logFile },
    { tempDir, keepData: options.keepData ?? false },
  );
  return startOrDispose(server);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, LOOPBACK);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
