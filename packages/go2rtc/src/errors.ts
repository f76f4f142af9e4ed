/** go2rtc answered, but not with what the request needed (non-2xx status or an unusable body). */
export class Go2rtcApiError extends Error {
  override readonly name = 'Go2rtcApiError';
  constructor(
    message: string,
    /** HTTP status; 200 when the status was fine but the body was not (e.g. an empty snapshot). */
    readonly status: number,
    /** Request method and URL with every credential redacted. */
    readonly method: string,
    readonly url: string,
    /** Response body (redacted, truncated), as go2rtc puts its error text there. */
    readonly body: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** go2rtc could not be reached: connection refused or reset, DNS failure, or no answer within the timeout. */
export class Go2rtcUnavailableError extends Error {
  override readonly name = 'Go2rtcUnavailableError';
  constructor(
    message: string,
    readonly method: string,
    /** Request URL with every credential redacted. */
    readonly url: string,
    readonly reason: 'timeout' | 'network',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `addStream` was asked to create a stream that go2rtc already has. */
export class Go2rtcStreamExistsError extends Error {
  override readonly name = 'Go2rtcStreamExistsError';
  constructor(readonly stream: string) {
    super(`go2rtc already has a stream named "${stream}"`);
  }
}

/** The cameras given to `renderGo2rtcConfig` cannot form a go2rtc config. */
export class Go2rtcConfigError extends Error {
  override readonly name = 'Go2rtcConfigError';
  constructor(
    message: string,
    readonly camera: string,
  ) {
    super(message);
  }
}
