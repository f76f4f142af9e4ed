import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Supervisor } from './supervisor.js';
import { waitFor } from './wait.js';

const dir = mkdtempSync(join(tmpdir(), 'shiriki-supervisor-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

function node(name: string, script: string) {
  return { name, command: process.execPath, args: ['-e', script], logFile: join(dir, `${name}.log`) };
}

/** The process group id, field 5 of /proc/<pid>/stat (after the parenthesised command name). */
function processGroup(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('a process that crashes is restarted with growing delays and reported each time', async () => {
  const supervisor = new Supervisor({ initialBackoffMs: 100, maxBackoffMs: 400 });
  const crashes: { restartInMs: number; code: number | null }[] = [];
  supervisor.on('crashed', ({ exit, restartInMs }) => crashes.push({ restartInMs, code: exit.code }));
  await supervisor.start(node('crasher', 'console.log("up"); setTimeout(() => process.exit(3), 150)'));
  await waitFor(() => crashes.length >= 3, { what: 'three crashes', timeoutMs: 10_000 });
  await supervisor.stop();
  assert.deepEqual(
    crashes.slice(0, 3).map((c) => c.restartInMs),
    [100, 200, 400],
  );
  assert.ok(crashes.every((c) => c.code === 3));
  assert.ok(
    readFileSync(join(dir, 'crasher.log'), 'utf8').split('up').length > 3,
    'every run logs to the file',
  );
});

test('start waits for readiness; a process that dies before it is ready fails the start', async () => {
  const supervisor = new Supervisor();
  let ready = false;
  await supervisor.start({
    ...node('slow', 'setTimeout(() => {}, 60_000)'),
    ready: async () => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      ready = true;
    },
  });
  assert.equal(ready, true);
  await assert.rejects(
    supervisor.start({ ...node('dies', 'process.exit(2)'), ready: () => new Promise(() => undefined) }),
    /dies exited before it was ready \(code 2/,
  );
  await supervisor.stop();
});

test('stop ends processes in the order given, escalating to SIGKILL for one that ignores SIGTERM', async () => {
  const supervisor = new Supervisor();
  const stopped: string[] = [];
  await supervisor.start(
    node(
      'first',
      'process.on("SIGTERM", () => { console.log("first stops"); process.exit(0) }); setInterval(() => {}, 1000)',
    ),
  );
  // Ready once it has said so: only then is its SIGTERM handler in place.
  const stubborn = node(
    'stubborn',
    'process.on("SIGTERM", () => {}); console.log("armed"); setInterval(() => {}, 1000)',
  );
  await supervisor.start({
    ...stubborn,
    stopGraceMs: 300,
    ready: () =>
      waitFor(() => readFileSync(stubborn.logFile, 'utf8').includes('armed'), {
        what: 'stubborn armed',
      }).then(() => undefined),
  });
  await supervisor.start(node('last', 'setInterval(() => {}, 1000)'));
  const pids = ['first', 'stubborn', 'last'].map((name) => supervisor.pid(name));
  assert.ok(pids.every(alive));
  // Each runs in a process group of its own: a Ctrl-C at the terminal reaches the supervisor only.
  for (const pid of pids) assert.notEqual(processGroup(pid!), processGroup(process.pid));
  const started = Date.now();
  const watch = setInterval(() => {
    for (const [i, name] of ['first', 'stubborn', 'last'].entries()) {
      if (!alive(pids[i]) && !stopped.includes(name)) stopped.push(name);
    }
  }, 10);
  await supervisor.stop(['first', 'stubborn', 'last']);
  clearInterval(watch);
  for (const [i, name] of ['first', 'stubborn', 'last'].entries()) {
    if (!alive(pids[i]) && !stopped.includes(name)) stopped.push(name);
  }
  assert.deepEqual(stopped, ['first', 'stubborn', 'last']);
  assert.ok(Date.now() - started >= 300, 'the stubborn one got its grace time');
  assert.ok(
    pids.every((pid) => !alive(pid)),
    'nothing left running',
  );
});
