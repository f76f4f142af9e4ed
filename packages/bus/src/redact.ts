/**
 * `nats://user:secret@host:4222` -> `nats://***@host:4222`. Works on bare `user:pass@host:port` too;
 * anything without `@` before the host is returned unchanged.
 */
export function redactServerUrl(server: string): string {
  return server.replace(
    /^([a-z][a-z0-9+.-]*:\/\/)?[^@/]*@/i,
    (_match, scheme: string | undefined) => `${scheme ?? ''}***@`,
  );
}
