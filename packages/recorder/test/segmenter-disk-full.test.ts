// A segment ffmpeg could not finish (the disk filled up mid-write) must not stay in the ring: cut off
// mid-frame, it would break every clip cut from it. ffmpeg reports such a segment both on stderr ("Failure
// occurred when ending segment") and in the segment list; the two pipes arrive in either order, so both are
// tried here, with a stand-in ffmpeg that writes segments and then fails like the real one on a full disk.
import assert from 'node:assert/strict';
import { chmodSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createLogger } from '@shiriki/telemetry';
import { makeTempDir, removeTempDir, waitFor } from '@shiriki/testing';
import { Segmenter } from '../src/segmenter.js';
import { SegmentRing } from '../src/segment-ring.js';

const dir = makeTempDir('segmenter-disk-full');
after(() => removeTempDir(dir));
const logger = createLogger({ service: 'segmenter-test', level: 'error' });

/** An "ffmpeg" that finishes two segments, then fails to end the third; `failureFirst` orders the pipes. */
function fakeFfmpeg(name: string, failureFirst: boolean): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    `#!${process.execPath}
const fs = require('node:fs');
const pattern = process.argv[process.argv.length - 1];
const file = (n) => pattern.replace('%06d', String(n).padStart(6, '0'));
const packet = Buffer.alloc(188, 0xff); packet[0] = 0x47;
for (const n of [0, 1, 2]) fs.writeFileSync(file(n), Buffer.concat(Array(20).fill(packet)));
// Each segment is reported when the next one starts, as the real one does (0.2 s segments here).
setTimeout(() => process.stdout.write(file(0) + ',0.000000,0.200000\\n'), 200);
setTimeout(() => process.stdout.write(file(1) + ',0.200000,0.400000\\n'), 400);
const failure = "[segment @ 0x1] Failure occurred when ending segment '" + file(2) + "'\\n";
const entry = file(2) + ',0.400000,0.530000\\n';
setTimeout(() => {
  if (${failureFirst}) { process.stderr.write(failure); setTimeout(() => process.stdout.write(entry), 50); }
  else { process.stdout.write(entry); setTimeout(() => process.stderr.write(failure), 50); }
  setTimeout(() => process.exit(1), 150);
}, 530);
`,
  );
  chmodSync(path, 0o755);
  return path;
}

for (const failureFirst of [true, false]) {
  test(`the unfinished segment stays out of the ring (failure reported ${failureFirst ? 'before' : 'after'} its list entry)`, async () => {
    const ringDir = join(dir, `ring-${failureFirst}`);
    const ring = new SegmentRing({ dir: ringDir, maxSeconds: 600, maxBytes: 1 << 30, logger });
    await ring.open();
    const restarts: string[] = [];
    const segmenter = new Segmenter({
      camera: 'porch',
      inputUrl: 'rtsp://127.0.0.1:9/porch',
      ring,
      segmentSeconds: 2,
      logger,
      ffmpegPath: fakeFfmpeg(`ffmpeg-${failureFirst}`, failureFirst),
      initialBackoffMs: 60_000,
      onRestart: (reason) => restarts.push(reason),
    });
    segmenter.start();
    await waitFor(() => restarts.length > 0, { what: 'the fake ffmpeg to fail', timeoutMs: 10_000 });
    await segmenter.stop();
    const spans = ring.segments().map((s) => [s.startMs, s.endMs]);
    assert.equal(spans.length, 2, `the two finished segments stay: ${JSON.stringify(spans)}`);
    assert.ok(spans.every(([start, end]) => end! - start! === 200));
    assert.deepEqual(
      readdirSync(ringDir).sort(),
      ring
        .segments()
        .map((s) => s.file)
        .sort(),
      'nothing else on disk',
    );
  });
}
