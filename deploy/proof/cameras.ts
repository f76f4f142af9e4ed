// The proof's cameras: one clip looped by a publisher per camera into the proof's go2rtc. A publisher that
// loses go2rtc is started again once go2rtc is back; each run of it is an epoch of the camera's timeline.
import {
  sleep,
  publishCamera,
  type CameraClip,
  type Go2rtcServer,
  type PublishingCamera,
} from '@shiriki/testing';
import type { CameraEpoch, CameraTimeline } from './ledger.js';

export class ProofCamera {
  readonly epochs: CameraEpoch[] = [];
  #current: PublishingCamera | undefined;
  #stopping = false;
  #restarting: Promise<void> | undefined;

  constructor(
    readonly name: string,
    readonly clip: CameraClip,
    readonly go2rtc: Go2rtcServer,
  ) {}

  async start(): Promise<void> {
    const publisher = await publishCamera(this.clip, this.go2rtc.rtspUrl(this.name));
    const epoch: CameraEpoch = { origin: publisher.origin(), from: Date.now(), to: Infinity };
    this.epochs.push(epoch);
    this.#current = publisher;
    void publisher.child.exited.then(() => {
      // The origin sharpens while reports arrive; keep the last estimate.
      epoch.origin = publisher.origin();
      epoch.to = Date.now();
      if (!this.#stopping) this.#restarting = this.#restartWhenGo2rtcIsBack();
    });
  }

  /** Keeps the origin estimate current while the publisher runs. */
  refresh(): void {
    const epoch = this.epochs.at(-1);
    if (epoch && this.#current && epoch.to === Infinity) epoch.origin = this.#current.origin();
  }

  async #restartWhenGo2rtcIsBack(): Promise<void> {
    while (!this.#stopping) {
      try {
        await this.start();
        return;
      } catch {
        await sleep(500);
      }
    }
  }

  /** Resolves once the publisher runs again after go2rtc came back. */
  async running(): Promise<void> {
    await this.#restarting;
  }

  timeline(): CameraTimeline {
    this.refresh();
    return {
      camera: this.name,
      loopMs: this.clip.loopSeconds * 1000,
      epochs: this.epochs.map((e) => ({ ...e })),
    };
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.refresh();
    await this.#restarting;
    await this.#current?.child.stop({ quitInput: 'q', quitGraceMs: 1000, termGraceMs: 2000 });
  }
}
