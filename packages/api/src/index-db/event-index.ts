import type { ClipReady, ObjectEvent, PixelBox } from '@shiriki/bus';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { EventKeys, EventPage, EventQuery, EventRecord } from './event-record.js';
import { migrate } from './migrations.js';
import type { Row, SqlDatabase, SqlValue } from './sql-database.js';

/** What applying one stream message did. `stale`: the index already holds a newer message of that event. */
export type ApplyResult = 'applied' | 'stale' | 'deleted';

interface EventRow extends Row {
  id: string;
  camera: string;
  label: string;
  sub_label: string | null;
  score: number;
  top_score: number;
  box: string;
  zones: string;
  entered_zones: string;
  start_time: number;
  end_time: number | null;
  stationary: number;
  has_snapshot: number;
  snapshot_key: string | null;
  has_clip: number;
  clip_key: string | null;
  clip_snapshot_key: string | null;
  thumbnail_key: string | null;
  metadata_key: string | null;
  clip_start: number | null;
  clip_end: number | null;
  clip_duration_s: number | null;
  clip_partial: number;
  snapshot_box: string | null;
}

/** Rows made by a clip that arrived before its event (two streams, two consumers) are not events yet. */
const VISIBLE = 'deleted = 0 AND event_seq > 0';

const EVENT_COLUMNS = [
  'camera',
  'label',
  'sub_label',
  'score',
  'top_score',
  'box',
  'zones',
  'entered_zones',
  'start_time',
  'end_time',
  'stationary',
  'event_seq',
  'updated_at',
] as const;

const CLIP_COLUMNS = [
  'has_clip',
  'clip_key',
  'clip_snapshot_key',
  'thumbnail_key',
  'metadata_key',
  'clip_start',
  'clip_end',
  'clip_duration_s',
  'clip_partial',
  'clip_seq',
  'updated_at',
] as const;

/**
 * The event index: one row per tracked object, built from the events and clips streams. Every write names
 * the stream sequence it comes from and is applied only when newer than what the row holds, so redelivered
 * or replayed messages change nothing, and messages may be applied by several indexers at once (api
 * replicas on one PostgreSQL). A deleted event keeps a tombstone row so a late message cannot bring it back.
 */
export class EventIndex {
  private constructor(
    readonly db: SqlDatabase,
    /** Made with the schema; the durable consumer that feeds this index is named after it. */
    readonly indexId: string,
  ) {}

  /** Migrates the database to the current schema and opens the index on it. */
  static async open(db: SqlDatabase): Promise<EventIndex> {
    const { indexId } = await migrate(db);
    return new EventIndex(db, indexId);
  }

  async applyEvent(event: ObjectEvent, seq: number): Promise<ApplyResult> {
    return this.db.transaction(async (tx) => {
      const values: SqlValue[] = [
        event.id,
        event.camera,
        event.label,
        event.sub_label ?? null,
        event.score,
        event.top_score,
        JSON.stringify(event.box),
        JSON.stringify(event.zones),
        JSON.stringify(event.entered_zones),
        Math.round(event.start_time),
        event.end_time === undefined ? null : Math.round(event.end_time),
        event.stationary ? 1 : 0,
        seq,
        Date.now(),
        event.snapshot?.key ?? null,
        event.snapshot?.key === undefined ? null : event.snapshot.score,
        event.snapshot?.key === undefined || event.snapshot.box === undefined
          ? null
          : JSON.stringify(event.snapshot.box),
      ];
      const changed = await tx.run(
        `INSERT INTO events (id, ${EVENT_COLUMNS.join(', ')}, snapshot_key, snapshot_score, snapshot_box, has_snapshot)
         VALUES (?, ${EVENT_COLUMNS.map(() => '?').join(', ')}, ?, ?, ?, ${event.snapshot?.key ? 1 : 0})
         ON CONFLICT (id) DO UPDATE SET
           ${EVENT_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')},
           snapshot_key = COALESCE(excluded.snapshot_key, events.snapshot_key),
           snapshot_score = COALESCE(excluded.snapshot_score, events.snapshot_score),
           snapshot_box = CASE WHEN excluded.snapshot_key IS NULL THEN events.snapshot_box ELSE excluded.snapshot_box END,
           has_snapshot = CASE WHEN excluded.has_snapshot = 1 THEN 1 ELSE events.has_snapshot END
         WHERE events.event_seq < excluded.event_seq AND events.deleted = 0`,
        values,
      );
      if (changed === 0) return this.#whyUnchanged(tx, event.id);
      await tx.run(`DELETE FROM event_zones WHERE event_id = ?`, [event.id]);
      for (const zone of new Set([...event.entered_zones, ...event.zones])) {
        await tx.run(`INSERT INTO event_zones (event_id, zone) VALUES (?, ?)`, [event.id, zone]);
      }
      return 'applied';
    });
  }

