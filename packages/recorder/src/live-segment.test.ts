import assert from 'node:assert/strict';
import { mkdtemp, readFile, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { nextSegmentPath, snapshotLiveSegment } from './live-segment.js';
import { SegmentRing } from './segment-ring.js';

const silent = { info() {}, warn() {}, error() {}, debug() {} } as never;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'live-segment-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `packets` whole TS packets (sync byte first) and `extra` bytes of a packet still being written. */
function tsBytes(packets: number, extra = 0): Buffer {
  const bytes = Buffer.alloc(packets * 188 + extra, 0xff);
  for (let i = 0; i < bytes.length; i += 188) bytes[i] = 0x47;
  return bytes;
}

async function writeWithMtime(path: string, bytes: Buffer, mtimeMs: number): Promise<void> {
  await writeFile(path, bytes);
  await utimes(path, mtimeMs / 1000, mtimeMs / 1000);
}

test('the next segment keeps the numbering width', () => {
  assert.equal(nextSegmentPath('/ring/cam/tmp-abc-000041.ts'), '/ring/cam/tmp-abc-000042.ts');
  assert.equal(nextSegmentPath('/ring/cam/tmp-abc-999999.ts'), '/ring/cam/tmp-abc-1000000.ts');
  assert.equal(nextSegmentPath('/ring/cam/segment.ts'), undefined);
});

test('a snapshot copies the whole packets written so far and ends at the last write', async () => {
  const path = join(dir, 'tmp-run-000003.ts');
  const lastWrite = Date.now() - 5000;
  await writeWithMtime(path, tsBytes(10, 50), lastWrite);
  const snapshot = await snapshotLiveSegment({ path, startMs: lastWrite - 1500 }, dir);
  assert.ok(snapshot);
  assert.equal(snapshot.bytes, 1880);
  assert.equal(snapshot.startMs, lastWrite - 1500);
  assert.ok(Math.abs(snapshot.endMs - lastWrite) < 2, `ends at the last write, not ${snapshot.endMs}`);
  assert.deepEqual(await readFile(snapshot.path), tsBytes(10));
  assert.notEqual(snapshot.path, path);
});

test('a snapshot of a segment that was finished and renamed meanwhile is undefined', async () => {
  const path = join(dir, 'tmp-run-000004.ts');
  await writeFile(path, tsBytes(4));
  await rename(path, join(dir, 'finished.ts'));
  assert.equal(await snapshotLiveSegment({ path, startMs: 0 }, dir), undefined);
});

test('waiting for footage is answered by the live segment once it is written past the time', async () => {
  const ring = new SegmentRing({
    dir: join(dir, 'ring'),
    maxSeconds: 60,
    maxBytes: 10_000_000,
    logger: silent,
    livePollMs: 20,
  });
  await ring.open();
  const start = Date.now() - 10_000;
  const path = join(dir, 'ring', 'tmp-run-000001.ts');
  await writeWithMtime(path, tsBytes(5), start + 1000);
  ring.setLive({ path, startMs: start });
  assert.equal(await ring.waitFor(start + 900, 0), true, 'written past the time');
  assert.equal(await ring.waitFor(start + 1500, 100), false, 'not yet written that far');
  const waiting = ring.waitFor(start + 1500, 5000);
  await new Promise((resolve) => setTimeout(resolve, 60));
  await writeWithMtime(path, tsBytes(9), start + 2000);
  assert.equal(await waiting, true, 'the wait sees the segment grow');
  ring.setLive(undefined);
  assert.equal(
    await ring.waitFor(start + 1500, 50),
    false,
    'without a live segment only finished ones count',
  );
});

test('a wait ends when its signal aborts', async () => {
  const ring = new SegmentRing({ dir: join(dir, 'ring2'), maxSeconds: 60, maxBytes: 1e7, logger: silent });
  await ring.open();
  const abort = new AbortController();
  const waiting = ring.waitFor(Date.now() + 60_000, 60_000, abort.signal);
  abort.abort();
  assert.equal(await waiting, false);
});
