import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { makeTempDir, removeTempDir } from '@shiriki/testing';
import {
  eventObjectKeys,
  InvalidObjectKeyError,
  ObjectNotFoundError,
  type ObjectStore,
  type PutOptions,
  type StoredObject,
} from '../src/index.js';

/** A fresh, empty store for one test (its own bucket or directory), not yet `ensureReady()`d. */
export type ObjectStoreFactory = () => Promise<ObjectStore>;

export const ESCAPING_KEYS = [
  '../outside',
  'events/../../outside',
  '/etc/passwd',
  'a\\b',
  'a//b',
  './a',
  'a/./b',
  'a/.hidden',
  '',
  'trailing/',
  'space here',
  'naïve',
  'a/b.meta.json',
];

const text = (value: string) => new TextEncoder().encode(value);

async function collect(iterable: AsyncIterable<StoredObject>): Promise<StoredObject[]> {
  const out: StoredObject[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/**
 * The behaviour every `ObjectStore` promises. Run against each implementation with a factory that returns
 * an isolated, empty store.
 */
export function describeObjectStoreContract(name: string, factory: ObjectStoreFactory): void {
  describe(`ObjectStore contract: ${name}`, () => {
    const tempDir = makeTempDir('storage-contract');
    after(() => removeTempDir(tempDir));

    const ready = async () => {
      const store = await factory();
      await store.ensureReady();
      return store;
    };

    test('ensureReady creates the bucket or directory and is idempotent', async () => {
      const store = await factory();
      await store.ensureReady();
      await store.ensureReady();
      await store.put('a/b.txt', text('x'), { contentType: 'text/plain' });
      await store.ensureReady();
      assert.deepEqual(await store.getBytes('a/b.txt'), text('x'));
    });

    test('put, getBytes and stat round-trip bytes, content type and metadata', async () => {
      const store = await ready();
      const clip = randomBytes(64 * 1024);
      const cases = [
        { key: 'events/cam/clip.mp4', body: clip, contentType: 'video/mp4' },
        { key: 'events/cam/snapshot.jpg', body: randomBytes(1000), contentType: 'image/jpeg' },
        { key: 'events/cam/event.json', body: text('{"id":"e1"}'), contentType: 'application/json' },
      ];
      for (const { key, body, contentType } of cases) {
        const before = Date.now();
        await store.put(key, body, { contentType, metadata: { camera: 'cam', 'event-id': 'e1' } });
        const bytes = await store.getBytes(key);
        assert.ok(bytes instanceof Uint8Array);
        assert.deepEqual(Buffer.from(bytes), Buffer.from(body));
        const stat = await store.stat(key);
        assert.ok(stat);
        assert.equal(stat.key, key);
        assert.equal(stat.size, body.byteLength);
        assert.equal(stat.contentType, contentType);
        assert.deepEqual(stat.metadata, { camera: 'cam', 'event-id': 'e1' });
        assert.ok(stat.lastModified instanceof Date);
        // S3 reports whole seconds; allow for that and a little clock skew.
        assert.ok(Math.abs(stat.lastModified.getTime() - before) < 60_000, 'lastModified is about now');
      }
    });

    test('put without metadata and with an empty body', async () => {
      const store = await ready();
      await store.put('empty.bin', new Uint8Array(0), { contentType: 'application/octet-stream' });
      const stat = await store.stat('empty.bin');
      assert.deepEqual(
        { size: stat?.size, contentType: stat?.contentType, metadata: stat?.metadata },
        { size: 0, contentType: 'application/octet-stream', metadata: {} },
      );
      assert.equal((await store.getBytes('empty.bin')).byteLength, 0);
    });

    test('put over an existing key replaces body, content type and metadata', async () => {
      const store = await ready();
      await store.put('k/v', text('one'), { contentType: 'text/plain', metadata: { old: '1' } });
      await store.put('k/v', text('second'), { contentType: 'application/json', metadata: { fresh: '2' } });
      assert.deepEqual(await store.getBytes('k/v'), text('second'));
      const stat = await store.stat('k/v');
      assert.equal(stat?.contentType, 'application/json');
      assert.deepEqual(stat?.metadata, { fresh: '2' });
      assert.equal(stat?.size, 6);
    });

    test('a subarray body stores exactly its own bytes', async () => {
      const store = await ready();
      const whole = text('0123456789');
      await store.put('slice', whole.subarray(3, 7), { contentType: 'text/plain' });
      assert.deepEqual(await store.getBytes('slice'), text('3456'));
    });

    test('getStream streams the object', async () => {
      const store = await ready();
      const body = randomBytes(300_000);
      await store.put('s/blob.bin', body, { contentType: 'application/octet-stream' });
      const stream = await store.getStream('s/blob.bin');
      assert.deepEqual(await buffer(stream as AsyncIterable<Buffer>), body);
    });

    test('getStream with a range streams exactly those bytes', async () => {
      const store = await ready();
      const body = randomBytes(200_000);
      await store.put('s/ranged.bin', body, { contentType: 'application/octet-stream' });
      for (const [start, end] of [
        [0, 0],
        [1000, 150_999],
        [199_990, 199_999],
      ] as const) {
        const stream = await store.getStream('s/ranged.bin', { start, end });
        assert.deepEqual(await buffer(stream as AsyncIterable<Buffer>), body.subarray(start, end + 1));
      }
    });

    test('missing objects: stat is undefined, getBytes and getStream throw ObjectNotFoundError', async () => {
      const store = await ready();
      assert.equal(await store.stat('nope/missing.mp4'), undefined);
      for (const read of [store.getBytes.bind(store), store.getStream.bind(store)]) {
        await assert.rejects(read('nope/missing.mp4'), (error: unknown) => {
          assert.ok(error instanceof ObjectNotFoundError, String(error));
          assert.equal(error.name, 'ObjectNotFoundError');
          assert.equal(error.key, 'nope/missing.mp4');
          assert.equal(error.retryable, false);
          return true;
        });
      }
      // A key below an existing object is missing too (a file, not a directory, on the local store).
      await store.put('file', text('x'), { contentType: 'text/plain' });
      assert.equal(await store.stat('file/below'), undefined);
      await assert.rejects(store.getBytes('file/below'), ObjectNotFoundError);
      // A "folder" is not an object (a directory on the local store).
      await store.put('folder/inside', text('x'), { contentType: 'text/plain' });
      assert.equal(await store.stat('folder'), undefined);
      await assert.rejects(store.getBytes('folder'), ObjectNotFoundError);
      await assert.rejects(store.getStream('folder'), ObjectNotFoundError);
    });

    test('list is recursive, filters by string prefix and returns keys in order with metadata', async () => {
      const store = await ready();
      const keys = [
        'events/cam1/2024-01-01/e2/clip.mp4',
        'events/cam1/2024-01-01/e1/clip.mp4',
        'events/cam1/2024-01-01/e1/snapshot.jpg',
        'events/cam1-b/2024-01-01/e3/event.json',
        'events/cam10/2024-01-02/e4/clip.mp4',
        'events/cam2/2024-01-01/e5/clip.mp4',
        'recordings/cam1/2024-01-01/00/1.mp4',
      ];
      for (const key of keys) {
        await store.put(key, text(key), {
          contentType: key.endsWith('.mp4') ? 'video/mp4' : 'application/octet-stream',
          metadata: { k: key.length.toString() },
        });
      }
      const all = await collect(store.list(''));
      assert.deepEqual(
        all.map((o) => o.key),
        [...keys].sort(),
      );
      const cam1 = await collect(store.list('events/cam1'));
      assert.deepEqual(
        cam1.map((o) => o.key),
        keys.filter((k) => k.startsWith('events/cam1')).sort(),
      );
      const cam1Only = await collect(store.list('events/cam1/'));
      assert.deepEqual(
        cam1Only.map((o) => o.key),
        [
          'events/cam1/2024-01-01/e1/clip.mp4',
          'events/cam1/2024-01-01/e1/snapshot.jpg',
          'events/cam1/2024-01-01/e2/clip.mp4',
        ],
      );
      const first = cam1Only[0];
      assert.ok(first);
      assert.equal(first.contentType, 'video/mp4');
      assert.equal(first.size, first.key.length);
      assert.deepEqual(first.metadata, { k: String(first.key.length) });
      assert.deepEqual(await collect(store.list('nothing/here/')), []);
    });

    test('delete removes an object and is idempotent', async () => {
      const store = await ready();
      await store.put('d/one', text('1'), { contentType: 'text/plain' });
      await store.put('d/two', text('2'), { contentType: 'text/plain' });
      await store.delete('d/one');
      await store.delete('d/one');
      await store.delete('never/existed');
      assert.equal(await store.stat('d/one'), undefined);
      assert.deepEqual(
        (await collect(store.list('d/'))).map((o) => o.key),
        ['d/two'],
      );
      // Writing where a deleted object's directory was still works.
      await store.put('d/one', text('again'), { contentType: 'text/plain' });
      assert.deepEqual(await store.getBytes('d/one'), text('again'));
    });

    test('putFile uploads a 12 MiB file intact', async () => {
      const store = await ready();
      const body = randomBytes(12 * 1024 * 1024);
      const path = join(tempDir, `big-${randomBytes(4).toString('hex')}.mp4`);
      await writeFile(path, body);
      await store.putFile('big/clip.mp4', path, { contentType: 'video/mp4', metadata: { camera: 'c' } });
      const stat = await store.stat('big/clip.mp4');
      assert.equal(stat?.size, body.byteLength);
      assert.equal(stat?.contentType, 'video/mp4');
      assert.deepEqual(stat?.metadata, { camera: 'c' });
      const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
      assert.equal(sha(await store.getBytes('big/clip.mp4')), sha(body));
    });

    test('putFile of a missing file rejects and stores nothing', async () => {
      const store = await ready();
      await assert.rejects(
        store.putFile('x/y.mp4', join(tempDir, 'does-not-exist.mp4'), { contentType: 'video/mp4' }),
        (error: unknown) => error instanceof Error && error.name === 'StorageError',
      );
      assert.equal(await store.stat('x/y.mp4'), undefined);
    });

    test('keys that could escape or are not portable are rejected before anything is written', async () => {
      const store = await ready();
      for (const key of ESCAPING_KEYS) {
        const options = { contentType: 'text/plain' };
        const checks: Array<Promise<unknown>> = [
          store.put(key, text('x'), options),
          store.putFile(key, join(tempDir, 'whatever'), options),
          store.getBytes(key),
          store.getStream(key),
          store.stat(key),
          store.delete(key),
        ];
        for (const check of checks) {
          await assert.rejects(check, (error: unknown) => {
            assert.ok(error instanceof InvalidObjectKeyError, `${JSON.stringify(key)}: ${String(error)}`);
            return true;
          });
        }
      }
      for (const prefix of ['../', '/abs', 'a//', 'x\\y']) {
        await assert.rejects(collect(store.list(prefix)), InvalidObjectKeyError);
      }
      assert.deepEqual(await collect(store.list('')), []);
    });

    test('content types and metadata that cannot travel as headers are rejected', async () => {
      const store = await ready();
      const bad: PutOptions[] = [
        { contentType: 'mp4' },
        { contentType: 'video/mp4\r\nX-Evil: 1' },
        { contentType: 'video/mp4', metadata: { 'Upper-Case': 'x' } },
        { contentType: 'video/mp4', metadata: { 'content-type': 'x' } },
        { contentType: 'video/mp4', metadata: { note: 'line\nbreak' } },
        { contentType: 'video/mp4', metadata: { note: 'é' } },
      ];
      for (const options of bad) {
        await assert.rejects(store.put('ok/key', text('x'), options), InvalidObjectKeyError);
      }
      assert.equal(await store.stat('ok/key'), undefined);
    });

    test('the documented event layout stores and lists one event', async () => {
      const store = await ready();
      const start = Date.UTC(2024, 4, 17, 23, 59, 58);
      const keys = eventObjectKeys('front_door', start, 'evt-1');
      await store.put(keys.clip, text('mp4'), { contentType: 'video/mp4' });
      await store.put(keys.snapshot, text('jpg'), { contentType: 'image/jpeg' });
      await store.put(keys.thumbnail, text('jpg'), { contentType: 'image/jpeg' });
      await store.put(keys.metadata, text('{}'), { contentType: 'application/json' });
      const listed = await collect(store.list(keys.prefix));
      assert.deepEqual(
        listed.map((o) => [o.key, o.contentType]),
        [
          ['events/front_door/2024-05-17/evt-1/clip.mp4', 'video/mp4'],
          ['events/front_door/2024-05-17/evt-1/event.json', 'application/json'],
          ['events/front_door/2024-05-17/evt-1/snapshot.jpg', 'image/jpeg'],
          ['events/front_door/2024-05-17/evt-1/thumbnail.jpg', 'image/jpeg'],
        ],
      );
    });

    test('applyRetention reports its mechanism; sweep deletes only expired objects under the prefixes', async () => {
      const store = await ready();
      const mechanism = await store.applyRetention([
        { prefix: 'events/', days: 14 },
        { prefix: 'recordings/', days: 3 },
      ]);
      assert.ok(mechanism === 'lifecycle' || mechanism === 'sweeper');
      await store.put('events/c/2024-01-01/e/clip.mp4', text('1'), { contentType: 'video/mp4' });
      await store.put('recordings/c/2024-01-01/00/1.mp4', text('2'), { contentType: 'video/mp4' });
      await store.put('other/keep.json', text('3'), { contentType: 'application/json' });
      const rules = [
        { prefix: 'events/', days: 14 },
        { prefix: 'recordings/', days: 3 },
      ];
      assert.equal(await store.sweep(rules), 0, 'nothing is old yet');
      const in5Days = new Date(Date.now() + 5 * 86_400_000);
      assert.equal(await store.sweep(rules, in5Days), 1, 'recordings expire after 3 days');
      assert.equal(await store.stat('recordings/c/2024-01-01/00/1.mp4'), undefined);
      assert.ok(await store.stat('events/c/2024-01-01/e/clip.mp4'));
      const in15Days = new Date(Date.now() + 15 * 86_400_000);
      assert.equal(await store.sweep(rules, in15Days), 1);
      assert.deepEqual(
        (await collect(store.list(''))).map((o) => o.key),
        ['other/keep.json'],
      );
      await assert.rejects(store.applyRetention([{ prefix: 'x/', days: 0 }]));
      await assert.rejects(store.sweep([{ prefix: '../', days: 1 }]), InvalidObjectKeyError);
    });
  });
}
