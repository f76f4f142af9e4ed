import type { BusConnectionOptions } from '@shiriki/bus';
import type { NatsConfig } from '@shiriki/config';

/** The config file's `nats` section as connection options. */
export function busOptionsFromConfig(nats: NatsConfig): BusConnectionOptions {
  return {
    servers: nats.servers,
    ...(nats.name === undefined ? {} : { name: nats.name }),
    ...(nats.user === undefined ? {} : { user: nats.user }),
    ...(nats.password === undefined ? {} : { password: nats.password }),
    ...(nats.token === undefined ? {} : { token: nats.token }),
    ...(nats.nkey_seed === undefined ? {} : { nkeySeed: nats.nkey_seed }),
    ...(nats.creds_file === undefined ? {} : { credsFile: nats.creds_file }),
    ...(nats.tls === undefined
      ? {}
      : { tls: { caFile: nats.tls.ca_file, certFile: nats.tls.cert_file, keyFile: nats.tls.key_file } }),
  };
}
