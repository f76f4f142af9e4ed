import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Row, SqlDatabase, SqlValue } from './sql-database.js';

/**
 * SQLite through better-sqlite3 (synchronous; a query on the indexed tables takes microseconds). WAL mode
 * lets the indexer write while requests read.
 */
export class SqliteDatabase implements SqlDatabase {
  readonly dialect = 'sqlite';
  readonly #db: Database.Database;
  #depth = 0;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.#db = new Database(path);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    this.#db.pragma('foreign_keys = ON');
    this.#db.pragma('busy_timeout = 5000');
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async to match PostgreSQL
  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.#db.prepare(sql).run(...params).changes;
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async to match PostgreSQL
  async all<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.#db.prepare(sql).all(...params) as T[];
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async to match PostgreSQL
  async get<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return this.#db.prepare(sql).get(...params) as T | undefined;
  }

  /**
   * better-sqlite3's own transactions cannot span an await; BEGIN IMMEDIATE/COMMIT can, and nothing else
   * runs on this connection meanwhile because callers serialise their writes (the indexer is sequential).
   */
  async transaction<T>(work: (tx: SqlDatabase) => Promise<T>): Promise<T> {
    if (this.#depth > 0) return work(this);
    this.#db.exec('BEGIN IMMEDIATE');
    this.#depth++;
    try {
      const result = await work(this);
      this.#db.exec('COMMIT');
      return result;
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    } finally {
      this.#depth--;
    }
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async to match PostgreSQL
  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
