import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import {
  removeTempDir,
  runningServerCount,
  startMinio,
  startNatsServer,
  stopAll,
  waitFor,
} from '../src/index.js';

interface Reported {
  pid: number;
  port: number;
  tempDir: string;
}

test('nats-server dies with a test process killed by SIGKILL', async () => {
  // A test-like parent starts nats-server through the harness, reports it, then idles until killed.
  const script = `
    const { startNatsServer } = await import(${JSON.stringify(new URL('../src/index.ts', import.meta.url).href)});
    const server = await startNatsServer();
    console.log(JSON.stringify({ pid: server.pid, port: server.port, tempDir: server.tempDir }));
    setInterval(() => {}, 1000);
  `;
  const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const { pid, port, tempDir } = await new Promise<Reported>((resolve, reject) => {
    parent.stdout.once('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString()) as Reported));
    parent.once('exit', (code) => reject(new Error(`parent exited early with code ${code}`)));
  });
  assert.match(command(pid), /nats-server/, 'nats-server runs while the parent lives');
  assert.equal(await accepts(port), true);

  parent.kill('SIGKILL');
  await waitFor(() => command(pid) === '', { what: `nats-server pid ${pid} to exit`, timeoutMs: 5000 });
  assert.equal(await accepts(port), false);
  // A SIGKILLed process runs no exit hook, so its temp dir is the one thing left to clean.
  await removeTempDir(tempDir);
});

test('stopAll() disposes every server still running', async () => {
  const nats = await startNatsServer({ jetstream: false });
  const minio = await startMinio();
  assert.equal(runningServerCount(), 2);
  await stopAll();
  assert.equal(runningServerCount(), 0);
  assert.deepEqual([nats.state, minio.state], ['stopped', 'stopped']);
  assert.deepEqual([existsSync(nats.tempDir), existsSync(minio.tempDir)], [false, false]);
});

/** The command line of a live (not zombie) process, or '' once it is gone. */
function command(pid: number): string {
  try {
    const [state = '', ...args] = execFileSync('ps', ['-o', 'stat=,args=', '-p', String(pid)])
      .toString()
      .trim()
      .split(/\s+/);
    return state.startsWith('Z') ? '' : args.join(' ');
  } catch {
    return '';
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
