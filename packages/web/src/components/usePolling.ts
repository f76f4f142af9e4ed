import { useEffect, useState } from 'react';

/** Calls `load` now and every `intervalMs`; keeps the last value and the last error. */
export function usePolling<T>(load: () => Promise<T>, intervalMs: number, deps: readonly unknown[] = []) {
  const [value, setValue] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    const tick = () =>
      load().then(
        (v) => {
          if (!alive) return;
          setValue(v);
          setError(null);
        },
        (e: unknown) => alive && setError(e instanceof Error ? e.message : String(e)),
      );
    void tick();
    const timer = setInterval(() => void tick(), intervalMs);
    return () => {
      alive = false;
      clearInterval(timer);
    };
    // Callers pass in `deps` what `load` depends on.
  }, deps);
  return { value, error };
}
