/** One codec as go2rtc reports it (ffprobe-style names: `h264`, `hevc`, `aac`, `pcm_mulaw`, ...). */
export interface Go2rtcCodec {
  name?: string;
  /** `video` or `audio`. */
  kind?: string;
  profile?: string;
  level?: number;
  sampleRate?: number;
  channels?: number;
}

/** A receiver (producer side) or sender (consumer side) track with its traffic counters. */
export interface Go2rtcTrack {
  id?: number;
  codec?: Go2rtcCodec;
  bytes: number;
  packets: number;
  drops: number;
}

/** Fields go2rtc reports for any live connection (`core.Connection`). */
interface Go2rtcConnectionInfo {
  id?: number;
  /** `rtsp`, `webrtc`, `mp4`, `mjpeg`, `exec`, ... */
  formatName?: string;
  /** `tcp`, `udp`, `http`, `ws`, `pipe`, ... */
  protocol?: string;
  remoteAddr?: string;
  /** For a producer started by a redirect (e.g. `ffmpeg:`), the source it resolved to (`exec:ffmpeg ...`). */
  source?: string;
  /** Connection URL; for an idle producer, the configured source. May contain credentials. */
  url?: string;
  userAgent?: string;
  /** go2rtc's media descriptions, e.g. `video, recvonly, H264`. */
  medias: string[];
  bytesReceived?: number;
  bytesSent?: number;
}

export interface Go2rtcProducer extends Go2rtcConnectionInfo {
  /**
   * `idle`: go2rtc only knows the configured URL (no consumer asked for media yet, or all left);
   * `connected`: a connection to the source exists and reports its details.
   */
  state: 'idle' | 'connected';
  receivers: Go2rtcTrack[];
}

export interface Go2rtcConsumer extends Go2rtcConnectionInfo {
  senders: Go2rtcTrack[];
}

export interface Go2rtcStream {
  producers: Go2rtcProducer[];
  consumers: Go2rtcConsumer[];
}

/** A summary of one stream for health checks and dashboards. */
export interface Go2rtcStreamHealth {
  /** At least one producer is connected to its source. */
  online: boolean;
  producers: number;
  consumers: number;
  /** Distinct codec names the connected producers deliver, e.g. `['h264', 'aac']`. */
  codecs: string[];
  /** Bytes received from the source(s) by connected producers; absent when go2rtc reports none. */
  bytesReceived?: number;
}
