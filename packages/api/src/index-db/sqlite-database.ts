import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Row, SqlDatabase, SqlValue } from './sql-database.js';

/**
 * SQLite through better-sqlite3 (synchronous; a query on the indexed tables takes microseconds). WAL mode
 * lets other processes read while this one writes.
 *
 * One connection serves every caller, and a transaction may await between its statements; meanwhile a
 * statement from another caller would land inside it (and be rolled back with it). So while a transaction
 * is open, other callers' statements wait for it to end; inside it, its own go straight through.
 */
export class SqliteDatabase implements SqlDatabase {
  readonly dialect = 'sqlite';
  readonly #db: Database.Database;
  /** Resolves when no transaction is open. */
  #idle: Promise<void> = Promise.resolve();
  /** The statements of the open transaction, which must not wait for it. */
  readonly #inside: SqlDatabase;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.#db = new Database(path);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    this.#db.pragma('foreign_keys = ON');
    this.#db.pragma('busy_timeout = 5000');
    const db = this.#db;
    this.#inside = {
      dialect: 'sqlite',
      run: (sql, params = []) => Promise.resolve(db.prepare(sql).run(...params).changes),
      all: <T extends Row = Row>(sql: string, params: readonly SqlValue[] = []) =>
        Promise.resolve(db.prepare(sql).all(...params) as T[]),
      get: <T extends Row = Row>(sql: string, params: readonly SqlValue[] = []) =>
        Promise.resolve(db.prepare(sql).get(...params) as T | undefined),
      // Nested: part of the transaction already open.
      transaction: (work) => work(this.#inside),
      close: () => this.close(),
    };
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    await this.#whenIdle();
    return this.#inside.run(sql, params);
  }

  async all<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    await this.#whenIdle();
    return this.#inside.all<T>(sql, params);
  }

  async get<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    await this.#whenIdle();
    return this.#inside.get<T>(sql, params);
  }

  /** Resolves when no transaction is open or queued; re-checks, because one may queue while it waits. */
  async #whenIdle(): Promise<void> {
    for (;;) {
      const idle = this.#idle;
      await idle;
      if (idle === this.#idle) return;
    }
  }

  async transaction<T>(work: (tx: SqlDatabase) => Promise<T>): Promise<T> {
    // Queue behind the transaction in progress, then hold the connection until this one ends.
    let release: () => void = () => undefined;
    const previous = this.#idle;
    this.#idle = previous.then(() => new Promise<void>((resolve) => (release = resolve)));
    await previous;
    try {
      this.#db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(this.#inside);
        this.#db.exec('COMMIT');
        return result;
      } catch (error) {
        this.#db.exec('ROLLBACK');
        throw error;
      }
    } finally {
      release();
    }
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async to match PostgreSQL
  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
