import type { CameraStatus } from '@shiriki/bus';
import type { DecoderStateChange } from '@shiriki/media';

export type CameraState = CameraStatus['state'];

/** The camera state a decoder state means to someone watching the camera. */
export function cameraStateOf(change: Pick<DecoderStateChange, 'state'>): CameraState {
  switch (change.state) {
    case 'starting':
      return 'starting';
    case 'streaming':
      return 'streaming';
    case 'stalled':
      return 'stalled';
    case 'backoff':
    case 'stopped':
      return 'offline';
  }
}

/** Frames per second over a sliding window of arrival times, without keeping every timestamp. */
export class RateMeter {
  private readonly buckets: Float64Array;
  private readonly bucketMs: number;
  private lastBucket = 0;

  constructor(
    private readonly windowMs = 5000,
    bucketCount = 10,
  ) {
    this.buckets = new Float64Array(bucketCount);
    this.bucketMs = windowMs / bucketCount;
  }

  mark(atMs: number): void {
    this.advance(atMs);
    const index = Math.floor(atMs / this.bucketMs) % this.buckets.length;
    this.buckets[index] = (this.buckets[index] ?? 0) + 1;
  }

  rate(atMs: number): number {
    this.advance(atMs);
    let total = 0;
    for (const count of this.buckets) total += count;
    // The current bucket has only just begun: dividing by the whole window under-reported a steady stream
    // by up to one bucket (10 %). Count the older buckets whole and the current one as far as it has run.
    const currentMs = atMs - Math.floor(atMs / this.bucketMs) * this.bucketMs;
    const spanMs = (this.buckets.length - 1) * this.bucketMs + currentMs;
    return spanMs > 0 ? (total * 1000) / spanMs : 0;
  }

  private advance(atMs: number): void {
    const bucket = Math.floor(atMs / this.bucketMs);
    const stale = Math.min(bucket - this.lastBucket, this.buckets.length);
    for (let i = 1; i <= stale; i++) this.buckets[(this.lastBucket + i) % this.buckets.length] = 0;
    if (bucket > this.lastBucket) this.lastBucket = bucket;
  }
}
