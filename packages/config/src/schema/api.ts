import { z } from 'zod';

const indexSchema = z
  .strictObject({
    type: z
      .enum(['sqlite', 'postgres'])
      .default('sqlite')
      .describe(
        'Where the event index lives: a SQLite file in `data_dir` (one api replica) or PostgreSQL (several replicas share it).',
      ),
    sqlite_path: z
      .string()
      .min(1)
      .default('api/index.db')
      .describe('SQLite file used when `type` is sqlite; a relative path is inside `data_dir`.'),
    postgres_url: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL')
      .optional()
      .describe(
        'PostgreSQL connection URL; required when `type` is postgres. Put the password in `${PG_PASSWORD}`.',
      ),
  })
  .check((ctx) => {
    if (ctx.value.type === 'postgres' && ctx.value.postgres_url === undefined) {
      ctx.issues.push({
        code: 'custom',
        path: ['postgres_url'],
        message: 'required when index.type is postgres',
        input: ctx.value,
      });
    }
  });

const authSchema = z.strictObject({
  enabled: z
    .boolean()
    .default(true)
    .describe(
      'Require a login or an API token on every route but /healthz, /readyz and /metrics. Turn off only behind a proxy that authenticates.',
    ),
  session_ttl_hours: z
    .number()
    .positive()
    .max(24 * 365)
    .default(24 * 7)
    .describe('How long a login session lasts without use.'),
  login_attempts_per_minute: z
    .number()
    .int()
    .min(1)
    .default(10)
    .describe('Login attempts allowed per client address and minute; more get 429.'),
  secure_cookie: z
    .boolean()
    .default(false)
    .describe('Mark the session cookie `Secure` (set it when users reach the api over HTTPS).'),
});

export const apiSchema = z.strictObject({
  host: z.string().min(1).default('0.0.0.0').describe('Address the HTTP API listens on.'),
  port: z.number().int().min(1).max(65535).default(5000).describe('Port of the HTTP API.'),
  public_url: z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
    .optional()
    .describe('URL users reach the API at, for links in alerts (default: none).'),
  index: indexSchema.prefault({}).describe('The event index the api queries.'),
  auth: authSchema.prefault({}).describe('Users, sessions and API tokens.'),
  clip_redirect: z
    .boolean()
    .default(false)
    .describe(
      'Answer clip and snapshot downloads with a 302 to a presigned S3 URL instead of streaming them through the api (S3 storage only).',
    ),
  presign_expiry_s: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 3600)
    .default(300)
    .describe('Lifetime of presigned URLs when `clip_redirect` is on.'),
  web_dir: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Directory of the built web UI, served at `/` (default: $SHIRIKI_WEB_DIR; `shiriki up` points it at packages/web/dist).',
    ),
  max_recording_clip_s: z
    .number()
    .int()
    .min(1)
    .default(3600)
    .describe('Longest clip `/api/cameras/{camera}/clip.mp4` cuts from recordings in one request.'),
});

export type ApiConfig = z.output<typeof apiSchema>;
