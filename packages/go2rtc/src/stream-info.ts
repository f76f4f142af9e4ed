import type { RawConnection, RawStream } from './schemas.js';
import type {
  Go2rtcCodec,
  Go2rtcConsumer,
  Go2rtcProducer,
  Go2rtcStream,
  Go2rtcStreamHealth,
  Go2rtcTrack,
} from './types.js';
import { withoutUndefined } from '@shiriki/options';

type RawTrack = NonNullable<RawConnection['receivers']>[number];

export function toStream(raw: RawStream | null): Go2rtcStream {
  return {
    producers: (raw?.producers ?? []).map(toProducer),
    consumers: (raw?.consumers ?? []).map(toConsumer),
  };
}

function toProducer(raw: RawConnection): Go2rtcProducer {
  return {
    ...connectionInfo(raw),
    // An idle producer marshals as `{ url }` alone; any connection field means go2rtc holds a live connection.
    state: raw.id !== undefined || raw.format_name !== undefined ? 'connected' : 'idle',
    receivers: (raw.receivers ?? []).map(toTrack),
  };
}

function toConsumer(raw: RawConnection): Go2rtcConsumer {
  return { ...connectionInfo(raw), senders: (raw.senders ?? []).map(toTrack) };
}

function connectionInfo(raw: RawConnection): Omit<Go2rtcConsumer, 'senders'> {
  return withoutUndefined({
    id: raw.id,
    formatName: raw.format_name,
    protocol: raw.protocol,
    remoteAddr: raw.remote_addr,
    source: raw.source,
    url: raw.url,
    userAgent: raw.user_agent,
    medias: raw.medias ?? [],
    bytesReceived: raw.bytes_recv,
    bytesSent: raw.bytes_send,
  });
}

function toTrack(raw: RawTrack): Go2rtcTrack {
  const codec: Go2rtcCodec | undefined = raw.codec
    ? withoutUndefined({
        name: raw.codec.codec_name,
        kind: raw.codec.codec_type,
        profile: raw.codec.profile,
        level: raw.codec.level,
        sampleRate: raw.codec.sample_rate,
        channels: raw.codec.channels,
      })
    : undefined;
  // go2rtc omits zero counters (`omitempty`), so a missing counter means zero.
  return withoutUndefined({
    id: raw.id,
    codec,
    bytes: raw.bytes ?? 0,
    packets: raw.packets ?? 0,
    drops: raw.drops ?? 0,
  });
}

export function summariseHealth(stream: Go2rtcStream): Go2rtcStreamHealth {
  const connected = stream.producers.filter((producer) => producer.state === 'connected');
  const codecs = new Set<string>();
  let bytesReceived: number | undefined;
  for (const producer of connected) {
    for (const track of producer.receivers) if (track.codec?.name) codecs.add(track.codec.name);
    if (producer.bytesReceived !== undefined) bytesReceived = (bytesReceived ?? 0) + producer.bytesReceived;
  }
  return withoutUndefined({
    online: connected.length > 0,
    producers: stream.producers.length,
    consumers: stream.consumers.length,
    codecs: [...codecs].sort(),
    bytesReceived,
  });
}
