/**
 * `nats://user:secret@host:4222` -> `nats://***@host:4222`. Works on bare `user:pass@host:port` too;
 * anything without `@` before the host is returned unchanged. Unlike `redactUrlCredentials` from
 * `@shiriki/telemetry`, which keeps the user and leaves user-only userinfo alone, this drops the whole
 * userinfo: NATS takes a token as `nats://token@host`, so a "user" may be the secret.
 */
export function redactServerUrl(server: string): string {
  return server.replace(
    /^([a-z][a-z0-9+.-]*:\/\/)?[^@/]*@/i,
    (_match, scheme: string | undefined) => `${scheme ?? ''}***@`,
  );
}
