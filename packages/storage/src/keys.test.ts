import { test } from 'node:test';
import assert from 'node:assert/strict';
import { continuousObjectKey, eventDayPrefix, eventObjectKeys, keyProblem, validateKey } from './keys.js';
import { InvalidObjectKeyError } from './errors.js';

test('eventObjectKeys lays an event out by camera, UTC day and event id', () => {
  // 23:30 on the 17th in UTC is already the 18th in UTC+1: the UTC day wins.
  const keys = eventObjectKeys('front_door', Date.UTC(2024, 4, 17, 23, 30), '1715988600.123-ab12');
  assert.deepEqual(keys, {
    prefix: 'events/front_door/2024-05-17/1715988600.123-ab12/',
    clip: 'events/front_door/2024-05-17/1715988600.123-ab12/clip.mp4',
    snapshot: 'events/front_door/2024-05-17/1715988600.123-ab12/snapshot.jpg',
    thumbnail: 'events/front_door/2024-05-17/1715988600.123-ab12/thumbnail.jpg',
    metadata: 'events/front_door/2024-05-17/1715988600.123-ab12/event.json',
  });
  for (const key of [keys.clip, keys.snapshot, keys.thumbnail, keys.metadata]) {
    assert.equal(keyProblem(key), undefined);
  }
  assert.equal(eventDayPrefix('front_door', Date.UTC(2024, 4, 17, 1)), 'events/front_door/2024-05-17/');
});

test('continuousObjectKey adds the UTC hour and names the segment by its start', () => {
  const start = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
  assert.equal(continuousObjectKey('cam-1', start), `recordings/cam-1/2024-01-02/03/${start}.mp4`);
});

test('key builders refuse names that would break the layout', () => {
  for (const camera of ['a/b', '..', '.cam', '', 'sp ace']) {
    assert.throws(() => eventObjectKeys(camera, 0, 'e'), InvalidObjectKeyError, camera);
    assert.throws(() => continuousObjectKey(camera, 0), InvalidObjectKeyError, camera);
  }
  assert.throws(() => eventObjectKeys('cam', 0, '../x'), InvalidObjectKeyError);
  assert.throws(() => eventObjectKeys('cam', Number.NaN, 'e'), InvalidObjectKeyError);
  assert.throws(() => continuousObjectKey('cam', -1), InvalidObjectKeyError);
});

test('validateKey accepts portable keys and names the problem otherwise', () => {
  for (const key of ['a', 'a/b/c.mp4', 'A-Z_0.9/x', 'a.b/c-d_e']) validateKey(key);
  const problems: Array<[string, RegExp]> = [
    ['../x', /\.\./],
    ['a/../x', /\.\./],
    ['/abs', /starts with a slash/],
    ['a\\b', /only/],
    ['a//b', /empty segment/],
    ['a/', /ends with a slash/],
    ['.hidden', /dot/],
    ['x.meta.json', /reserved/],
    ['x'.repeat(1025), /longer/],
  ];
  for (const [key, message] of problems) {
    assert.throws(
      () => validateKey(key, 'put'),
      (error: unknown) => {
        assert.ok(error instanceof InvalidObjectKeyError);
        assert.equal(error.operation, 'put');
        assert.equal(error.key, key);
        assert.match(error.message, message);
        return true;
      },
    );
  }
});
