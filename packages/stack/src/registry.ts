/** Anything this package started that must not outlive the test run. */
export interface Disposable {
  dispose(): Promise<void>;
}

const started = new Set<Disposable>();

export function track(server: Disposable): void {
  started.add(server);
}

export function untrack(server: Disposable): void {
  started.delete(server);
}

/**
 * Disposes every server started through this package and not yet disposed: processes stopped, temporary
 * directories removed. For a global `after(stopAll)`; tests normally dispose their own servers.
 */
export async function stopAll(): Promise<void> {
  const servers = [...started];
  const results = await Promise.allSettled(servers.map((server) => server.dispose()));
  const failures = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failures.length > 0) {
    throw new AggregateError(
      failures.map((failure) => failure.reason as unknown),
      `${failures.length} of ${servers.length} servers failed to stop`,
    );
  }
}

/** Number of servers started and not yet disposed. */
export function runningServerCount(): number {
  return started.size;
}
