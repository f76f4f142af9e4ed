// temporary profiling harness (not committed)
import { createWriteStream, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveFfmpegPath, spawnChild } from '../packages/process/src/index.js';
import { assetPath, loopingFileSource, makeTempDir, startGo2rtc, startNatsServer, waitFor } from '../packages/testing/src/index.js';
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const n = Number(process.argv[2] ?? 1);
const secs = Number(process.argv[3] ?? 30);
const prof = process.argv[4];
const ffmpeg = resolveFfmpegPath();
const dir = makeTempDir('prof-ingest');
const [nats, go2rtc] = await Promise.all([startNatsServer(), startGo2rtc({ streams: { source: loopingFileSource(ffmpeg, assetPath('media/person-walk.mp4')) } })]);
function procTicks(): Map<number, { ppid: number; ticks: number; comm: string; u: number; sy: number }> {
  const stats = new Map<number, { ppid: number; ticks: number; comm: string; u: number; sy: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(entry), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), comm, u: Number(f[11]), sy: Number(f[12]) });
    } catch {}
  }
  return stats;
}
function split(pid: number): { node: number; kids: number; u: number; sy: number } {
  const s = procTicks();
  let kids = 0;
  const q = [...s].filter(([, v]) => v.ppid === pid).map(([k]) => k);
  while (q.length) { const c = q.pop()!; kids += s.get(c)?.ticks ?? 0; for (const [k, v] of s) if (v.ppid === c) q.push(k); }
  return { node: (s.get(pid)?.ticks ?? 0) / 100, kids: kids / 100, u: (s.get(pid)?.u ?? 0) / 100, sy: (s.get(pid)?.sy ?? 0) / 100 };
}
const config = {
  nats: { servers: [nats.url] },
  go2rtc: { api_url: go2rtc.apiUrl, rtsp_url: `rtsp://127.0.0.1:${go2rtc.rtspPort}`, register_streams: true },
  detect: { width: 640, height: 360, fps: 5 },
  storage: { type: 'local', local: { path: join(dir, 'store') } },
  telemetry: { log_level: 'info', metrics_port: 0 },
  cameras: Object.fromEntries(Array.from({ length: n }, (_, i) => [`cam-${i}`, { source: go2rtc.rtspUrl('source') }])),
};
const cfg = join(dir, 'c.yaml');
writeFileSync(cfg, JSON.stringify(config));
async function once(variant: boolean): Promise<void> {
const useDist = process.env.DIST === '1';
const child = await spawnChild(process.execPath, [
  ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`, '--cpu-prof-interval=200'] : []),
  ...(useDist ? [join(repoRoot, 'services/ingest/dist/src/main.js')] : ['--conditions=shiriki-source', '--import', 'tsx', join(repoRoot, 'services/ingest/src/main.ts')]),
  '--config', cfg,
], { name: 'ingest', cwd: repoRoot, env: { ...process.env, ...(variant ? { TMP_OLD: '1' } : {}), SHIRIKI_METRICS_PORT: '0', NODE_OPTIONS: '' } });
let out = '';
const log = createWriteStream('/tmp/prof/ingest.log');
child.process.stdout?.on('data', (c: Buffer) => (out += c.toString()));
child.process.stdout?.pipe(log); child.process.stderr?.pipe(log);
const url = await waitFor(() => /"url":"(http:\/\/[^"]+)"/.exec(out)?.[1], { what: 'metrics', timeoutMs: 30000 });
await waitFor(async () => (await (await fetch(`${url}/metrics`)).text()).split('\n').filter((l) => l.startsWith('shiriki_ingest_frames_in_total{') && !l.endsWith(' 0')).length >= n, { what: 'frames', timeoutMs: 90000 });
await new Promise((r) => setTimeout(r, 10000));
const a = split(child.pid);
await new Promise((r) => setTimeout(r, secs * 1000));
const b = split(child.pid);
const m = (await (await fetch(`${url}/metrics`)).text()).split('\n').filter((l) => /frames_in_total|motion_detection_seconds_(sum|count)/.test(l) && !l.startsWith('#'));
console.log(JSON.stringify({ variant: variant ? 'old' : 'new', n, secs, nodeCpu: +(b.node - a.node).toFixed(2), ffmpegCpu: +(b.kids - a.kids).toFixed(2), nodeUser: +(b.u - a.u).toFixed(2), nodeSys: +(b.sy - a.sy).toFixed(2) }));
console.log(m.join('\n'));
await child.stop({ termGraceMs: 10000 });
}
for (const v of (process.env.ORDER ?? 'on').split('')) await once(v === 'o');
// bare
if (process.env.BARE !== '0') {
  const kids = await Promise.all(Array.from({ length: n }, (_, i) => spawnChild(ffmpeg, ['-nostats', '-y', '-hide_banner', '-loglevel', 'error', '-rtsp_transport', 'tcp', '-i', go2rtc.rtspUrl(`cam-${i}`), '-an', '-vf', 'fps=5,scale=640:360', '-pix_fmt', 'yuv420p', '-f', 'rawvideo', '/dev/null'])));
  await new Promise((r) => setTimeout(r, 10000));
  const t = () => { const s = procTicks(); return kids.reduce((x, k) => x + (s.get(k.pid)?.ticks ?? 0), 0) / 100; };
  const t0 = t(); await new Promise((r) => setTimeout(r, secs * 1000)); const t1 = t();
  console.log(JSON.stringify({ bare: +(t1 - t0).toFixed(2) }));
  await Promise.all(kids.map((k) => k.stop({ quitInput: 'q', quitGraceMs: 2000 })));
}
await Promise.all([nats.dispose(), go2rtc.dispose()]);
