// Imported by the benches, not run itself.
import type { BusLogger } from '../packages/bus/src/index.js';

/** A bus logger for benches: warnings and errors on the console, nothing else. */
export const quietLogger: BusLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (obj, msg) => console.warn(msg, obj),
  error: (obj, msg) => console.error(msg, obj),
};
