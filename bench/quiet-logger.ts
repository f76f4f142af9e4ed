// Imported by the benches, not run itself.

/** A bus logger for benches: warnings and errors on the console, nothing else. */
export const quietLogger: LogSink = {
  debug: () => undefined,
  info: () => undefined,
  warn: (obj, msg) => console.warn(msg, obj),
  error: (obj, msg) => console.error(msg, obj),
};
import type { LogSink } from '@shiriki/telemetry';
