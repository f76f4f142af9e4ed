export { renderGo2rtcConfig } from './config.js';
export type { Go2rtcConfigOptions, Go2rtcCameraSource } from './config.js';
export { Go2rtcClient, GO2RTC_CLIENT_DEFAULTS } from './client.js';
export type { Go2rtcClientOptions, SnapshotOptions } from './client.js';
export type {
  Go2rtcStream,
  Go2rtcProducer,
  Go2rtcConsumer,
  Go2rtcTrack,
  Go2rtcCodec,
  Go2rtcStreamHealth,
} from './types.js';
export { ensureStreams } from './ensure-streams.js';
export type { EnsureStreamsResult } from './ensure-streams.js';
export { matchSource } from './source-match.js';
export type { SourceMatch } from './source-match.js';
export { rtspUrl } from './rtsp-url.js';
export {
  Go2rtcApiError,
  Go2rtcUnavailableError,
  Go2rtcStreamExistsError,
  Go2rtcConfigError,
} from './errors.js';
