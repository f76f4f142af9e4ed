/** A row as the drivers return it: column name to value. */
export type Row = Record<string, unknown>;
export type SqlValue = string | number | bigint | null;

/**
 * The little SQL both index backends need. Statements are written once with `?` placeholders; the
 * PostgreSQL backend numbers them. Every method is async because PostgreSQL is.
 */
export interface SqlDatabase {
  readonly dialect: 'sqlite' | 'postgres';
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  all<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** Runs `work` in one transaction; statements inside must go through the `tx` it gets. */
  transaction<T>(work: (tx: SqlDatabase) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
