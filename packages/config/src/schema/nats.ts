import { z } from 'zod';

const natsUrl = z.url({
  protocol: /^(nats|tls|ws|wss)$/,
  error: 'expected a NATS URL such as nats://127.0.0.1:4222 (schemes: nats, tls, ws, wss)',
});

export const natsSchema = z
  .strictObject({
    servers: z
      .array(natsUrl)
      .min(1, 'list at least one NATS server')
      .default(['nats://127.0.0.1:4222'])
      .describe('NATS server URLs; the client fails over between them.'),
    name: z.string().min(1).optional().describe('Client connection name (default: the service name).'),
    user: z
      .string()
      .min(1)
      .optional()
      .describe("User for user/password authentication; `shiriki up`'s own nats-server then asks for it."),
    password: z.string().min(1).optional().describe('Password for `user`; use `${NATS_PASSWORD}`.'),
    token: z
      .string()
      .min(1)
      .optional()
      .describe("Token authentication; `shiriki up`'s own nats-server then asks for it."),
    nkey_seed: z
      .string()
      .min(1)
      .optional()
      .describe(
        "NKey seed (starts with SU) for NKey authentication; `shiriki up`'s own nats-server then knows its public key.",
      ),
    creds_file: z
      .string()
      .min(1)
      .optional()
      .describe('JWT credentials file (.creds) for decentralised auth.'),
    tls: z
      .strictObject({
        ca_file: z.string().min(1).optional().describe('CA certificate that signed the server certificate.'),
        cert_file: z.string().min(1).optional().describe('Client certificate for mutual TLS.'),
        key_file: z.string().min(1).optional().describe('Private key of `cert_file`.'),
        server_cert_file: z
          .string()
          .min(1)
          .optional()
          .describe(
            "Certificate `shiriki up`'s own nats-server presents (signed by `ca_file`); with it, that server takes only TLS connections.",
          ),
        server_key_file: z.string().min(1).optional().describe('Private key of `server_cert_file`.'),
      })
      .optional()
      .describe('TLS settings; set to use TLS with a private CA or client certificates.'),
    subject_prefix: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'subject_prefix must be one NATS token: A-Z, a-z, 0-9, _ or -')
      .default('shiriki')
      .describe('First token of every subject and stream name, to share one NATS with other systems.'),
  })
  .check((ctx) => {
    const n = ctx.value;
    const push = (path: string, message: string) =>
      ctx.issues.push({ code: 'custom', path: [path], message, input: n });
    if (n.password !== undefined && n.user === undefined)
      push('user', 'password is set, so user is required');
    if (n.user !== undefined && n.password === undefined)
      push('password', 'user is set, so password is required');
    const methods = [
      n.user !== undefined && 'user/password',
      n.token !== undefined && 'token',
      n.nkey_seed !== undefined && 'nkey_seed',
      n.creds_file !== undefined && 'creds_file',
    ].filter((m): m is string => m !== false);
    if (methods.length > 1)
      push(
        methods[1] === 'user/password' ? 'user' : 'token',
        `choose one authentication method, not ${methods.join(' and ')}`,
      );
    if (n.tls && (n.tls.server_cert_file === undefined) !== (n.tls.server_key_file === undefined)) {
      ctx.issues.push({
        code: 'custom',
        path: ['tls', n.tls.server_cert_file === undefined ? 'server_cert_file' : 'server_key_file'],
        message: 'server_cert_file and server_key_file go together',
        input: n,
      });
    }
    if (n.tls && (n.tls.cert_file === undefined) !== (n.tls.key_file === undefined)) {
      ctx.issues.push({
        code: 'custom',
        path: ['tls', n.tls.cert_file === undefined ? 'cert_file' : 'key_file'],
        message: 'cert_file and key_file go together',
        input: n,
      });
    }
  });

export type NatsConfig = z.output<typeof natsSchema>;
