/** ffmpeg could not read video from an RTSP URL; `url` has any credentials redacted. */
export class RtspReadError extends Error {
  override readonly name = 'RtspReadError';
  constructor(
    readonly url: string,
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly ffmpegError: string,
  ) {
    super(`ffmpeg could not read ${url} (exit code ${exitCode}, signal ${signal}): ${ffmpegError}`);
  }
}
