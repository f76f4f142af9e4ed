import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { CameraSwitchBoard, type Bus, type BusMetrics, type Subjects } from '@shiriki/bus';
import { switchDefaultsFor, type ShirikiConfig } from '@shiriki/config';
import { Go2rtcClient } from '@shiriki/go2rtc';
import { resolveFfmpegPath } from '@shiriki/process';
import { createObjectStore, type ObjectStore } from '@shiriki/storage';
import type { Logger, Registry } from '@shiriki/telemetry';
import { UserStore } from './auth/user-store.js';
import type { ApiContext } from './context.js';
import type { EventIndex } from './index-db/event-index.js';
import { openEventIndex } from './index-db/open.js';
import { EventIndexer } from './indexer.js';
import { StatusBoard } from './live/status-board.js';
import { ANNOUNCE_ENV, INITIAL_ADMIN_PASSWORD_FILE, WEB_DIR_ENV } from './first-admin.js';
import { createApiMetrics } from './metrics.js';
import { buildApiApp } from './server.js';

export interface ApiServerOptions {
  config: ShirikiConfig;
  bus: Bus;
  subjects: Subjects;
  logger: Logger;
  registry: Registry;
  busMetrics?: BusMetrics;
  /** Overrides `api.host` / `api.port` (tests listen on port 0). */
  listen?: { host?: string; port?: number };
  /** Defaults to the store the config names. */
  store?: ObjectStore;
  /** Feed the index from the streams (default true); off for a read-only replica. */
  runIndexer?: boolean;
  /**
   * Shows the generated admin password on first start. Default: one line on stdout. The password is also
   * in `<data_dir>/api/initial-admin-password` (mode 0600) until the admin changes it; never in a log.
   */
  announceInitialAdmin?: (credentials: { username: string; password: string; file: string }) => void;
}

export type ApiServerState = 'starting' | 'running' | 'draining' | 'stopped';

/**
 * The api service's component: opens the event index, creates the first admin, follows the bus, feeds the
 * index and serves HTTP. `stop()` drains: stops accepting connections and lets requests in progress finish,
 * stops the indexer after its current write, then closes the index.
 */
export class ApiServer {
  #state: ApiServerState = 'starting';

  private constructor(
    readonly app: FastifyInstance,
    readonly url: string,
    private readonly index: EventIndex,
    private readonly board: StatusBoard,
    private readonly indexer: EventIndexer | undefined,
    private readonly setState: (state: ApiServerState) => void,
  ) {}

  get state(): ApiServerState {
    return this.#state;
  }

  static async start(options: ApiServerOptions): Promise<ApiServer> {
    const { config, bus, subjects, logger, registry } = options;
    const index = await openEventIndex(config.api.index);
    // What has started so far, undone in reverse if a later step fails (a taken port, say).
    const started: Array<() => Promise<void>> = [() => index.close()];
    try {
      const users = new UserStore(index.db, config.api.auth.session_ttl_hours * 3_600_000);
      await ApiServer.#initialAdmin(users, config, options);
      const store = options.store ?? createObjectStore(config.storage, { logger });
      await store.ensureReady();
      const metrics = createApiMetrics(registry);
      const board = new StatusBoard({
        bus,
        subjects,
        logger,
        ...(options.busMetrics ? { busMetrics: options.busMetrics } : {}),
        onMotion: (camera, startedAt, endedAt) => index.recordMotion(camera, startedAt, endedAt),
      });
      await board.start();
      started.push(() => board.stop());
      const indexer =
        options.runIndexer === false
          ? undefined
          : new EventIndexer({ bus, subjects, index, logger, metrics });
      indexer?.start();
      if (indexer) started.push(() => indexer.stop());
      const switches = await CameraSwitchBoard.open(
        bus.js,
        subjects.buckets.cameraSwitches,
        switchDefaultsFor(Object.values(config.cameras)),
        config.events.stream_replicas,
      );
      const workDir = join(config.data_dir, 'api', 'tmp');
      await rm(workDir, { recursive: true, force: true });
      await mkdir(workDir, { recursive: true });
      let state: ApiServerState = 'starting';
      const ctx: ApiContext = {
        config,
        bus,
        subjects,
        index,
        users,
        store,
        board,
        switches,
        indexer,
        go2rtc: new Go2rtcClient({ apiUrl: config.go2rtc.api_url }),
        registry,
        metrics,
        logger,
        ffmpegPath: resolveFfmpegPath(),
        workDir,
        webDir: config.api.web_dir ?? process.env[WEB_DIR_ENV],
        ready: () => state === 'running',
      };
      const app = await buildApiApp(ctx);
      started.push(() => app.close());
      const url = await app.listen({
        host: options.listen?.host ?? config.api.host,
        port: options.listen?.port ?? config.api.port,
      });
      const server = new ApiServer(app, url, index, board, indexer, (next) => {
        state = next;
        server.#state = next;
      });
      server.setState('running');
      logger.info({ url, index: config.api.index.type, auth: config.api.auth.enabled }, 'api listening');
      return server;
    } catch (error) {
      for (const undo of started.reverse()) await undo().catch(() => undefined);
      throw error;
    }
  }

  async stop(): Promise<void> {
    if (this.#state === 'stopped' || this.#state === 'draining') return;
    this.setState('draining');
    await this.app.close();
    await this.indexer?.stop();
    await this.board.stop();
    await this.index.close();
    this.setState('stopped');
  }

  static async #initialAdmin(
    users: UserStore,
    config: ShirikiConfig,
    options: ApiServerOptions,
  ): Promise<void> {
    const dir = join(config.data_dir, 'api');
    const file = join(dir, INITIAL_ADMIN_PASSWORD_FILE);
    const created = await users.ensureInitialAdmin();
    if (!created) {
      const admin = await users.findByName('admin');
      if (!admin || !admin.must_change_password) await rm(file, { force: true });
      return;
    }
    await mkdir(dir, { recursive: true });
    await writeFile(file, `${created.password}\n`, { mode: 0o600 });
    await chmod(file, 0o600);
    const quiet = process.env[ANNOUNCE_ENV] === 'file';
    const announce =
      options.announceInitialAdmin ??
      ((c) =>
        !quiet &&
        process.stdout.write(
          `\nshiriki api: first start. Log in as "${c.username}" with password ${c.password}\n` +
            `(shown once; also in ${c.file} until you change it)\n\n`,
        ));
    announce({ ...created, file });
  }
}
