export { ApiServer } from './api-server.js';
export { ANNOUNCE_ENV, INITIAL_ADMIN_PASSWORD_FILE, WEB_DIR_ENV } from './first-admin.js';
export type { ApiServerOptions, ApiServerState } from './api-server.js';
export { buildApiApp, API_VERSION } from './server.js';
export type { BuildApiAppOptions } from './server.js';
export type { ApiContext } from './context.js';
export { EventIndex } from './index-db/event-index.js';
export type { ApplyResult } from './index-db/event-index.js';
export type { EventRecord, EventQuery, EventPage, EventKeys } from './index-db/event-record.js';
export { openEventIndex } from './index-db/open.js';
export { SqliteDatabase } from './index-db/sqlite-database.js';
export { PostgresDatabase } from './index-db/postgres-database.js';
export type { SqlDatabase, SqlValue, Row } from './index-db/sql-database.js';
export { MIGRATIONS, SCHEMA_VERSION, migrate } from './index-db/migrations.js';
export { EventIndexer, EVENT_INDEXER_DEFAULTS } from './indexer.js';
export type { EventIndexerOptions } from './indexer.js';
export { UserStore, ROLES, TOKEN_PREFIX, MIN_PASSWORD_LENGTH } from './auth/user-store.js';
export type { User, Role, ApiTokenInfo } from './auth/user-store.js';
export { SESSION_COOKIE } from './auth/guard.js';
export { StatusBoard } from './live/status-board.js';
export { createApiMetrics } from './metrics.js';
export type { ApiMetrics } from './metrics.js';
export { parseRange } from './http/range.js';
export type { RangeRequest } from './http/range.js';
export { listRecordings, cutRecording, RecordingCutError } from './recordings.js';
export type { RecordingChunk } from './recordings.js';
export {
  ApiError,
  BadRequestError,
  NotFoundError,
  EventIndexError,
  UpstreamUnavailableError,
} from './errors.js';
