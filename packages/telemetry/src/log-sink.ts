/**
 * The part of a structured (pino-style, fields first) logger that library code uses. `createLogger`'s
 * loggers satisfy it; packages that only log take this, so they need no logger of their own.
 */
export interface LogSink {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}
