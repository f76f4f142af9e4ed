import type { Go2rtcClient } from './client.js';
import type { Go2rtcConfigOptions } from './config.js';
import { matchSource } from './source-match.js';
import type { Go2rtcStream } from './types.js';
import type { LogSink } from '@shiriki/telemetry';

export interface EnsureStreamsResult {
  /** Streams go2rtc did not have. */
  added: string[];
  /** Streams whose sources differed, replaced with the configured ones. */
  updated: string[];
  /** Streams whose sources go2rtc reports as configured. */
  unchanged: string[];
  /**
   * Streams left as they are because go2rtc cannot show their configured source right now: a connected
   * producer of a redirected source (e.g. `ffmpeg:`) reports the command it became, not the source. Replacing
   * such a stream on every run would cut off its consumers, so it is checked again once it is idle.
   */
  unverified: string[];
  /** Streams go2rtc refused (e.g. an `exec:` source, which it accepts only from its config file), with why. */
  failed: Array<{ stream: string; error: string }>;
}

type StreamClient = Pick<Go2rtcClient, 'listStreams' | 'upsertStream'>;

/**
 * Makes go2rtc serve every camera with its configured sources: adds missing streams, replaces streams whose
 * sources differ and leaves the rest. Idempotent; streams that are not cameras are left alone. A stream go2rtc
 * refuses is reported in `failed` and the others are still registered; only an unreachable go2rtc throws.
 */
export async function ensureStreams(
  client: StreamClient,
  cameras: Go2rtcConfigOptions['cameras'],
  logger?: LogSink,
): Promise<EnsureStreamsResult> {
  const existing = await client.listStreams();
  const result: EnsureStreamsResult = { added: [], updated: [], unchanged: [], unverified: [], failed: [] };
  for (const [name, camera] of Object.entries(cameras)) {
    const sources = typeof camera.source === 'string' ? [camera.source] : [...camera.source];
    const current = existing[name];
    const verdict = current === undefined ? 'missing' : compare(sources, current);
    if (verdict === 'same') {
      result.unchanged.push(name);
      continue;
    }
    if (verdict === 'unknown') {
      result.unverified.push(name);
      logger?.info({ stream: name }, 'go2rtc stream is in use and hides its source; left as it is');
      continue;
    }
    if (sources.some((source) => source.includes('${'))) {
      // go2rtc expands placeholders only while loading its config file, never for API requests.
      logger?.warn(
        { stream: name },
        'go2rtc will not expand ${VAR} placeholders in a stream added through its API',
      );
    }
    try {
      await client.upsertStream(name, sources);
    } catch (error) {
      // One refused stream must not keep the other cameras out of go2rtc.
      const message = error instanceof Error ? error.message : String(error);
      result.failed.push({ stream: name, error: message });
      logger?.warn({ stream: name, error: message }, 'go2rtc refused the stream');
      continue;
    }
    (verdict === 'missing' ? result.added : result.updated).push(name);
    logger?.info(
      { stream: name },
      verdict === 'missing' ? 'added go2rtc stream' : 'updated go2rtc stream sources',
    );
  }
  return result;
}

function compare(sources: readonly string[], stream: Go2rtcStream): 'same' | 'different' | 'unknown' {
  if (stream.producers.length !== sources.length) return 'different';
  const matches = sources.map((source, i) => {
    const producer = stream.producers[i];
    return producer === undefined ? 'different' : matchSource(source, producer);
  });
  if (matches.includes('different')) return 'different';
  return matches.includes('unknown') ? 'unknown' : 'same';
}
