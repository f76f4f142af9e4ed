import { z } from 'zod';

/*
 * Shapes of go2rtc v1.9 `/api/streams` JSON. A stream marshals as `{ producers, consumers }` (either may be
 * `null`, Go's nil slice). A producer that has never connected, or is stopped, marshals as `{ url }` only; a
 * connected producer or a consumer marshals its `core.Connection` (id, format_name, protocol, remote_addr,
 * source, url, medias, receivers/senders, bytes_recv/bytes_send). Objects are loose because go2rtc adds
 * fields between releases and some connection types add their own.
 */

const codecSchema = z.looseObject({
  codec_name: z.string().optional(),
  codec_type: z.string().optional(),
  profile: z.string().optional(),
  level: z.number().optional(),
  sample_rate: z.number().optional(),
  channels: z.number().optional(),
});

const trackSchema = z.looseObject({
  id: z.number().optional(),
  codec: codecSchema.nullish(),
  bytes: z.number().optional(),
  packets: z.number().optional(),
  drops: z.number().optional(),
});

export const connectionSchema = z.looseObject({
  id: z.number().optional(),
  format_name: z.string().optional(),
  protocol: z.string().optional(),
  remote_addr: z.string().optional(),
  source: z.string().optional(),
  url: z.string().optional(),
  user_agent: z.string().optional(),
  medias: z.array(z.string()).nullish(),
  receivers: z.array(trackSchema).nullish(),
  senders: z.array(trackSchema).nullish(),
  bytes_recv: z.number().optional(),
  bytes_send: z.number().optional(),
});

export const streamSchema = z.looseObject({
  producers: z.array(connectionSchema).nullish(),
  consumers: z.array(connectionSchema).nullish(),
});

export const streamListSchema = z.record(z.string(), streamSchema.nullable());

export type RawConnection = z.infer<typeof connectionSchema>;
export type RawStream = z.infer<typeof streamSchema>;
