import { z } from 'zod';

export const apiSchema = z.strictObject({
  host: z.string().min(1).default('0.0.0.0').describe('Address the HTTP API listens on.'),
  port: z.number().int().min(1).max(65535).default(5000).describe('Port of the HTTP API.'),
  public_url: z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
    .optional()
    .describe('URL users reach the API at, for links in alerts (default: none).'),
});

export type ApiConfig = z.output<typeof apiSchema>;
