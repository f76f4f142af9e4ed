import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, type Logger } from './logger.js';

const PASSWORD = 'Hunter2-cam-pw';
const CAMERA_URL = `rtsp://admin:${PASSWORD}@192.168.1.20:554/Streaming/Channels/101`;
const REDACTED_URL = 'rtsp://admin:***@192.168.1.20:554/Streaming/Channels/101';

function capture(level: 'info' | 'debug' = 'info'): {
  logger: Logger;
  output: () => string;
  lines: () => Record<string, unknown>[];
} {
  const chunks: string[] = [];
  const logger = createLogger({
    service: 'recorder',
    level,
    destination: { write: (line) => void chunks.push(line) },
  });
  const output = (): string => chunks.join('');
  const lines = (): Record<string, unknown>[] =>
    output()
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, output, lines };
}

test('writes one JSON line with service, level label, time and message', () => {
  const { logger, lines } = capture();
  logger.info({ camera: 'front' }, 'stream started');
  logger.debug('below the level');
  const [line, ...rest] = lines();
  assert.equal(rest.length, 0);
  assert.equal(line?.service, 'recorder');
  assert.equal(line?.level, 'info');
  assert.equal(line?.msg, 'stream started');
  assert.equal(line?.camera, 'front');
  assert.equal(typeof line?.time, 'string');
  assert.equal(line?.pid, process.pid);
});

test('a camera URL with a password never reaches the output, whichever way it is logged', () => {
  const { logger, output, lines } = capture();
  const refused = new Error(`connect ${CAMERA_URL} refused`);
  const failure = new Error(`cannot open ${CAMERA_URL}`, { cause: refused });
  const ffmpeg = logger.child({ component: 'ffmpeg', camera: 'front', source: CAMERA_URL });

  logger.info(`opening ${CAMERA_URL}`);
  logger.info({ camera: { name: 'front', inputs: [{ path: CAMERA_URL, roles: ['detect'] }] } }, 'config');
  logger.info({ sources: [CAMERA_URL, 'rtsp://viewer@cam/2'] }, 'sources');
  ffmpeg.warn(`ffmpeg: [rtsp @ 0x5581] could not find codec parameters for ${CAMERA_URL}`);
  ffmpeg.error({ err: failure }, 'stream failed');
  logger.error(failure);
  logger.error({ error: failure, stderr: `Input #0, rtsp, from '${CAMERA_URL}':` });
  logger.info('interpolated %s and %j', CAMERA_URL, { url: CAMERA_URL });
  logger.child({ camera: 'front' }, { msgPrefix: `[${CAMERA_URL}] ` }).info('prefixed');

  assert.equal(output().includes(PASSWORD), false, output());
  const [opening, config, sources, codec, streamFailed, bareError, errorField, interpolated, prefixed] =
    lines();
  assert.equal(opening?.msg, `opening ${REDACTED_URL}`);
  assert.deepEqual(config?.camera, { name: 'front', inputs: [{ path: REDACTED_URL, roles: ['detect'] }] });
  assert.deepEqual(sources?.sources, [REDACTED_URL, 'rtsp://viewer@cam/2']);
  assert.equal(codec?.source, REDACTED_URL);
  assert.equal(codec?.component, 'ffmpeg');
  assert.match(String(codec?.msg), /for rtsp:\/\/admin:\*\*\*@192\.168\.1\.20/);

  const err = streamFailed?.err as Record<string, unknown>;
  assert.equal(streamFailed?.source, REDACTED_URL);
  assert.equal(err.message, `cannot open ${REDACTED_URL}: connect ${REDACTED_URL} refused`);
  assert.match(String(err.stack), new RegExp(`^Error: cannot open ${escape(REDACTED_URL)}\\n`));
  assert.match(String(err.stack), new RegExp(`caused by: Error: connect ${escape(REDACTED_URL)} refused`));

  assert.equal(bareError?.msg, `cannot open ${REDACTED_URL}`);
  assert.equal((bareError?.err as Record<string, unknown>).type, 'Error');
  assert.match(String((errorField?.error as Record<string, unknown>).stack), /caused by: Error: connect/);
  assert.equal(errorField?.stderr, `Input #0, rtsp, from '${REDACTED_URL}':`);
  assert.equal(interpolated?.msg, `interpolated ${REDACTED_URL} and {"url":"${REDACTED_URL}"}`);
  assert.equal(prefixed?.msg, `[${REDACTED_URL}] prefixed`);
});

test('values under secret keys are masked at the top level, in nested objects and in child bindings', () => {
  const { logger, output, lines } = capture();
  logger.info(
    { password: 'pw-top', SECRET_KEY: 'sk-top', nats: { nkey_seed: 'SUA-seed', servers: ['n1'] } },
    'a',
  );
  logger
    .child({ token: 'tok-bound', s3: { secretKey: 'sk-bound' } })
    .info({ headers: { Authorization: 'Bearer b' } });

  for (const secret of ['pw-top', 'sk-top', 'SUA-seed', 'tok-bound', 'sk-bound', 'Bearer b']) {
    assert.equal(output().includes(secret), false, secret);
  }
  const [first, second] = lines();
  assert.equal(first?.password, '***');
  assert.equal(first?.SECRET_KEY, '***');
  assert.deepEqual(first?.nats, { nkey_seed: '***', servers: ['n1'] });
  assert.equal(second?.token, '***');
  assert.deepEqual(second?.s3, { secretKey: '***' });
  assert.deepEqual(second?.headers, { Authorization: '***' });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
