import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter, parseStderrReason } from './stderr.js';

test('known ffmpeg failures become short reasons', () => {
  const cases: [string, string][] = [
    [
      '[tcp @ 0x55d] Connection to tcp://10.0.0.5:554?timeout=0 failed: Connection refused',
      'Connection refused',
    ],
    ['rtsp://user:***@127.0.0.1:1/x: Connection refused', 'Connection refused'],
    ['[rtsp @ 0x1d6e] method DESCRIBE failed: 404 Not Found', '404 Not Found'],
    ['[rtsp @ 0x1d6e] method DESCRIBE failed: 401 Unauthorized', '401 Unauthorized'],
    ['[http @ 0x2a] HTTP error 403 Forbidden', '403 Forbidden'],
    ['http://cam/x: Server returned 403 Forbidden (access denied)', '403 Forbidden'],
    [
      'tcp://127.0.0.1:9: Invalid data found when processing input',
      'Invalid data found when processing input',
    ],
    ['[tcp @ 0x1] Connection to tcp://10.9.9.9:554 failed: Connection timed out', 'Connection timed out'],
    ['[tcp @ 0x1] Failed to resolve hostname nope.invalid: Name or service not known', 'Host not found'],
    ['/media/missing.mp4: No such file or directory', 'No such file or directory'],
    ["Unrecognized option 'stimeout'.", "Unrecognized option 'stimeout'"],
    ['[AVHWDeviceContext @ 0x1] Device creation failed: -12.', 'Hardware decoder failed'],
  ];
  for (const [line, reason] of cases) assert.equal(parseStderrReason(line), reason, line);
});

test('ordinary warnings have no reason', () => {
  assert.equal(parseStderrReason('[h264 @ 0x1] co located POCs unavailable'), undefined);
  assert.equal(parseStderrReason('Past duration 0.999992 too large'), undefined);
});

test('LineSplitter joins partial lines and splits on \\n, \\r\\n and \\r', () => {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line));
  splitter.push('first par');
  splitter.push('t\nsecond\r\nthird\rfourth  \n\n');
  splitter.push('tail without newline');
  assert.deepEqual(lines, ['first part', 'second', 'third', 'fourth']);
  splitter.flush();
  assert.deepEqual(lines.at(-1), 'tail without newline');
});

test('LineSplitter bounds a runaway line', () => {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line));
  splitter.push('x'.repeat(10_000));
  splitter.push('y'.repeat(10_000));
  splitter.flush();
  assert.equal(lines.length, 1);
  assert.ok(lines[0]!.length <= 2000);
});
