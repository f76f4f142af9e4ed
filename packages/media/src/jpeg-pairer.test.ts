import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JpegPairer } from './jpeg-pairer.js';

const jpeg = (n: number) => Buffer.from([0xff, 0xd8, n, 0xff, 0xd9]);

test('pairs motion images and JPEGs in order, whichever pipe runs ahead', () => {
  const pairs: [number, number][] = [];
  const pairer = new JpegPairer((motion, picture) => pairs.push([motion[0]!, picture[2]!]));
  const scratch = new Uint8Array(4);
  const motion = (n: number) => {
    scratch.fill(n); // the read buffer is reused: the pairer must copy what waits
    pairer.motion(scratch);
  };
  motion(1);
  motion(2);
  pairer.picture(jpeg(1));
  pairer.picture(jpeg(2));
  pairer.picture(jpeg(3));
  pairer.picture(jpeg(4));
  motion(3);
  motion(4);
  assert.deepEqual(pairs, [
    [1, 1],
    [2, 2],
    [3, 3],
    [4, 4],
  ]);
  assert.equal(pairer.unmatched, 0);
});

test('a half that waits too long is dropped and counted, so memory stays bounded', () => {
  const pairs: number[] = [];
  const pairer = new JpegPairer((_motion, picture) => pairs.push(picture[2]!), { maxAhead: 2 });
  for (let n = 1; n <= 5; n++) pairer.picture(jpeg(n));
  assert.equal(pairer.unmatched, 3);
  pairer.motion(new Uint8Array(1));
  assert.deepEqual(pairs, [4]);
});
