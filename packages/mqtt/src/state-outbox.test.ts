import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrokerLink } from './broker-link.js';
import { StateOutbox } from './state-outbox.js';

/** A broker link that is up or down at the test's word and records what it took. */
class FakeLink implements BrokerLink {
  connected = false;
  readonly sent: [string, string, boolean][] = [];
  readonly #listeners: (() => void)[] = [];
  publish(topic: string, payload: string | Buffer, options: { retain?: boolean } = {}): Promise<void> {
    if (!this.connected) return Promise.reject(new Error('down'));
    this.sent.push([topic, payload.toString(), options.retain ?? false]);
    return Promise.resolve();
  }
  subscribe(): () => void {
    return () => undefined;
  }
  onConnect(listener: () => void): () => void {
    this.#listeners.push(listener);
    return () => undefined;
  }
  connect(): void {
    this.connected = true;
    for (const listener of this.#listeners) listener();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

test('while the broker is away only the latest value per topic waits, bounded, and all go out on reconnect', async () => {
  const link = new FakeLink();
  const dropped: string[] = [];
  const published: string[] = [];
  let queued = 0;
  const outbox = new StateOutbox({
    link,
    maxQueued: 3,
    onDrop: (topic) => dropped.push(topic),
    onQueueChange: (size) => (queued = size),
    onPublished: (kind) => published.push(kind),
  });
  outbox.set('p/cam/person', '1', 'count');
  outbox.set('p/cam/person', '0', 'count');
  outbox.set('p/cam/motion', 'ON', 'motion');
  outbox.set('p/cam/car', '2', 'count');
  assert.equal(outbox.size, 3);
  assert.equal(queued, 3);
  outbox.set('p/stats', '{}', 'stats', false);
  assert.deepEqual(dropped, ['p/cam/person'], 'the oldest topic goes first');
  assert.equal(link.sent.length, 0);

  link.connect();
  await outbox.flush();
  assert.deepEqual(link.sent, [
    ['p/cam/motion', 'ON', true],
    ['p/cam/car', '2', true],
    ['p/stats', '{}', false],
  ]);
  assert.deepEqual(published, ['motion', 'count', 'stats']);
  assert.equal(outbox.size, 0);
  assert.equal(queued, 0);

  outbox.set('p/cam/car', '0', 'count');
  await outbox.flush();
  assert.deepEqual(link.sent.at(-1), ['p/cam/car', '0', true], 'sent at once while connected');
});
