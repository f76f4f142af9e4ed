import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loopingFileSource, syntheticSource } from './go2rtc-sources.js';

test('a looping clip copies H.264 in real time, forever, to go2rtc', () => {
  assert.equal(
    loopingFileSource('/opt/ffmpeg', '/media/person-walk.mp4'),
    'exec:/opt/ffmpeg -hide_banner -v error -re -stream_loop -1 -i /media/person-walk.mp4 -map 0:v:0 -c:v copy -an ' +
      '-rtsp_transport tcp -f rtsp {output}',
  );
});

test('paths with spaces are quoted for go2rtc', () => {
  assert.match(
    loopingFileSource('/opt/my ffmpeg', "/media/it's here.mp4"),
    /^exec:"\/opt\/my ffmpeg" .* -i "\/media\/it's here\.mp4" /,
  );
  assert.throws(() => loopingFileSource('/opt/ffmpeg', `/media/"it's".mp4`), RangeError);
});

test('the synthetic source encodes testsrc2 to H.264 with a keyframe per second', () => {
  const source = syntheticSource('ffmpeg', { size: '320x180', fps: 5 });
  assert.match(source, /-f lavfi -i testsrc2=size=320x180:rate=5 /);
  assert.match(source, /-c:v libx264 .* -g 5 /);
  assert.match(source, /-f rtsp \{output\}$/);
});
