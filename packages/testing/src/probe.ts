import { resolveFfmpegPath, spawnChild } from '@shiriki/process';

/** `Duration:` of `ffmpeg -i file`, seconds. */
export async function containerDuration(file: string): Promise<number> {
  const child = await spawnChild(resolveFfmpegPath(), ['-nostdin', '-hide_banner', '-i', file], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let text = '';
  child.process.stderr?.setEncoding('utf8');
  child.process.stderr?.on('data', (chunk: string) => (text += chunk));
  await child.exited;
  // stderr may still hold its last chunk when the exit arrives.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const m = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(text);
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : Number.NaN;
}
