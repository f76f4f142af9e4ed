import { z } from 'zod';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

export const telemetrySchema = z.strictObject({
  log_level: z.enum(LOG_LEVELS).default('info').describe('Lowest log level written.'),
  metrics_host: z
    .string()
    .min(1)
    .default('0.0.0.0')
    .describe(
      "Address of each service's Prometheus endpoint; `shiriki up` uses 127.0.0.1 unless the file sets it.",
    ),
  metrics_port: z
    .number()
    .int()
    .min(0)
    .max(65535)
    .default(9464)
    .describe("Port of each service's Prometheus /metrics endpoint; 0 disables it."),
});

export type TelemetryConfig = z.output<typeof telemetrySchema>;
