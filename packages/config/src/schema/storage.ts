import { z } from 'zod';

export const s3Schema = z.strictObject({
  endpoint: z
    .string()
    .regex(/^[^/:\s]+$/, 'endpoint is a host name or IP without scheme, port or path (see use_ssl and port)')
    .optional()
    .describe('S3 host, e.g. `minio` or `s3.amazonaws.com`; required when `type` is s3.'),
  port: z.number().int().min(1).max(65535).optional().describe('S3 port (default: 443 with TLS, else 80).'),
  use_ssl: z.boolean().default(false).describe('Talk HTTPS to the endpoint.'),
  access_key: z.string().min(1).optional().describe('Access key id; required when `type` is s3.'),
  secret_key: z
    .string()
    .min(1)
    .optional()
    .describe('Secret key; required when `type` is s3. Use `${S3_SECRET_KEY}`.'),
  region: z.string().min(1).default('us-east-1').describe('S3 region.'),
  bucket: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      'bucket names are 3-63 lowercase letters, digits, dots or hyphens',
    )
    .default('shiriki')
    .describe('Bucket for clips, snapshots and recordings; created when missing.'),
});

export const storageSchema = z
  .strictObject({
    type: z
      .enum(['s3', 'local'])
      .default('local')
      .describe(
        'Where clips and snapshots go: a local directory (the default, inside `data_dir`) or S3-compatible storage.',
      ),
    s3: s3Schema.prefault({}).describe('S3 or MinIO settings, used when `type` is s3.'),
    local: z
      .strictObject({
        path: z
          .string()
          .min(1)
          .default('store')
          .describe('Directory used when `type` is local; a relative path is inside `data_dir`.'),
      })
      .prefault({})
      .describe('Local directory settings, used when `type` is local.'),
  })
  .check((ctx) => {
    const s = ctx.value;
    if (s.type !== 's3') return;
    for (const key of ['endpoint', 'access_key', 'secret_key'] as const) {
      if (s.s3[key] === undefined) {
        ctx.issues.push({
          code: 'custom',
          path: ['s3', key],
          message: `required when storage.type is s3`,
          input: s,
        });
      }
    }
  });

export type StorageConfig = z.output<typeof storageSchema>;
