import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createLogger } from './logger.js';
import { ServiceLifecycle, type LifecycleState } from './lifecycle.js';

function newLifecycle(graceMs?: number): {
  lifecycle: ServiceLifecycle;
  exits: number[];
  logs: () => Record<string, unknown>[];
} {
  const chunks: string[] = [];
  const logger = createLogger({ service: 'test', destination: { write: (line) => void chunks.push(line) } });
  const exits: number[] = [];
  const lifecycle = new ServiceLifecycle({ logger, graceMs, exit: (code) => void exits.push(code) });
  const logs = (): Record<string, unknown>[] =>
    chunks
      .flatMap((chunk) => chunk.trimEnd().split('\n'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { lifecycle, exits, logs };
}

test('moves through starting, running, draining and stopped, emitting each change', async () => {
  const { lifecycle, exits } = newLifecycle();
  const changes: [LifecycleState, LifecycleState][] = [];
  lifecycle.on('state', (state, previous) => changes.push([state, previous]));
  assert.equal(lifecycle.state, 'starting');
  lifecycle.markRunning();
  assert.equal(lifecycle.readiness(), true);
  const first = lifecycle.shutdown('test');
  assert.equal(lifecycle.shutdown('again'), first);
  assert.equal(await first, 0);
  assert.deepEqual(changes, [
    ['running', 'starting'],
    ['draining', 'running'],
    ['stopped', 'draining'],
  ]);
  assert.deepEqual(exits, [0]);
  assert.deepEqual(lifecycle.readiness(), { ok: false, reason: 'service is stopped' });
  assert.throws(() => lifecycle.onShutdown('late', () => undefined), { name: 'LifecycleStateError' });
});

test('runs shutdown steps in reverse registration order and logs each with its duration', async () => {
  const { lifecycle, exits, logs } = newLifecycle();
  const ran: string[] = [];
  for (const name of ['nats', 'go2rtc', 'ffmpeg']) lifecycle.onShutdown(name, () => void ran.push(name));
  const removeUnused = lifecycle.onShutdown('unused', () => void ran.push('unused'));
  removeUnused();
  lifecycle.markRunning();
  await lifecycle.shutdown('SIGTERM');
  assert.deepEqual(ran, ['ffmpeg', 'go2rtc', 'nats']);
  assert.deepEqual(exits, [0]);
  const steps = logs().filter((line) => line.msg === 'shutdown step done');
  assert.deepEqual(
    steps.map((line) => line.step),
    ['ffmpeg', 'go2rtc', 'nats'],
  );
  assert.ok(steps.every((line) => typeof line.durationMs === 'number'));
});

test('a failing step is logged and the others still run; the exit code is 1', async () => {
  const { lifecycle, exits, logs } = newLifecycle();
  const ran: string[] = [];
  lifecycle.onShutdown('nats', () => void ran.push('nats'));
  lifecycle.onShutdown('recorder', () => Promise.reject(new Error('disk full')));
  lifecycle.onShutdown('uploader', () => {
    throw new Error('rtsp://admin:hunter2@cam unreachable');
  });
  lifecycle.markRunning();
  assert.equal(await lifecycle.shutdown('SIGTERM'), 1);
  assert.deepEqual(ran, ['nats']);
  assert.deepEqual(exits, [1]);
  const failed = logs().filter((line) => line.msg === 'shutdown step failed');
  assert.deepEqual(
    failed.map((line) => [line.step, (line.err as Record<string, unknown>).message]),
    [
      ['uploader', 'shutdown step "uploader" failed: rtsp://admin:***@cam unreachable'],
      ['recorder', 'shutdown step "recorder" failed: disk full'],
    ],
  );
});

test('a step that outlives the grace time is named in the log and the process exits with 1', async () => {
  const { lifecycle, exits, logs } = newLifecycle(100);
  const ran: string[] = [];
  lifecycle.onShutdown('never-reached', () => void ran.push('never-reached'));
  lifecycle.onShutdown('hung-consumer', () => new Promise(() => undefined));
  assert.equal(await lifecycle.shutdown('SIGTERM'), 1);
  assert.deepEqual(exits, [1]);
  assert.deepEqual(ran, []);
  assert.equal(lifecycle.state, 'stopped');
  const timeout = logs().find((line) => line.msg === 'shutdown timed out');
  assert.equal(timeout?.step, 'hung-consumer');
  assert.equal((timeout?.err as Record<string, unknown>).type, 'ShutdownTimeoutError');
});

test('shutdown with an error exits with 1 even when every step succeeds', async () => {
  const { lifecycle, exits } = newLifecycle();
  assert.equal(await lifecycle.shutdown('startup failed', new Error('config invalid')), 1);
  assert.deepEqual(exits, [1]);
});

test('installSignalHandlers installs one handler per signal however often it is called, and removes them', () => {
  const { lifecycle } = newLifecycle();
  const before = [process.listenerCount('SIGTERM'), process.listenerCount('SIGINT')];
  const remove = lifecycle.installSignalHandlers();
  assert.equal(lifecycle.installSignalHandlers(), remove);
  assert.deepEqual(
    [process.listenerCount('SIGTERM'), process.listenerCount('SIGINT')],
    [before[0]! + 1, before[1]! + 1],
  );
  remove();
  assert.deepEqual([process.listenerCount('SIGTERM'), process.listenerCount('SIGINT')], before);
});

// Real signals go to a child process so the test runner's own handlers stay untouched.
const CHILD_SCRIPT = `
  const { ServiceLifecycle, createLogger } = await import(${JSON.stringify(new URL('./index.ts', import.meta.url).href)});
  const logger = createLogger({ service: 'signals', destination: { write: (line) => process.stderr.write(line) } });
  const lifecycle = new ServiceLifecycle({ logger, graceMs: 30000 });
  lifecycle.onShutdown('opened-first', () => console.log('closed opened-first'));
  lifecycle.onShutdown('opened-last', async () => {
    console.log('closing opened-last');
    if (process.argv.includes('hang')) await new Promise(() => setInterval(() => {}, 1000));
  });
  lifecycle.installSignalHandlers();
  lifecycle.markRunning();
  setInterval(() => {}, 1000);
  console.log('ready');
`;

function startChild(mode: 'clean' | 'hang') {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', CHILD_SCRIPT, mode],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.resume();
  const waitFor = async (text: string): Promise<void> => {
    while (!stdout.includes(text)) {
      if (child.exitCode !== null) throw new Error(`child exited before printing "${text}": ${stdout}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { child, waitFor, stdout: () => stdout };
}

test('SIGTERM drains in reverse order and exits with 0', async () => {
  const { child, waitFor, stdout } = startChild('clean');
  await waitFor('ready');
  child.kill('SIGTERM');
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0);
  assert.deepEqual(stdout().trim().split('\n'), ['ready', 'closing opened-last', 'closed opened-first']);
});

test('a second signal during a hanging drain exits at once with 128 + the signal number', async () => {
  const { child, waitFor, stdout } = startChild('hang');
  await waitFor('ready');
  child.kill('SIGTERM');
  await waitFor('closing opened-last');
  child.kill('SIGINT');
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 130);
  assert.equal(stdout().includes('closed opened-first'), false);
});
