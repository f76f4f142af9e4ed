// followJson against a nats-server that restarts with its store, as a lone server does after kill -9.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { StorageType } from '@nats-io/jetstream';
import { z } from 'zod';
import { sleep, startNatsServer, waitFor, type NatsServer } from '@shiriki/testing';
import { connectBus, encodeJson, ensureStream, followJson, type Bus } from '../src/index.js';
import { captureLogger } from './capture-logger.js';

const STREAM = 'FOLLOWTEST';
const SUBJECT = 'followtest.items.a';
const Item = z.object({ n: z.number() });

let server: NatsServer;
let bus: Bus;

before(async () => {
  server = await startNatsServer({ jetstream: true });
  bus = await connectBus(
    { servers: [server.url] },
    { logger: captureLogger().logger, name: 'bus-follow-test' },
  );
  await ensureStream(bus.jsm, { name: STREAM, subjects: ['followtest.items.>'], storage: StorageType.File });
});

after(async () => {
  await bus.drain();
  await server.dispose();
});

async function publish(from: number, to: number): Promise<void> {
  for (let n = from; n <= to; n += 1) await bus.js.publish(SUBJECT, encodeJson(Item, { n }));
}

for (const start of ['from a time', 'new messages only'] as const) {
  test(`a follower (${start}) goes on after the server restarts: every message once, in order`, async () => {
    await bus.jsm.streams.purge(STREAM);
    await publish(0, 0);
    await sleep(50);
    const fromTime = Date.now();
    await publish(1, 3);
    const seen: number[] = [];
    const { logger } = captureLogger();
    const follower = await followJson(bus, Item, (item) => void seen.push(item.n), {
      stream: STREAM,
      subject: SUBJECT,
      ...(start === 'from a time' ? { fromTime } : {}),
      logger,
    });
    try {
      await follower.caughtUp;
      await publish(4, 5);
      await waitFor(() => seen.at(-1) === 5, { what: 'the messages before the restart', timeoutMs: 10_000 });
      await server.restart();
      // Published until the follower has them: the first may go out before the client has reconnected.
      let n = 6;
      await waitFor(
        async () => {
          await publish(n, n).catch(() => undefined);
          n += 1;
          return seen.includes(n - 1);
        },
        { what: 'messages after the restart', timeoutMs: 30_000, intervalMs: 500 },
      );
      const expected = start === 'from a time' ? [1, 2, 3, 4, 5] : [4, 5];
      assert.deepEqual(seen.slice(0, expected.length), expected);
      const after = seen.slice(expected.length);
      assert.deepEqual(
        after,
        [...after].sort((a, b) => a - b),
        'in order',
      );
      assert.equal(new Set(seen).size, seen.length, 'none twice');
    } finally {
      await follower.stop();
    }
  });
}
