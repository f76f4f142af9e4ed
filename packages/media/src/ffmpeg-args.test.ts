import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clipCutArgs,
  decoderArgs,
  frameSizeOf,
  JPEG_OUTPUT_FD,
  rateSelectFilter,
  segmenterArgs,
} from './ffmpeg-args.js';
import { parseFfmpegVersion } from './ffmpeg-version.js';
import { DecoderOptionsError } from './errors.js';

test('an RTSP input gets the transport option before -i and stdin stays usable for q', () => {
  const args = decoderArgs({ inputUrl: 'rtsp://127.0.0.1:8554/front', width: 640, height: 360, fps: 5 });
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
    `${rateSelectFilter(5)},scale=640:360`,
    '-vsync',
    'passthrough',
    '-pix_fmt',
    'yuv420p',
    '-f',
    'rawvideo',
    'pipe:1',
  ]);
  assert.ok(!args.includes('-nostdin'));
});

test('global, hwaccel and input arguments keep their order and pass through unchanged', () => {
  const args = decoderArgs({
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
  assert.deepEqual(args.slice(-9), [
    '-vf',
    `${rateSelectFilter(2.5)},scale=320:180`,
    '-vsync',
    'passthrough',
    '-pix_fmt',
    'nv12',
    '-f',
    'rawvideo',
    'pipe:1',
  ]);
});

test('a file or tcp input gets no RTSP options', () => {
  for (const inputUrl of ['/media/clip.mp4', 'tcp://127.0.0.1:9000']) {
    const args = decoderArgs({ inputUrl, width: 320, height: 180, fps: 5, inputArgs: ['-re'] });
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
      () => decoderArgs(options),
      (error: unknown) => error instanceof DecoderOptionsError && error.option === option,
    );
  }
  assert.doesNotThrow(() => decoderArgs({ ...base, width: 321, pixelFormat: 'rgb24' }));
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
  const args = decoderArgs(base);
  assert.equal(threadsOf(args), '1');
  assert.ok(args.indexOf('-threads') < args.indexOf('-i'), 'an input (decoder) option');
  assert.equal(threadsOf(decoderArgs({ ...base, threads: 0 })), '0');
  assert.equal(threadsOf(decoderArgs({ ...base, inputArgs: ['-threads', '3'] })), '3');
  assert.throws(() => decoderArgs({ ...base, threads: 1.5 }), DecoderOptionsError);
  assert.throws(() => decoderArgs({ ...base, threads: -1 }), DecoderOptionsError);
});

test('the segmenter copies the first video track into flushed MPEG-TS segments listed on stdout', () => {
  const rtsp = segmenterArgs({
    inputUrl: 'rtsp://127.0.0.1:8554/front',
    segmentSeconds: 2,
    pattern: '/ring/.rec-%06d.ts',
    inputArgs: ['-use_wallclock_as_timestamps', '1'],
  });
  assert.deepEqual(rtsp.slice(rtsp.indexOf('-rtsp_transport'), rtsp.indexOf('-i') + 2), [
    '-rtsp_transport',
    'tcp',
    '-use_wallclock_as_timestamps',
    '1',
    '-i',
    'rtsp://127.0.0.1:8554/front',
  ]);
  assert.equal(rtsp.at(-1), '/ring/.rec-%06d.ts');
  assert.deepEqual(rtsp.slice(rtsp.indexOf('-c'), rtsp.indexOf('-c') + 2), ['-c', 'copy']);
  assert.equal(rtsp[rtsp.indexOf('-segment_list') + 1], 'pipe:1');
  assert.equal(rtsp[rtsp.indexOf('-segment_format_options') + 1], 'flush_packets=1');
  const file = segmenterArgs({ inputUrl: '/media/walk.mp4', segmentSeconds: 2, pattern: 'x-%d.ts' });
  assert.equal(file.includes('-rtsp_transport'), false, 'no RTSP options for a file');
});

test('the clip cutter stream-copies the concat list into a fast-start MP4 of the asked duration', () => {
  const args = clipCutArgs({ listPath: '/tmp/c.txt', durationS: 12.3456, outPath: '/tmp/c.mp4' });
  assert.deepEqual(args.slice(args.indexOf('-f'), args.indexOf('-i') + 2), [
    '-f',
    'concat',
    '-safe',
    '0',
    '-i',
    '/tmp/c.txt',
  ]);
  assert.equal(args[args.indexOf('-t') + 1], '12.346');
  assert.deepEqual(args.slice(-5), ['-movflags', '+faststart', '-f', 'mp4', '/tmp/c.mp4']);
  assert.ok(args.includes('-nostdin') && args.includes('-stats'));
});

test('frame-rate passthrough is spelled for the ffmpeg that runs it', () => {
  const base = { inputUrl: 'rtsp://127.0.0.1:8554/front', width: 640, height: 360, fps: 5 };
  const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1];
  assert.equal(after(decoderArgs(base), '-vsync'), 'passthrough', 'unknown version: the old spelling');
  assert.equal(
    after(decoderArgs({ ...base, ffmpegVersion: { major: 4, minor: 4 } }), '-vsync'),
    'passthrough',
  );
  for (const ffmpegVersion of [
    { major: 5, minor: 1 },
    { major: 7, minor: 0 },
  ]) {
    const args = decoderArgs({ ...base, ffmpegVersion });
    assert.equal(after(args, '-fps_mode'), 'passthrough');
    assert.ok(!args.includes('-vsync'));
  }
});

