import type { Bus, CameraSwitchBoard, Subjects } from '@shiriki/bus';
import type { ShirikiConfig } from '@shiriki/config';
import type { Go2rtcClient } from '@shiriki/go2rtc';
import type { ObjectStore } from '@shiriki/storage';
import type { Logger, Registry } from '@shiriki/telemetry';
import type { UserStore } from './auth/user-store.js';
import type { EventIndex } from './index-db/event-index.js';
import type { EventIndexer } from './indexer.js';
import type { StatusBoard } from './live/status-board.js';
import type { ApiMetrics } from './metrics.js';

/** Everything the routes use, built once by the service (or a test) and passed to {@link buildApiApp}. */
export interface ApiContext {
  config: ShirikiConfig;
  bus: Bus;
  subjects: Subjects;
  index: EventIndex;
  users: UserStore;
  store: ObjectStore;
  board: StatusBoard;
  /** The cameras' run-time switches (detect, motion, recordings, snapshots). */
  switches: CameraSwitchBoard;
  /** Absent when another replica or process feeds the index. */
  indexer?: EventIndexer | undefined;
  go2rtc: Go2rtcClient;
  registry: Registry;
  metrics: ApiMetrics;
  logger: Logger;
  ffmpegPath: string;
  /** Scratch space for clips cut from recordings. */
  workDir: string;
  /** The built web UI to serve at `/`, if any. */
  webDir?: string | undefined;
  /** False while starting or draining: /readyz answers 503. */
  ready: () => boolean;
}
