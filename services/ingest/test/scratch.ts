import { join } from 'node:path';
import { assetPath, loopingFileSource, makeTempDir, startGo2rtc, startNatsServer } from '@shiriki/testing';
import { resolveFfmpegPath } from '@shiriki/process';
import { spawnIngestWorker, writeIngestConfig, logTail, sleep } from './harness.js';
const dir = makeTempDir('scratch');
const [nats, go2rtc] = await Promise.all([startNatsServer(), startGo2rtc({ streams: {} })]);
const config = writeIngestConfig(dir, { natsUrl: nats.url, go2rtcApiUrl: go2rtc.apiUrl, go2rtcRtspPort: go2rtc.rtspPort },
  { cameras: { lobby: { source: loopingFileSource(resolveFfmpegPath(), assetPath('media/person-walk.mp4')), motion: { enabled: false } } } });
const w = await spawnIngestWorker(config, join(dir, 'w.log'));
await sleep(Number(process.argv[2] ?? 12000));
console.log(logTail(w.logFile, 200));
console.log('--- go2rtc'); console.log(go2rtc.logTail(30));
await w.child.stop(); await nats.dispose(); await go2rtc.dispose();
