// The event index contract, run against both backends: SQLite in a temporary file and a fresh PostgreSQL
// database on the local server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { join } from 'node:path';
import { makeTempDir, removeTempDir } from '@shiriki/testing';
import { EventIndex, PostgresDatabase, SqliteDatabase, type SqlDatabase } from '@shiriki/api';
import { clipReady, objectEvent } from './fixtures.js';
import { createTestDatabase } from './postgres.js';

interface Backend {
  name: string;
  open: () => Promise<SqlDatabase>;
  cleanup: () => Promise<void>;
}

const dir = makeTempDir('api-index');
let pgDb: { url: string; drop: () => Promise<void> } | undefined;
const backends: Backend[] = [
  {
    name: 'sqlite',
    open: () => Promise.resolve(new SqliteDatabase(join(dir, `index-${Math.random()}.db`))),
    cleanup: () => Promise.resolve(),
  },
  {
    name: 'postgres',
    // Each test gets its own schema-free database state by truncating the shared test database.
    open: async () => {
      pgDb ??= await createTestDatabase();
      const db = new PostgresDatabase({ url: pgDb.url });
      await db.run(
        'DROP TABLE IF EXISTS event_zones, events, api_tokens, sessions, users, index_meta, schema_migrations',
      );
      return db;
    },
    cleanup: async () => {
      await pgDb?.drop();
    },
  },
];

after(async () => {
  for (const b of backends) await b.cleanup();
  await removeTempDir(dir);
});

