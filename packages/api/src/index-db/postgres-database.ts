import pg from 'pg';
import type { Row, SqlDatabase, SqlValue } from './sql-database.js';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** `?` placeholders as PostgreSQL's `$1, $2, ...`; our statements never hold a literal `?`. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Epoch milliseconds and counters fit a JS number exactly; pg would return BIGINT as a string. */
const numberParser = (value: string): number => Number(value);
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
    oid === INT8_OID || oid === NUMERIC_OID
      ? numberParser
      : (pg.types.getTypeParser as (oid: number, format?: string) => unknown)(
          oid,
          format,
        )) as typeof pg.types.getTypeParser,
};

/** PostgreSQL through a `pg` pool; several api replicas share one database. */
export class PostgresDatabase implements SqlDatabase {
  readonly dialect = 'postgres';
  readonly #pool: pg.Pool | undefined;
  readonly #client: pg.PoolClient | undefined;

  constructor(source: { url: string; maxConnections?: number } | { client: pg.PoolClient }) {
    if ('client' in source) {
      this.#client = source.client;
    } else {
      this.#pool = new pg.Pool({ connectionString: source.url, max: source.maxConnections ?? 10, types });
      // An idle client that loses its server must not crash the process; the next query reports it.
      this.#pool.on('error', () => undefined);
    }
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return (await this.#query(sql, params)).rowCount ?? 0;
  }

  async all<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return (await this.#query(sql, params)).rows as T[];
  }

  async get<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async transaction<T>(work: (tx: SqlDatabase) => Promise<T>): Promise<T> {
    if (this.#client) return work(this);
    const client = await this.#pool!.connect();
    try {
      await client.query('BEGIN');
      const result = await work(new PostgresDatabase({ client }));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.#pool?.end();
  }

  #query(sql: string, params: readonly SqlValue[]): Promise<pg.QueryResult> {
    const text = numberPlaceholders(sql);
    const values = params.map((value) => (typeof value === 'bigint' ? value.toString() : value));
    return (this.#client ?? this.#pool!).query(text, values);
  }
}
