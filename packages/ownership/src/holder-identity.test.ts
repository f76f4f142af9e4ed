import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { pidAlive, provablyDead, selfIdentity } from './holder-identity.js';

const self = { host: 'box', pidns: 'pid:[1]', pid: 100 };
const dead = () => false;
const alive = () => true;

test('a holder of this host and PID namespace whose pid is gone is dead', () => {
  assert.equal(provablyDead({ host: 'box', pidns: 'pid:[1]', pid: 7 }, self, dead), true);
  assert.equal(provablyDead({ host: 'box', pidns: 'pid:[1]', pid: 7 }, self, alive), false);
});

test('anything that cannot be checked here counts as alive', () => {
  for (const holder of [
    { host: 'other', pidns: 'pid:[1]', pid: 7 },
    { host: 'box', pidns: 'pid:[2]', pid: 7 },
    { host: 'box', pid: 7 },
    { host: 'box', pidns: 'pid:[1]', pid: '7' },
    { host: 'box', pidns: 'pid:[1]', pid: 100 },
    { owner: 'old-worker' },
    'garbage',
    null,
  ])
    assert.equal(provablyDead(holder, self, dead), false, JSON.stringify(holder));
  assert.equal(
    provablyDead({ host: 'box', pidns: undefined, pid: 7 }, { ...self, pidns: undefined }, dead),
    false,
  );
});

test('pidAlive tells a running process from one that exited', () => {
  assert.equal(pidAlive(process.pid), true);
  const exited = spawnSync(process.execPath, ['-e', '0']).pid;
  assert.equal(pidAlive(exited), false);
  assert.equal(selfIdentity().pid, process.pid);
});
