import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { spawnChild, liveChildCount } from './child.js';

test('stop() ends a child that honours the quit input without signals', async () => {
  // `read` returns as soon as the quit line arrives, so a clean exit code proves stdin was used.
  const child = await spawnChild('bash', ['-c', 'read line; [ "$line" = q ] && exit 0; exit 3']);
  const exit = await child.stop({ quitInput: 'q\n', quitGraceMs: 5000 });
  assert.deepEqual(exit, { code: 0, signal: null });
  assert.equal(liveChildCount(), 0);
});

test('stop() escalates to SIGKILL when SIGTERM is ignored', async () => {
  const child = await spawnChild(
    'bash',
    ['-c', 'trap "" TERM; echo ready; while true; do sleep 0.05; done'],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  await once(child.process.stdout!, 'data'); // the trap is in place only once bash says so
  const exit = await child.stop({ termGraceMs: 200 });
  assert.equal(exit.signal, 'SIGKILL');
});

test('spawnChild rejects with a typed error when the command does not exist', async () => {
  // setpriv itself starts, so a missing command shows up as exit code 127 from setpriv or as ENOENT.
  try {
    const child = await spawnChild('/nonexistent/binary', []);
    const exit = await child.exited;
    assert.notEqual(exit.code, 0);
  } catch (error) {
    assert.equal((error as Error).name, 'ChildProcessError');
  }
});

test('a child dies with its parent even when the parent is killed with SIGKILL', async () => {
  // The parent spawns a long sleeper through spawnChild, prints its pid, then gets SIGKILLed.
  const script = `
    const { spawnChild } = await import(${JSON.stringify(new URL('./child.ts', import.meta.url).href)});
    const c = await spawnChild('sleep', ['60'], { stdio: 'ignore' });
    console.log(c.pid);
    setInterval(() => {}, 1000);
  `;
  const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const pid = await new Promise<number>((resolve, reject) => {
    parent.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    parent.once('exit', () => reject(new Error('parent exited early')));
  });
  assert.ok(isAlive(pid), 'grandchild should run while its parent lives');
  parent.kill('SIGKILL');
  const deadline = Date.now() + 5000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.equal(isAlive(pid), false, 'grandchild must die with its parent');
});

function isAlive(pid: number): boolean {
  try {
    const state = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)])
      .toString()
      .trim();
    return state !== '' && !state.startsWith('Z');
  } catch {
    return false;
  }
}