  async applyClip(clip: ClipReady, seq: number): Promise<ApplyResult> {
    const values: SqlValue[] = [
      clip.event_id,
      clip.camera,
      Math.round(clip.start),
      1,
      clip.keys.clip,
      clip.keys.snapshot ?? null,
      clip.keys.thumbnail ?? null,
      clip.keys.metadata,
      Math.round(clip.start),
      Math.round(clip.end),
      clip.duration_s,
      clip.partial === true ? 1 : 0,
      seq,
      Date.now(),
    ];
    const changed = await this.db.run(
      `INSERT INTO events (id, camera, start_time, ${CLIP_COLUMNS.join(', ')})
       VALUES (?, ?, ?, ${CLIP_COLUMNS.map(() => '?').join(', ')})
       ON CONFLICT (id) DO UPDATE SET ${CLIP_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}
       WHERE events.clip_seq < excluded.clip_seq AND events.deleted = 0`,
      values,
    );
    return changed === 0 ? this.#whyUnchanged(this.db, clip.event_id) : 'applied';
  }

  async get(id: string): Promise<EventRecord | undefined> {
    const row = await this.db.get<EventRow>(`SELECT * FROM events WHERE id = ? AND ${VISIBLE}`, [id]);
    return row && toRecord(row);
  }

  /** Store keys of a visible event. */
  async keys(id: string): Promise<EventKeys | undefined> {
    const row = await this.db.get<EventRow>(
      `SELECT camera, snapshot_key, clip_snapshot_key, clip_key, thumbnail_key, metadata_key
       FROM events WHERE id = ? AND ${VISIBLE}`,
      [id],
    );
    if (!row) return undefined;
    return {
      camera: row.camera,
      clip: row.clip_key,
      snapshot: row.snapshot_key ?? row.clip_snapshot_key,
      thumbnail: row.thumbnail_key,
      metadata: row.metadata_key,
    };
  }

