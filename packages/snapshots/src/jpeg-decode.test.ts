import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { JpegDecodeError, decodeJpegToRgba } from './jpeg-decode.js';

const WIDTH = 96;
const HEIGHT = 54;

/** A 4:2:0 JPEG of a colour ramp with a sharp-edged block, so chroma upsampling and the IDCT both matter. */
async function testJpeg(): Promise<Buffer> {
  const rgb = Buffer.alloc(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const block = x > 30 && x < 60 && y > 10 && y < 40;
      rgb.set(block ? [250, 20, 30] : [(x * 255) / WIDTH, (y * 255) / HEIGHT, 128], (y * WIDTH + x) * 3);
    }
  }
  return sharp(rgb, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
    .jpeg({ quality: 80, chromaSubsampling: '4:2:0' })
    .toBuffer();
}

test('decodes to the same pixels as libvips, with alpha 255', async () => {
  const jpeg = await testJpeg();
  const picture = await decodeJpegToRgba(jpeg, { width: WIDTH, height: HEIGHT });
  const reference = await sharp(jpeg).raw().toBuffer();
  assert.equal(picture.width, WIDTH);
  assert.equal(picture.height, HEIGHT);
  assert.equal(picture.data.length, WIDTH * HEIGHT * 4);
  for (let p = 0; p < WIDTH * HEIGHT; p++) {
    const got = [...picture.data.subarray(p * 4, p * 4 + 4)];
    const want = [...reference.subarray(p * 3, p * 3 + 3), 255];
    assert.deepEqual(got, want, `pixel ${p % WIDTH},${Math.floor(p / WIDTH)}`);
  }
});

test('a JPEG of another size is refused, naming both sizes', async () => {
  await assert.rejects(
    decodeJpegToRgba(await testJpeg(), { width: 640, height: 360 }),
    (error: unknown) =>
      error instanceof JpegDecodeError && /96x54/.test(error.message) && /640x360/.test(error.message),
  );
});

test("data that is not a JPEG, or a damaged one, is refused with libjpeg's reason, printed nowhere, and decoding goes on", async (t) => {
  const printed = t.mock.method(console, 'error');
  const logged = t.mock.method(console, 'log');
  const expected = { width: WIDTH, height: HEIGHT };
  await assert.rejects(
    decodeJpegToRgba(Buffer.from('not a jpeg at all'), expected),
    (error: unknown) => error instanceof JpegDecodeError && /Not a JPEG file/.test(error.message),
  );
  await assert.rejects(decodeJpegToRgba(new Uint8Array(0), expected), JpegDecodeError);
  const jpeg = await testJpeg();
  // libjpeg would fill in what is missing with grey and only warn.
  await assert.rejects(
    decodeJpegToRgba(jpeg.subarray(0, jpeg.length >> 1), expected),
    (error: unknown) => error instanceof JpegDecodeError && /Premature end of JPEG file/.test(error.message),
  );
  const damaged = Buffer.from(jpeg).fill(0x55, jpeg.length - 300, jpeg.length - 260);
  await assert.rejects(
    decodeJpegToRgba(damaged, expected),
    (error: unknown) => error instanceof JpegDecodeError && /Corrupt JPEG data/.test(error.message),
  );
  const whole = await decodeJpegToRgba(jpeg, expected);
  assert.deepEqual(whole.data, (await decodeJpegToRgba(jpeg, expected)).data);
  assert.equal(printed.mock.callCount(), 0);
  assert.equal(logged.mock.callCount(), 0);
});

test('decodes a JPEG held in a slice of a larger buffer (a bus message)', async () => {
  const jpeg = await testJpeg();
  const message = Buffer.concat([Buffer.from('header bytes'), jpeg, Buffer.from('trailer')]);
  const view = message.subarray(12, 12 + jpeg.length);
  const fromView = await decodeJpegToRgba(view, { width: WIDTH, height: HEIGHT });
  const direct = await decodeJpegToRgba(jpeg, { width: WIDTH, height: HEIGHT });
  assert.deepEqual(fromView.data, direct.data);
});
