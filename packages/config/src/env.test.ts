import { test } from 'node:test';
import assert from 'node:assert/strict';
import { substituteEnv } from './env.js';

test('substitutes ${VAR} in nested string values and leaves other values alone', () => {
  const { value, issues } = substituteEnv(
    { a: 'rtsp://u:${PW}@h/${PATH_PART}', list: ['${PW}', 3, true, null], n: 5 },
    { PW: 'p@ss', PATH_PART: 'live' },
  );
  assert.deepEqual(issues, []);
  assert.deepEqual(value, { a: 'rtsp://u:p@ss@h/live', list: ['p@ss', 3, true, null], n: 5 });
});

test('${VAR:-default} uses the default when the variable is unset or empty', () => {
  const env = { EMPTY: '', SET: 'x' };
  const { value } = substituteEnv(['${UNSET:-a}', '${EMPTY:-b}', '${SET:-c}', '${UNSET:-}'], env);
  assert.deepEqual(value, ['a', 'b', 'x', '']);
});

test('an unset variable without default is an issue naming the path and the variable', () => {
  const { issues } = substituteEnv({ storage: { s3: { secret_key: '${S3_SECRET_KEY}' } } }, {});
  assert.equal(issues.length, 1);
  assert.deepEqual(issues[0]?.path, ['storage', 's3', 'secret_key']);
  assert.match(issues[0]?.message ?? '', /S3_SECRET_KEY is not set/);
});

test('$${ is a literal ${ and substituted values are not expanded again', () => {
  const { value, issues } = substituteEnv(['$${NOT_A_VAR}', '${TRICKY}'], { TRICKY: '${PW}' });
  assert.deepEqual(issues, []);
  assert.deepEqual(value, ['${NOT_A_VAR}', '${PW}']);
});

test('malformed and unterminated references are issues', () => {
  const { issues } = substituteEnv({ a: '${1BAD}', b: 'x${OPEN' }, {});
  assert.deepEqual(
    issues.map((i) => i.path),
    [['a'], ['b']],
  );
  assert.match(issues[0]?.message ?? '', /not a valid reference/);
  assert.match(issues[1]?.message ?? '', /unterminated/);
});

test('keys are never substituted', () => {
  const { value } = substituteEnv({ '${KEY}': 'v' }, { KEY: 'k' });
  assert.deepEqual(value, { '${KEY}': 'v' });
});
