// Every credential form a camera, a broker or an HTTP client can carry, fed through each way text leaves
// shiriki: log lines (fields, messages, errors with causes, child bindings), `config show`, `config check`
// errors and go2rtc API errors. Each form carries its own marker; no marker may come out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Go2rtcClient } from '@shiriki/go2rtc';
import { createLogger } from '@shiriki/telemetry';
import { freePort, repoRoot } from '@shiriki/testing';

const run = promisify(execFile);
const cli = join(repoRoot(), 'packages', 'cli', 'src', 'main.ts');

interface CredentialForm {
  name: string;
  text: string;
  secret: string;
  /** A camera source can carry it (URL forms); headers only travel in logs and errors. */
  url: boolean;
}

const FORMS: CredentialForm[] = [
  {
    name: 'URL userinfo',
    text: 'rtsp://admin:Sec1userinfo@10.0.0.2:554/main',
    secret: 'Sec1userinfo',
    url: true,
  },
  { name: 'userinfo with a raw @', text: 'rtsp://admin:p@Sec2rawat@cam/1', secret: 'Sec2rawat', url: true },
  {
    name: 'query password',
    text: 'http://cam/snap.cgi?user=admin&password=Sec3password',
    secret: 'Sec3password',
    url: true,
  },
  { name: 'query key', text: 'http://cam/api?key=Sec4key&ch=1', secret: 'Sec4key', url: true },
  { name: 'fragment auth', text: 'dahua://cam:80#auth=Sec5auth', secret: 'Sec5auth', url: true },
  { name: 'query api_key', text: 'http://cam/x?api_key=Sec6apikey', secret: 'Sec6apikey', url: true },
  { name: 'query token', text: 'tapo://cam?token=Sec7token&stream=1', secret: 'Sec7token', url: true },
  { name: 'Authorization header', text: 'Authorization: Basic Sec8basic', secret: 'Sec8basic', url: false },
  { name: 'Bearer header', text: 'authorization: Bearer Sec9bearer', secret: 'Sec9bearer', url: false },
  { name: 'Cookie header', text: 'Cookie: session=Sec10cookie', secret: 'Sec10cookie', url: false },
  { name: 'API key header', text: 'X-Api-Key: Sec11apiheader', secret: 'Sec11apiheader', url: false },
];

function assertNoSecret(output: string, where: string, forms: readonly CredentialForm[] = FORMS): void {
  for (const form of forms) {
    assert.ok(!output.includes(form.secret), `${where} leaked the ${form.name} (${form.secret}):\n${output}`);
  }
}

async function shiriki(args: string[], config: string): Promise<{ code: number; out: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'shiriki-redact-'));
  try {
    const path = join(dir, 'shiriki.yaml');
    await writeFile(path, config);
    return await run(process.execPath, [
      '--conditions=shiriki-source',
      '--import',
      'tsx',
      cli,
      '--config',
      path,
      ...args,
    ]).then(
      ({ stdout, stderr }) => ({ code: 0, out: stdout + stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({
        code: error.code,
        out: error.stdout + error.stderr,
      }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('the logger masks every form in fields, messages, errors with causes and child bindings', () => {
  const lines: string[] = [];
  const logger = createLogger({
    service: 'redaction-test',
    level: 'debug',
    destination: { write: (line: string) => void lines.push(line) },
  });
  for (const form of FORMS) {
    logger.info({ source: form.text, nested: { sources: [form.text] } }, 'opening camera');
    logger.warn(`could not open ${form.text}`);
    logger.error(
      { err: new Error(`ffmpeg failed on ${form.text}`, { cause: new Error(form.text) }) },
      'stream failed',
    );
    logger.child({ url: form.text }).info('child binding');
  }
  // Secrets under their own names, the way request headers and credentials objects are logged.
  logger.info(
    {
      headers: {
        Authorization: 'Basic Sec8basic',
        cookie: 'session=Sec10cookie',
        'x-api-key': 'Sec11apiheader',
      },
      password: 'Sec1userinfo',
      apiKey: 'Sec6apikey',
      credentials: { token: 'Sec7token', secret_key: 'Sec3password' },
    },
    'request',
  );
  const output = lines.join('');
  assertNoSecret(output, 'the logger');
  assert.match(output, /10\.0\.0\.2:554\/main/, 'the rest of a URL stays readable');
  assert.equal(lines.length, FORMS.length * 4 + 1);
});

test('config show masks every form in camera sources and every secret option', async () => {
  const urlForms = FORMS.filter((form) => form.url);
  const { code, out } = await shiriki(
    ['config', 'show'],
    [
      'nats:',
      '  servers: ["nats://bus:Sec12natspw@nats1:4222"]',
      '  token: Sec13natstoken',
      'storage:',
      '  type: s3',
      '  s3: { endpoint: minio, port: 9000, bucket: clips, access_key: shiriki, secret_key: Sec14s3 }',
      'cameras:',
      ...urlForms.map((form, i) => `  cam${i}: { source: ${JSON.stringify(form.text)} }`),
    ].join('\n'),
  );
  assert.equal(code, 0, out);
  assertNoSecret(out, 'config show', urlForms);
  for (const secret of ['Sec12natspw', 'Sec13natstoken', 'Sec14s3'])
    assert.ok(!out.includes(secret), `${secret} in:\n${out}`);
  assert.match(out, /access_key: shiriki/);
  assert.match(out, /rtsp:\/\/admin:\*\*\*@10\.0\.0\.2:554\/main/);
});

test('config check errors quote no credential, whichever value is wrong', async () => {
  const urlForms = FORMS.filter((form) => form.url);
  const { code, out } = await shiriki(
    ['config', 'check'],
    [
      'storage: { type: local }',
      'cameras:',
      // Each camera is wrong next to its credential: an unknown key, a bad fps, an invalid source type.
      ...urlForms.map(
        (form, i) =>
          `  cam${i}: { source: ${JSON.stringify(form.text)}, detect: { fps: "fast" }, bogus: ${JSON.stringify(form.text)} }`,
      ),
      '  broken: { source: [' + urlForms.map((form) => JSON.stringify(form.text)).join(', ') + ', 7] }',
    ].join('\n'),
  );
  assert.equal(code, 2, out);
  assertNoSecret(out, 'config check', urlForms);
  assert.match(out, /cam0\.detect\.fps/);
});

test('a YAML syntax error on a line with a credential does not quote it', async () => {
  const { code, out } = await shiriki(
    ['config', 'check'],
    'cameras:\n  front: { source: "rtsp://admin:Sec1userinfo@cam/1" \n',
  );
  assert.equal(code, 2, out);
  assertNoSecret(out, 'a YAML error');
});

test('go2rtc API errors describe the request without the credentials it carried', async () => {
  const port = await freePort();
  const client = new Go2rtcClient({ apiUrl: `http://127.0.0.1:${port}`, timeoutMs: 2000 });
  for (const form of FORMS.filter((f) => f.url)) {
    const error = await client.upsertStream('front', [form.text, `ffmpeg:${form.text}#video=h264`]).then(
      () => assert.fail('go2rtc is not running: the call must fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof Error);
    const text = `${error.message} ${String((error as { cause?: unknown }).cause)} ${JSON.stringify(error)}`;
    assertNoSecret(text, `the go2rtc error for ${form.name}`, [form]);
  }
});
