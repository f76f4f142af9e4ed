import { existsSync, readFileSync } from 'node:fs';
import type { ServiceProcess } from './service.js';
import { sleep } from '@shiriki/stack';

/** The last `lines` lines of a log file, for failure messages; empty when there is no such file. */
export function logTail(file: string | undefined, lines = 40): string {
  if (file === undefined || !existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** Every JSON log entry whose `msg` is `message` and that has `match`'s fields, oldest first. */
export function logEntries(
  logFile: string,
  message: string,
  match: Record<string, unknown> = {},
): Record<string, unknown>[] {
  if (!existsSync(logFile)) return [];
  const entries: Record<string, unknown>[] = [];
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes(message)) continue;
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry.msg === message && Object.entries(match).every(([k, v]) => entry[k] === v))
        entries.push(entry);
    } catch {
      // not a JSON log line
    }
  }
  return entries;
}

/** The first JSON log entry whose `msg` is `message` and that has `match`'s fields, or undefined. */
export function logEntry(
  logFile: string,
  message: string,
  match: Record<string, unknown> = {},
): Record<string, unknown> | undefined {
  return logEntries(logFile, message, match)[0];
}

/** Whether the service logged `message` (with `match`'s fields) at or after `sinceMs` (epoch ms). */
export function loggedSince(
  logFile: string,
  message: string,
  sinceMs: number,
  match: Record<string, unknown> = {},
): boolean {
  return logEntries(logFile, message, match).some((entry) => Date.parse(String(entry.time)) >= sinceMs);
}

/** Waits for a service's log entry `message`; fails early, with the log's end, when the process exits. */
export async function waitForLog(
  service: ServiceProcess,
  message: string,
  timeoutMs = 60_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void service.child.exited.then(() => (exited = true));
  for (;;) {
    const entry = logEntry(service.logFile, message);
    if (entry) return entry;
    if (exited || Date.now() > deadline) {
      throw new Error(`no "${message}" from ${service.child.name}:\n${logTail(service.logFile)}`);
    }
    await sleep(100);
  }
}
