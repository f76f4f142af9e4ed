import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitDecodeComplaints } from '../proof/store.js';

// The first as ffmpeg 4.1 printed it for a stored proof clip whose first frames shared a time (it plays); the
// second the h264 decoder's complaint about a frame cut short (it does not decode to the end).
const SHARED_TIMES =
  '[null @ 0x393a2c80] Application provided invalid, non monotonically increasing dts to muxer in stream 0: 60 >= 60\n' +
  '    Last message repeated 5 times\n';
const CUT_FRAME =
  '[h264 @ 0x1c4b240] error while decoding MB 12 21, bytestream -7\n' +
  '[h264 @ 0x1c4b240] concealing 1510 DC, 1510 AC, 1510 MV errors in P frame\n';

test('frames that share a time are told apart from frames that do not decode', () => {
  assert.deepEqual(splitDecodeComplaints(SHARED_TIMES), { error: '', timing: SHARED_TIMES.trimEnd() });
  assert.deepEqual(splitDecodeComplaints(CUT_FRAME), { error: CUT_FRAME.trimEnd(), timing: '' });
  const both = splitDecodeComplaints(SHARED_TIMES + CUT_FRAME);
  assert.equal(both.error, CUT_FRAME.trimEnd(), 'a decoder error is never hidden by a timing complaint');
  assert.deepEqual(splitDecodeComplaints(''), { error: '', timing: '' });
});
