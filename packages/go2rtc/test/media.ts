import { resolveFfmpegPath, spawnChild } from '@shiriki/process';
import { assetPath } from '@shiriki/testing';

/** 768x432 H264, 10 fps. */
export const PERSON_WALK = assetPath('media/person-walk.mp4');

/** An RTSP client that reads a go2rtc stream until stopped, so go2rtc keeps the producer connected. */
export async function startRtspReader(url: string): Promise<{ stop(): Promise<void> }> {
  const child = await spawnChild(
    resolveFfmpegPath(),
    ['-v', 'error', '-nostdin', '-rtsp_transport', 'tcp', '-i', url, '-f', 'null', '-'],
    { name: 'ffmpeg[rtsp-reader]', stdio: ['ignore', 'ignore', 'ignore'] },
  );
  return {
    async stop() {
      await child.stop({ termGraceMs: 1_000 });
    },
  };
}