test('ffmpeg -version output gives the release, a git snapshot none', () => {
  assert.deepEqual(parseFfmpegVersion('ffmpeg version 5.1.6-0+deb12u1 Copyright (c) 2000-2024'), {
    major: 5,
    minor: 1,
  });
  assert.deepEqual(parseFfmpegVersion('ffmpeg version n7.1 Copyright'), { major: 7, minor: 1 });
  assert.equal(parseFfmpegVersion('ffmpeg version N-47683-g0e8eb07980-static https://'), undefined);
  assert.equal(parseFfmpegVersion('bash: ffmpeg: command not found'), undefined);
});

test('jpeg output: the motion image on stdout and JPEGs on fd 3, from one decode; bad settings are named', () => {
  const base = { inputUrl: 'rtsp://127.0.0.1:8554/front', width: 640, height: 360, fps: 5 };
  const jpeg = { quality: 4, motionWidth: 178, motionHeight: 100 };
  const args = decoderArgs({ ...base, pixelFormat: 'rgb24', jpeg });
  assert.equal(args.filter((arg) => arg === '-i').length, 1, 'one input');
  const graph = args[args.indexOf('-filter_complex') + 1]!;
  assert.match(graph, /scale=640:360:out_range=full,format=yuvj420p,split=2/);
  assert.match(graph, /format=gray,scale=178:100:flags=area\[motion\]/);
  const motionOut = args.indexOf('pipe:1');
  const jpegOut = args.indexOf(`pipe:${JPEG_OUTPUT_FD}`);
  assert.ok(motionOut > 0 && jpegOut > motionOut);
  assert.deepEqual(args.slice(args.indexOf('[motion]') - 1, motionOut + 1).slice(-3), [
    '-f',
    'rawvideo',
    'pipe:1',
  ]);
  assert.equal(args[args.indexOf('-q:v') + 1], '4');
  assert.ok(!args.includes('rgb24'), 'the raw pixel format plays no part');
  for (const [bad, option] of [
    [{ ...jpeg, quality: 1 }, 'jpeg.quality'],
    [{ ...jpeg, quality: 4.5 }, 'jpeg.quality'],
    [{ ...jpeg, motionWidth: 641 }, 'jpeg.motionWidth'],
    [{ ...jpeg, motionHeight: 0 }, 'jpeg.motionHeight'],
  ] as const) {
    assert.throws(
      () => decoderArgs({ ...base, jpeg: bad }),
      (error: unknown) => error instanceof DecoderOptionsError && error.message.includes(option),
      option,
    );
  }
});
