import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDecoderArgs, frameSizeOf } from './decoder-args.js';
import { DecoderOptionsError } from './errors.js';

test('an RTSP input gets the transport option before -i and stdin stays usable for q', () => {
  const args = buildDecoderArgs({ inputUrl: 'rtsp://127.0.0.1:8554/front', width: 640, height: 360, fps: 5 });
  assert.deepEqual(args, [
    '-hide_banner',
    '-loglevel',
    'warning',
    '-threads',
    '1',
    '-rtsp_transport',
    'tcp',
    '-i',
    'rtsp://127.0.0.1:8554/front',
    '-an',
    '-vf',
    'fps=5,scale=640:360',
    '-pix_fmt',
    'yuv420p',
    '-f',
    'rawvideo',
    'pipe:1',
  ]);
  assert.ok(!args.includes('-nostdin'));
});

test('global, hwaccel and input arguments keep their order and pass through unchanged', () => {
  const args = buildDecoderArgs({
    inputUrl: 'rtsps://cam/x',
    width: 320,
    height: 180,
    fps: 2.5,
    pixelFormat: 'nv12',
    rtspTransport: 'udp',
    globalArgs: ['-threads', '2'],
    hwaccelArgs: ['-hwaccel', 'vaapi', '-hwaccel_device', '/dev/dri/renderD128'],
    inputArgs: ['-stimeout', '5000000'],
  });
  assert.deepEqual(args.slice(0, args.indexOf('-i') + 2), [
    '-hide_banner',
    '-loglevel',
    'warning',
    '-threads',
    '1',
    '-threads',
    '2',
    '-hwaccel',
    'vaapi',
    '-hwaccel_device',
    '/dev/dri/renderD128',
    '-rtsp_transport',
    'udp',
    '-stimeout',
    '5000000',
    '-i',
    'rtsps://cam/x',
  ]);
  assert.deepEqual(args.slice(-7), [
    '-vf',
    'fps=2.5,scale=320:180',
    '-pix_fmt',
    'nv12',
    '-f',
    'rawvideo',
    'pipe:1',
  ]);
});

test('a file or tcp input gets no RTSP options', () => {
  for (const inputUrl of ['/media/clip.mp4', 'tcp://127.0.0.1:9000']) {
    const args = buildDecoderArgs({ inputUrl, width: 320, height: 180, fps: 5, inputArgs: ['-re'] });
    assert.ok(!args.includes('-rtsp_transport'), inputUrl);
    assert.deepEqual(args.slice(5, 8), ['-re', '-i', inputUrl]);
  }
});

test('invalid geometry is rejected with a typed error naming the option', () => {
  const base = { inputUrl: 'rtsp://cam/x', width: 320, height: 180, fps: 5 };
  const cases = [
    [{ ...base, width: 321 }, 'width'],
    [{ ...base, height: 0 }, 'height'],
    [{ ...base, fps: 0 }, 'fps'],
    [{ ...base, fps: Number.NaN }, 'fps'],
    [{ ...base, inputUrl: ' ' }, 'inputUrl'],
  ] as const;
  for (const [options, option] of cases) {
    assert.throws(
      () => buildDecoderArgs(options),
      (error: unknown) => error instanceof DecoderOptionsError && error.option === option,
    );
  }
  assert.doesNotThrow(() => buildDecoderArgs({ ...base, width: 321, pixelFormat: 'rgb24' }));
});

test('frame sizes follow the pixel format', () => {
  assert.equal(frameSizeOf(320, 180), 86_400);
  assert.equal(frameSizeOf(320, 180, 'nv12'), 86_400);
  assert.equal(frameSizeOf(320, 180, 'gray'), 57_600);
  assert.equal(frameSizeOf(320, 180, 'bgr24'), 172_800);
});

test('one decoder thread by default; the option sets it and rejects nonsense', () => {
  const base = { inputUrl: 'rtsp://127.0.0.1:8554/front', width: 640, height: 360, fps: 5 };
  const threadsOf = (args: string[]): string | undefined => args[args.lastIndexOf('-threads') + 1];
  const args = buildDecoderArgs(base);
  assert.equal(threadsOf(args), '1');
  assert.ok(args.indexOf('-threads') < args.indexOf('-i'), 'an input (decoder) option');
  assert.equal(threadsOf(buildDecoderArgs({ ...base, threads: 0 })), '0');
  assert.equal(threadsOf(buildDecoderArgs({ ...base, inputArgs: ['-threads', '3'] })), '3');
  assert.throws(() => buildDecoderArgs({ ...base, threads: 1.5 }), DecoderOptionsError);
  assert.throws(() => buildDecoderArgs({ ...base, threads: -1 }), DecoderOptionsError);
});
