import { fromSeed } from '@nats-io/nkeys';
import type { NatsConfig } from '@shiriki/config';
import { LOOPBACK } from '@shiriki/stack';

/** Why `up` cannot run its own nats-server with the config's NATS settings. */
export class UpNatsConfigError extends Error {
  override readonly name = 'UpNatsConfigError';
  constructor(
    message: string,
    readonly setting: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A string in nats-server's config syntax (double-quoted, JSON escapes). */
const quoted = (value: string): string => JSON.stringify(value);

/**
 * The `authorization` block that makes `up`'s nats-server ask for the credentials the services connect with
 * (`nats.user`/`password`, `token` or `nkey_seed`), or '' when the config names none. Credentials go in the
 * config file, never on the command line, where `ps` would show them.
 */
export function authorizationBlock(nats: NatsConfig): string {
  if (nats.creds_file !== undefined)
    throw new UpNatsConfigError(
      'nats.creds_file needs an operator-mode NATS (JWT accounts), which shiriki up does not run: name your NATS in nats.servers, or use user/password, token or nkey_seed',
      'nats.creds_file',
    );
  if (nats.user !== undefined && nats.password !== undefined)
    return `authorization {\n  user: ${quoted(nats.user)}\n  password: ${quoted(nats.password)}\n}\n`;
  if (nats.token !== undefined) return `authorization {\n  token: ${quoted(nats.token)}\n}\n`;
  if (nats.nkey_seed !== undefined) {
    let publicKey: string;
    try {
      publicKey = fromSeed(new TextEncoder().encode(nats.nkey_seed)).getPublicKey();
    } catch (cause) {
      throw new UpNatsConfigError('nats.nkey_seed is not a valid NKey seed', 'nats.nkey_seed', { cause });
    }
    return `authorization {\n  users: [ { nkey: ${quoted(publicKey)} } ]\n}\n`;
  }
  return '';
}

/**
 * The `tls` block that makes `up`'s nats-server present `nats.tls.server_cert_file` and take only TLS
 * connections, or '' when the config names no server certificate.
 */
export function tlsBlock(nats: NatsConfig): string {
  const tls = nats.tls;
  if (tls?.server_cert_file === undefined || tls.server_key_file === undefined) return '';
  return `tls {\n  cert_file: ${quoted(tls.server_cert_file)}\n  key_file: ${quoted(tls.server_key_file)}\n}\n`;
}

/** The MQTT listener block; with NATS user/password the MQTT clients log in with the same. */
export function mqttBlock(port: number): string {
  return `mqtt {\n  host: ${quoted(LOOPBACK)}\n  port: ${port}\n}\n`;
}

/** The credentials `up`'s MQTT bridge uses on nats-server's MQTT listener. */
export function builtInMqttLogin(nats: NatsConfig): { user: string; password: string } | undefined {
  if (nats.user !== undefined && nats.password !== undefined)
    return { user: nats.user, password: nats.password };
  if (nats.token !== undefined || nats.nkey_seed !== undefined)
    throw new UpNatsConfigError(
      "nats-server's MQTT listener takes only user/password logins: with nats.token or nats.nkey_seed, set mqtt.host to your own broker, or use nats.user and nats.password",
      nats.token !== undefined ? 'nats.token' : 'nats.nkey_seed',
    );
  return undefined;
}
