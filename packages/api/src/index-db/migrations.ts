import { randomBytes } from 'node:crypto';
import type { SqlDatabase } from './sql-database.js';

/** One schema step. Statements use types both SQLite and PostgreSQL understand. */
interface Migration {
  version: number;
  description: string;
  statements: readonly string[];
}

/**
 * The schema, oldest step first. Never edit a step that has shipped: add one. Booleans are 0/1 integers
 * and times are epoch milliseconds (BIGINT), so both dialects read back the same values.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'events, zones, users, sessions, API tokens',
    statements: [
      `CREATE TABLE index_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)`,
      `CREATE TABLE events (
        id TEXT PRIMARY KEY,
        camera TEXT NOT NULL,
        label TEXT NOT NULL DEFAULT '',
        sub_label TEXT,
        score DOUBLE PRECISION NOT NULL DEFAULT 0,
        top_score DOUBLE PRECISION NOT NULL DEFAULT 0,
        box TEXT NOT NULL DEFAULT '[]',
        zones TEXT NOT NULL DEFAULT '[]',
        entered_zones TEXT NOT NULL DEFAULT '[]',
        start_time BIGINT NOT NULL,
        end_time BIGINT,
        stationary INTEGER NOT NULL DEFAULT 0,
        has_snapshot INTEGER NOT NULL DEFAULT 0,
        snapshot_key TEXT,
        snapshot_score DOUBLE PRECISION,
        has_clip INTEGER NOT NULL DEFAULT 0,
        clip_key TEXT,
        clip_snapshot_key TEXT,
        thumbnail_key TEXT,
        metadata_key TEXT,
        clip_start BIGINT,
        clip_end BIGINT,
        clip_duration_s DOUBLE PRECISION,
        clip_partial INTEGER NOT NULL DEFAULT 0,
        event_seq BIGINT NOT NULL DEFAULT 0,
        clip_seq BIGINT NOT NULL DEFAULT 0,
        deleted INTEGER NOT NULL DEFAULT 0,
        updated_at BIGINT NOT NULL
      )`,
      `CREATE INDEX events_by_time ON events (start_time DESC, id DESC)`,
      `CREATE INDEX events_by_camera ON events (camera, start_time DESC, id DESC)`,
      `CREATE INDEX events_by_label ON events (label, start_time DESC, id DESC)`,
      `CREATE TABLE event_zones (
        event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
        zone TEXT NOT NULL,
        PRIMARY KEY (zone, event_id)
      )`,
      `CREATE INDEX event_zones_by_event ON event_zones (event_id)`,
      `CREATE TABLE users (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL,
        must_change_password INTEGER NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL
      )`,
      `CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
      )`,
      `CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL,
        last_used_at BIGINT
      )`,
    ],
  },
  {
    version: 2,
    description: 'camera + label index: a rare pair must not scan every event of the camera',
    statements: [`CREATE INDEX events_by_camera_label ON events (camera, label, start_time DESC, id DESC)`],
  },
  {
    version: 3,
    description: 'motion periods per camera, for the recordings timeline',
    statements: [
      `CREATE TABLE motion_periods (
        camera TEXT NOT NULL,
        start_time BIGINT NOT NULL,
        end_time BIGINT,
        PRIMARY KEY (camera, start_time)
      )`,
    ],
  },
  {
    version: 4,
    description: "the object's box in its snapshot, to draw it there",
    statements: [`ALTER TABLE events ADD COLUMN snapshot_box TEXT`],
  },
];

/** Where the migration lock lives in PostgreSQL: one advisory lock id for every replica. */
const PG_MIGRATION_LOCK = 0x5348_4952; // "SHIR"

/**
 * Applies the steps the database has not seen yet, each in its own transaction, and returns the index id
 * (created with the schema; it names the index's durable JetStream consumer). Replicas starting together
 * on PostgreSQL take turns through an advisory lock.
 */
export async function migrate(db: SqlDatabase): Promise<{ indexId: string; applied: number[] }> {
  return db.transaction(async (tx) => {
    if (tx.dialect === 'postgres') await tx.run(`SELECT pg_advisory_xact_lock(${PG_MIGRATION_LOCK})`);
    await tx.run(
      `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`,
    );
    const done = new Set(
      (await tx.all<{ version: number }>(`SELECT version FROM schema_migrations`)).map((r) =>
        Number(r.version),
      ),
    );
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      for (const statement of migration.statements) await tx.run(statement);
      await tx.run(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, [
        migration.version,
        Date.now(),
      ]);
      applied.push(migration.version);
    }
    const existing = await tx.get<{ value: string }>(`SELECT value FROM index_meta WHERE name = 'index_id'`);
    if (existing) return { indexId: existing.value, applied };
    const indexId = randomBytes(6).toString('hex');
    await tx.run(`INSERT INTO index_meta (name, value) VALUES ('index_id', ?)`, [indexId]);
    return { indexId, applied };
  });
}

/** The newest schema version this code knows. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;
