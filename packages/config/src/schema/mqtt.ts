import { z } from 'zod';

// MQTT topic levels of our own: no wildcards, no empty level, no leading or trailing slash.
const topicPath = z
  .string()
  .regex(/^[^/#+\s]+(\/[^/#+\s]+)*$/, 'expected topic levels separated by / (no #, + or spaces)');

const mqttTlsSchema = z.strictObject({
  enabled: z.boolean().default(false).describe('Connect to the broker over TLS (mqtts).'),
  ca_file: z.string().min(1).optional().describe('CA certificate that signed the broker certificate.'),
  cert_file: z.string().min(1).optional().describe('Client certificate, for brokers that require one.'),
  key_file: z.string().min(1).optional().describe('Private key of `cert_file`.'),
  reject_unauthorized: z
    .boolean()
    .default(true)
    .describe(
      'Refuse a broker certificate that does not verify; turn off only for a self-signed test broker.',
    ),
});

export const mqttSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .describe(
        "Run the MQTT bridge: events, reviews, counts, motion and snapshots in Frigate's topic layout.",
      ),
    host: z
      .string()
      .min(1)
      .optional()
      .describe(
        "The broker's host name. Without it, `shiriki up` serves MQTT from its own nats-server (no extra process); services started on their own need it.",
      ),
    port: z.number().int().min(1).max(65535).default(1883).describe('Broker port (8883 is usual with TLS).'),
    user: z.string().min(1).optional().describe('User name for the broker.'),
    password: z.string().min(1).optional().describe('Password for `user`; use `${MQTT_PASSWORD}`.'),
    tls: mqttTlsSchema.prefault({}).describe('TLS to the broker.'),
    client_id: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe('MQTT client id (default: `shiriki-<instance>`, unique per bridge process).'),
    topic_prefix: topicPath
      .default('shiriki')
      .describe(
        'First level of every topic; `frigate` makes automations written for Frigate work unchanged.',
      ),
    qos: z
      .union([z.literal(0), z.literal(1)])
      .default(1)
      .describe('QoS of every message; with 1 an event is taken off the bus only once the broker has it.'),
    stats_interval_s: z
      .number()
      .int()
      .min(5)
      .default(60)
      .describe('Seconds between `<prefix>/stats` messages.'),
    max_queued_messages: z
      .number()
      .int()
      .min(1)
      .default(10_000)
      .describe(
        'While the broker is away: state messages kept (the latest per topic) before the oldest are dropped and counted. Events wait on the bus instead.',
      ),
    discovery: z
      .strictObject({
        enabled: z
          .boolean()
          .default(true)
          .describe('Publish Home Assistant MQTT discovery configs (retained).'),
        prefix: topicPath.default('homeassistant').describe("Home Assistant's discovery prefix."),
      })
      .prefault({})
      .describe('Home Assistant MQTT discovery: one device per camera with its entities.'),
  })
  .check((ctx) => {
    const m = ctx.value;
    const push = (path: string, message: string) =>
      ctx.issues.push({ code: 'custom', path: [path], message, input: m });
    if (m.password !== undefined && m.user === undefined)
      push('user', 'password is set, so user is required');
    if ((m.tls.cert_file === undefined) !== (m.tls.key_file === undefined))
      push('tls', 'cert_file and key_file go together');
  });

export type MqttConfig = z.output<typeof mqttSchema>;
