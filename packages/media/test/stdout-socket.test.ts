import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { spawnChild } from '@shiriki/process';
import { openStdoutSocket } from '../src/stdout-socket.js';

/** A child that writes `bytes` pseudo-random bytes to stdout in uneven writes and exits. */
const WRITER = `
  const { createHash } = require('node:crypto');
  let left = Number(process.argv[1]);
  let seed = createHash('sha256').update('seed').digest();
  const hash = createHash('sha256');
  (function write() {
    while (left > 0) {
      seed = createHash('sha256').update(seed).digest();
      const chunk = Buffer.alloc(Math.min(left, 1 + seed[0] * 997), seed);
      left -= chunk.length;
      hash.update(chunk);
      if (!process.stdout.write(chunk)) return process.stdout.once('drain', write);
    }
    process.stderr.write(hash.digest('hex'));
  })();
`;

test('a child writing to the socket is read into the caller buffers, every byte, then ends', async () => {
  const total = 3_000_000;
  const buffer = new Uint8Array(50_000);
  const hash = createHash('sha256');
  let bytes = 0;
  const stdout = await openStdoutSocket({
    // A different view each time, as a frame splitter offers the rest of a frame.
    buffer: () => buffer.subarray(bytes % 1000),
    callback: (nread, target) => {
      assert.equal(target.byteOffset, bytes % 1000, 'the buffer is the one last returned');
      hash.update(target.subarray(0, nread));
      bytes += nread;
    },
  });
  const child = await spawnChild(process.execPath, ['-e', WRITER, String(total)], {
    stdio: ['pipe', stdout.childEnd, 'pipe'],
  });
  stdout.releaseChildEnd();
  let childHash = '';
  child.process.stderr!.on('data', (chunk: Buffer) => (childHash += chunk.toString()));
  const ended = once(stdout.reader, 'close');
  assert.equal((await child.exited).code, 0);
  await ended;
  assert.equal(bytes, total);
  assert.equal(hash.digest('hex'), childHash);
  assert.equal(child.process.stdout, null, 'the child has no stdout pipe of its own');
});