  async query(q: EventQuery): Promise<EventPage> {
    const where: string[] = [VISIBLE];
    const params: SqlValue[] = [];
    const add = (clause: string, ...values: SqlValue[]) => {
      where.push(clause);
      params.push(...values);
    };
    const anyOf = (values: readonly string[]) => values.map(() => '?').join(', ');
    if (q.cameras?.length) add(`camera IN (${anyOf(q.cameras)})`, ...q.cameras);
    if (q.labels?.length) add(`label IN (${anyOf(q.labels)})`, ...q.labels);
    if (q.zones?.length) {
      add(
        `EXISTS (SELECT 1 FROM event_zones z WHERE z.event_id = events.id AND z.zone IN (${anyOf(q.zones)}))`,
        ...q.zones,
      );
    }
    if (q.after !== undefined) add('start_time >= ?', Math.round(q.after));
    if (q.before !== undefined) add('start_time < ?', Math.round(q.before));
    if (q.has_clip !== undefined) add('has_clip = ?', q.has_clip ? 1 : 0);
    if (q.cursor !== undefined) {
      const c = decodeCursor(q.cursor);
      add('(start_time < ? OR (start_time = ? AND id < ?))', c.startTime, c.startTime, c.id);
    }
    const rows = await this.db.all<EventRow>(
      `SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY start_time DESC, id DESC LIMIT ?`,
      [...params, q.limit + 1],
    );
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      events: page.map(toRecord),
      next_cursor:
        rows.length > q.limit && last ? encodeCursor({ startTime: last.start_time, id: last.id }) : null,
    };
  }

  /** Hides the event for good (a tombstone row stays, so late messages cannot bring it back). */
  async markDeleted(id: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const changed = await tx.run(
        `UPDATE events SET deleted = 1, updated_at = ? WHERE id = ? AND ${VISIBLE}`,
        [Date.now(), id],
      );
      await tx.run(`DELETE FROM event_zones WHERE event_id = ?`, [id]);
      return changed > 0;
    });
  }

  async count(): Promise<number> {
    const row = await this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM events WHERE ${VISIBLE}`);
    return Number(row?.n ?? 0);
  }

  /** Most recent event start per camera, for the cameras list. */
  async lastEventTimes(): Promise<Map<string, number>> {
    const rows = await this.db.all<{ camera: string; t: number }>(
      `SELECT camera, MAX(start_time) AS t FROM events WHERE ${VISIBLE} GROUP BY camera`,
    );
    return new Map(rows.map((r) => [r.camera, Number(r.t)]));
  }

  /**
   * Records motion on a camera: `started` opens a period, `ended` closes it. Keyed by camera and start, so
   * replicas that both see the alert write one row.
   */
  async recordMotion(camera: string, startedAt: number, endedAt: number | null): Promise<void> {
    await this.db.run(
      `INSERT INTO motion_periods (camera, start_time, end_time) VALUES (?, ?, ?)
       ON CONFLICT (camera, start_time) DO UPDATE SET end_time = COALESCE(excluded.end_time, motion_periods.end_time)`,
      [camera, Math.round(startedAt), endedAt === null ? null : Math.round(endedAt)],
    );
  }

  /** Motion periods of a camera overlapping `[after, before)`, oldest first (end null: still moving). */
  async motion(
    camera: string,
    after: number,
    before: number,
  ): Promise<Array<{ start: number; end: number | null }>> {
    const rows = await this.db.all<{ start_time: number; end_time: number | null }>(
      `SELECT start_time, end_time FROM motion_periods
       WHERE camera = ? AND start_time < ? AND (end_time IS NULL OR end_time > ?)
       ORDER BY start_time LIMIT 10000`,
      [camera, Math.round(before), Math.round(after)],
    );
    return rows.map((r) => ({
      start: Number(r.start_time),
      end: r.end_time === null ? null : Number(r.end_time),
    }));
  }

  close(): Promise<void> {
    return this.db.close();
  }

  async #whyUnchanged(db: SqlDatabase, id: string): Promise<ApplyResult> {
    const row = await db.get<{ deleted: number }>(`SELECT deleted FROM events WHERE id = ?`, [id]);
    return row && Number(row.deleted) === 1 ? 'deleted' : 'stale';
  }
}

function toRecord(row: EventRow): EventRecord {
  return {
    id: row.id,
    camera: row.camera,
    label: row.label,
    sub_label: row.sub_label,
    score: Number(row.score),
    top_score: Number(row.top_score),
    box: JSON.parse(row.box) as PixelBox,
    zones: JSON.parse(row.zones) as string[],
    entered_zones: JSON.parse(row.entered_zones) as string[],
    start_time: Number(row.start_time),
    end_time: row.end_time === null ? null : Number(row.end_time),
    stationary: Number(row.stationary) === 1,
    has_snapshot: Number(row.has_snapshot) === 1 || row.clip_snapshot_key !== null,
    has_clip: Number(row.has_clip) === 1,
    snapshot_box: row.snapshot_box === null ? null : (JSON.parse(row.snapshot_box) as PixelBox),
    clip:
      Number(row.has_clip) === 1
        ? {
            start: Number(row.clip_start),
            end: Number(row.clip_end),
            duration_s: Number(row.clip_duration_s),
            partial: Number(row.clip_partial) === 1,
          }
        : null,
  };
}
