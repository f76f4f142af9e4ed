/** Base of every error the api package throws on purpose. */
export class ApiError extends Error {
  override name = 'ApiError';
}

/** The event index could not be opened, migrated or queried. */
export class EventIndexError extends ApiError {
  override name = 'EventIndexError';
  readonly operation: string;
  constructor(message: string, options: { operation: string; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.operation = options.operation;
  }
}

/** A query parameter or body field is invalid; answered with 400 and this message. */
export class BadRequestError extends ApiError {
  override name = 'BadRequestError';
  readonly statusCode = 400;
  readonly field: string | undefined;
  constructor(message: string, field?: string) {
    super(message);
    this.field = field;
  }
}

/** What the request names does not exist; answered with 404. */
export class NotFoundError extends ApiError {
  override name = 'NotFoundError';
  readonly statusCode = 404;
  readonly resource: string;
  constructor(resource: string, id: string) {
    super(`${resource} ${JSON.stringify(id)} not found`);
    this.resource = resource;
  }
}

/** Too many attempts from one client (login); answered with 429. */
export class TooManyRequestsError extends ApiError {
  override name = 'TooManyRequestsError';
  readonly statusCode = 429;
  readonly retryAfterMs: number;
  constructor(retryAfterMs: number) {
    super(`too many attempts; try again in ${Math.ceil(retryAfterMs / 1000)} s`);
    this.retryAfterMs = retryAfterMs;
  }
}

/** A dependency the route needs (go2rtc, NATS, the store) does not answer; answered with 503. */
export class UpstreamUnavailableError extends ApiError {
  override name = 'UpstreamUnavailableError';
  readonly statusCode = 503;
  readonly upstream: string;
  constructor(upstream: string, cause?: unknown) {
    super(`${upstream} is unavailable`, { cause });
    this.upstream = upstream;
  }
}
