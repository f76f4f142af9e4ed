import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SqliteDatabase } from './sqlite-database.js';

test('a statement issued while a transaction awaits is not rolled back with it', async () => {
  const db = new SqliteDatabase(':memory:');
  await db.run('CREATE TABLE t (v TEXT)');
  const failing = db.transaction(async (tx) => {
    await tx.run(`INSERT INTO t VALUES ('inside')`);
    await sleep(20);
    throw new Error('index write failed');
  });
  // A login, say, while the indexer's transaction is open.
  const outside = db.run(`INSERT INTO t VALUES ('outside')`);
  await assert.rejects(failing, /index write failed/);
  await outside;
  assert.deepEqual(await db.all('SELECT v FROM t'), [{ v: 'outside' }]);
  await db.close();
});

test('transactions queue behind each other, and statements wait for queued ones too', async () => {
  const db = new SqliteDatabase(':memory:');
  await db.run('CREATE TABLE t (v TEXT)');
  const order: string[] = [];
  const first = db.transaction(async (tx) => {
    await sleep(10);
    await tx.run(`INSERT INTO t VALUES ('first')`);
    order.push('first');
  });
  const second = db.transaction(async (tx) => {
    await tx.run(`INSERT INTO t VALUES ('second')`);
    await sleep(10);
    order.push('second');
    throw new Error('second fails');
  });
  const plain = db.run(`INSERT INTO t VALUES ('plain')`).then(() => order.push('plain'));
  await first;
  await assert.rejects(second);
  await plain;
  assert.deepEqual(order, ['first', 'second', 'plain']);
  assert.deepEqual(
    (await db.all<{ v: string }>('SELECT v FROM t ORDER BY v')).map((r) => r.v),
    ['first', 'plain'],
  );
  await db.close();
});
