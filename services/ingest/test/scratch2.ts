import { startGo2rtc, countRtspFrames } from '@shiriki/testing';
import { execSource } from './harness.js';
const go2rtc = await startGo2rtc({ streams: {
  noise: execSource(['-re','-f','lavfi','-i','testsrc2=size=640x360:rate=10','-c:v','libx264','-preset','ultrafast','-tune','zerolatency','-pix_fmt','yuv420p','-g','10','-bsf:v','noise=amount=3']),
  closed: 'rtsp://127.0.0.1:9/x',
}});
for (const s of ['noise','closed']) {
  try { console.log(s, await countRtspFrames(go2rtc.rtspUrl(s), 4, { attemptTimeoutMs: 10000 })); } catch (e) { console.log(s, 'ERR', String(e).slice(0,500)); }
}
console.log(go2rtc.logTail(20));
await go2rtc.dispose();
