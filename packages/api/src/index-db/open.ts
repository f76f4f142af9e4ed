import type { ApiConfig } from '@shiriki/config';
import { EventIndex } from './event-index.js';
import { PostgresDatabase } from './postgres-database.js';
import type { SqlDatabase } from './sql-database.js';
import { SqliteDatabase } from './sqlite-database.js';
import { EventIndexError } from '../errors.js';

/** Opens the database the config names (SQLite file or PostgreSQL) and migrates it. */
export async function openEventIndex(index: ApiConfig['index']): Promise<EventIndex> {
  let db: SqlDatabase;
  try {
    db =
      index.type === 'postgres'
        ? new PostgresDatabase({ url: index.postgres_url! })
        : new SqliteDatabase(index.sqlite_path);
    return await EventIndex.open(db);
  } catch (error) {
    const where = index.type === 'postgres' ? 'PostgreSQL' : `SQLite file ${index.sqlite_path}`;
    throw new EventIndexError(
      `cannot open the event index in ${where}: ${error instanceof Error ? error.message : String(error)}`,
      { operation: 'open', cause: error },
    );
  }
}