for (const backend of backends) {
  describe(`event index on ${backend.name}`, () => {
    let index: EventIndex;
    before(async () => {
      index = await EventIndex.open(await backend.open());
    });
    after(async () => {
      await index.close();
    });

    test('an event is written, updated in sequence order, and stale messages change nothing', async () => {
      const id = `e-${backend.name}-1`;
      assert.equal(await index.applyEvent(objectEvent({ id, score: 0.6, top_score: 0.6 }), 10), 'applied');
      assert.equal(
        await index.applyEvent(
          objectEvent({
            id,
            type: 'update',
            score: 0.9,
            top_score: 0.9,
            zones: ['porch'],
            entered_zones: ['porch'],
          }),
          12,
        ),
        'applied',
      );
      // Redelivery of an older message (seq 11 arrives late, seq 10 again).
      assert.equal(
        await index.applyEvent(objectEvent({ id, type: 'update', score: 0.1, top_score: 0.6 }), 11),
        'stale',
      );
      assert.equal(await index.applyEvent(objectEvent({ id, score: 0.6 }), 10), 'stale');
      const snapshot = {
        key: 'events/front/x/snapshot.jpg',
        frame_sequence: 7,
        score: 0.9,
        box: [1, 2, 30, 40] as const,
      };
      assert.equal(
        await index.applyEvent(
          objectEvent({
            id,
            type: 'update',
            score: 0.9,
            top_score: 0.9,
            zones: ['porch'],
            entered_zones: ['porch'],
            snapshot,
          }),
          13,
        ),
        'applied',
      );
      // A later message without a snapshot key keeps the snapshot and its box.
      assert.equal(
        await index.applyEvent(
          objectEvent({
            id,
            type: 'update',
            score: 0.9,
            top_score: 0.9,
            zones: ['porch'],
            entered_zones: ['porch'],
          }),
          14,
        ),
        'applied',
      );
      const e = await index.get(id);
      assert.deepEqual(e?.snapshot_box, [1, 2, 30, 40]);
      assert.equal(e?.has_snapshot, true);
      assert.equal((await index.keys(id))?.snapshot, snapshot.key);
      assert.equal(e?.top_score, 0.9);
      assert.deepEqual(e?.entered_zones, ['porch']);
      assert.equal(e?.end_time, null);
      assert.equal(e?.has_clip, false);
    });

    test('a clip that arrives before its event stays hidden until the event comes', async () => {
      const event = objectEvent({ id: `e-${backend.name}-2`, type: 'end', end_time: 1_780_000_010_000 });
      assert.equal(await index.applyClip(clipReady(event), 3), 'applied');
      assert.equal(await index.get(event.id), undefined);
      assert.equal(await index.applyEvent(event, 20), 'applied');
      const e = await index.get(event.id);
      assert.equal(e?.has_clip, true);
      assert.equal(e?.clip?.duration_s, 12);
      assert.equal(e?.end_time, 1_780_000_010_000);
      assert.equal((await index.keys(event.id))?.clip, clipReady(event).keys.clip);
      assert.equal(await index.applyClip(clipReady(event, { duration_s: 1 }), 3), 'stale');
      assert.equal((await index.get(event.id))?.clip?.duration_s, 12);
    });

    test('queries filter by camera, label, zone, time and clip, and pages cover every match exactly once', async () => {
      const t0 = 1_790_000_000_000;
      let seq = 100;
      for (let i = 0; i < 57; i++) {
        const e = objectEvent({
          id: `q-${backend.name}-${String(i).padStart(3, '0')}`,
          camera: i % 3 === 0 ? 'back' : 'front',
          label: i % 2 === 0 ? 'person' : 'car',
          // Pairs share a start time, so the id breaks ties in the order.
          start_time: t0 + Math.floor(i / 2) * 1000,
          entered_zones: i % 5 === 0 ? ['drive'] : [],
        });
        await index.applyEvent(e, seq++);
        if (i % 4 === 0) await index.applyClip(clipReady(e), seq++);
      }
      const all = async (q: Parameters<EventIndex['query']>[0]) => {
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await index.query({ ...q, cursor });
          assert.ok(page.events.length <= q.limit);
          seen.push(...page.events.map((e) => e.id));
          cursor = page.next_cursor ?? undefined;
        } while (cursor);
        return seen;
      };
      const everything = await all({ after: t0, limit: 7 });
      assert.equal(everything.length, 57);
      assert.equal(new Set(everything).size, 57);
      const ordered = [...everything].sort((a, b) => b.localeCompare(a));
      assert.deepEqual(everything, ordered, 'newest first, ties by id descending');
      assert.equal((await all({ after: t0, cameras: ['back'], limit: 5 })).length, 19);
      assert.equal((await all({ after: t0, cameras: ['back'], labels: ['person'], limit: 5 })).length, 10);
      assert.equal((await all({ after: t0, zones: ['drive'], limit: 50 })).length, 12);
      assert.equal((await all({ after: t0, has_clip: true, limit: 50 })).length, 15);
      assert.equal((await all({ after: t0 + 10_000, before: t0 + 20_000, limit: 50 })).length, 20);
    });

    test('a deleted event stays deleted when later messages for it arrive', async () => {
      const event = objectEvent({ id: `d-${backend.name}` });
      await index.applyEvent(event, 500);
      const before = await index.count();
      assert.equal(await index.markDeleted(event.id), true);
      assert.equal(await index.markDeleted(event.id), false);
      assert.equal(
        await index.applyEvent({ ...event, type: 'end', end_time: event.start_time + 1 }, 501),
        'deleted',
      );
      assert.equal(await index.applyClip(clipReady(event), 502), 'deleted');
      assert.equal(await index.get(event.id), undefined);
      assert.equal(await index.count(), before - 1);
    });

    test('reopening migrates nothing and keeps the index id', async () => {
      const again = await EventIndex.open(index.db);
      assert.equal(again.indexId, index.indexId);
      assert.match(index.indexId, /^[0-9a-f]{12}$/);
    });
  });
}

test('a bad cursor is a BadRequestError, not a crash', async () => {
  const index = await EventIndex.open(new SqliteDatabase(':memory:'));
  for (const cursor of [
    'x',
    Buffer.from('[1]').toString('base64url'),
    Buffer.from('{"a":1}').toString('base64url'),
  ]) {
    await assert.rejects(index.query({ limit: 5, cursor }), { name: 'BadRequestError' });
  }
  await index.close();
});
