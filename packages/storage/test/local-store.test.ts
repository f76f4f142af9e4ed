import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile, utimes, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, removeTempDir } from '@shiriki/testing';
import { parseConfig } from '@shiriki/config';
import { createObjectStore, LocalObjectStore, type StoredObject } from '../src/index.js';
import { describeObjectStoreContract } from './contract.js';

const root = makeTempDir('storage-local');
after(() => removeTempDir(root));
let counter = 0;
const freshStore = () => new LocalObjectStore({ root: join(root, `store-${++counter}`) });

describeObjectStoreContract('LocalObjectStore', () => Promise.resolve(freshStore()));

const text = (value: string) => new TextEncoder().encode(value);
async function keys(iterable: AsyncIterable<StoredObject>): Promise<string[]> {
  const out: string[] = [];
  for await (const item of iterable) out.push(item.key);
  return out;
}

describe('LocalObjectStore on disk', () => {
  test('objects are plain files with a JSON sidecar and no temp files left behind', async () => {
    const store = freshStore();
    await store.ensureReady();
    await store.put('events/cam/e1/clip.mp4', text('video'), {
      contentType: 'video/mp4',
      metadata: { camera: 'cam' },
    });
    const dir = join(store.root, 'events', 'cam', 'e1');
    assert.equal(await readFile(join(dir, 'clip.mp4'), 'utf8'), 'video');
    assert.deepEqual(JSON.parse(await readFile(join(dir, 'clip.mp4.meta.json'), 'utf8')), {
      version: 1,
      contentType: 'video/mp4',
      metadata: { camera: 'cam' },
    });
    assert.deepEqual((await readdir(dir)).sort(), ['clip.mp4', 'clip.mp4.meta.json']);
  });

  test('sweep deletes objects by file mtime, removes emptied directories and stale temp files', async () => {
    const store = freshStore();
    await store.ensureReady();
    const now = new Date('2024-06-01T12:00:00Z');
    const age = async (key: string, days: number) => {
      const when = new Date(now.getTime() - days * 86_400_000);
      await utimes(join(store.root, ...key.split('/')), when, when);
    };
    const put = (key: string) => store.put(key, text(key), { contentType: 'video/mp4' });
    await put('events/cam/2024-05-01/old/clip.mp4');
    await put('events/cam/2024-05-30/new/clip.mp4');
    await put('recordings/cam/2024-05-28/10/1.mp4');
    await put('recordings/cam/2024-05-31/10/2.mp4');
    await age('events/cam/2024-05-01/old/clip.mp4', 31);
    await age('events/cam/2024-05-30/new/clip.mp4', 2);
    await age('recordings/cam/2024-05-28/10/1.mp4', 4);
    await age('recordings/cam/2024-05-31/10/2.mp4', 1);
    // A temp file a crash left behind two days ago.
    const stale = join(store.root, 'events', 'cam', '2024-05-30', 'new', '.tmp-clip.mp4-deadbeef');
    await writeFile(stale, 'partial');
    await utimes(stale, new Date(now.getTime() - 2 * 86_400_000), new Date(now.getTime() - 2 * 86_400_000));

    assert.equal(await store.applyRetention([{ prefix: 'events/', days: 14 }]), 'sweeper');
    const deleted = await store.sweep(
      [
        { prefix: 'events/', days: 14 },
        { prefix: 'recordings/', days: 3 },
      ],
      now,
    );
    assert.equal(deleted, 2);
    assert.deepEqual(await keys(store.list('')), [
      'events/cam/2024-05-30/new/clip.mp4',
      'recordings/cam/2024-05-31/10/2.mp4',
    ]);
    assert.equal(existsSync(join(store.root, 'events', 'cam', '2024-05-01')), false, 'empty dirs pruned');
    assert.equal(existsSync(join(store.root, 'recordings', 'cam', '2024-05-28')), false);
    assert.equal(existsSync(stale), false, 'stale temp file removed');
  });

  test('a file without a sidecar is still listed, with a content type guessed from its name', async () => {
    const store = freshStore();
    await store.ensureReady();
    await mkdir(join(store.root, 'manual'), { recursive: true });
    await writeFile(join(store.root, 'manual', 'snap.jpg'), 'jpg');
    await writeFile(join(store.root, 'manual', '.tmp-other-123'), 'partial');
    await writeFile(join(store.root, 'manual', 'broken.json'), '{}');
    await writeFile(join(store.root, 'manual', 'broken.json.meta.json'), '{not json');
    const stat = await store.stat('manual/snap.jpg');
    assert.equal(stat?.contentType, 'image/jpeg');
    assert.deepEqual(stat?.metadata, {});
    assert.equal((await store.stat('manual/broken.json'))?.contentType, 'application/json');
    assert.deepEqual(await keys(store.list('manual/')), ['manual/broken.json', 'manual/snap.jpg']);
  });

  test('createObjectStore builds a local store from config.storage', async () => {
    const path = join(root, 'from-config');
    const config = parseConfig(
      `cameras:\n  cam:\n    source: rtsp://x/y\nstorage:\n  type: local\n  local:\n    path: ${path}\n`,
    );
    const store = createObjectStore(config.storage);
    assert.equal(store.kind, 'local');
    await store.ensureReady();
    await store.put('a/b.json', text('{}'), { contentType: 'application/json' });
    assert.ok(existsSync(join(path, 'a', 'b.json')));
  });
});
