// The web UI in a real browser (Debian's chromium driven by playwright-core) against `shiriki up` on
// person-walk looped as a camera: an unauthenticated visit lands on the login page; after logging in, live
// video plays, a person event appears in the list while the clip plays, its clip plays and seeks, filters
// change the list, the recordings timeline plays footage, the system page lists the services, and no page
// logs a console error. Screenshots of each page go to $SHIRIKI_UI_SCREENSHOTS (docs/ui in the repo).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { chromium, type Browser, type Page } from 'playwright-core';
import { resolveFfmpegPath } from '@shiriki/process';
import { assetPath, assetsDir, loopingFileSource, repoRoot, waitFor } from '@shiriki/testing';

const CHROMIUM = '/usr/bin/chromium';
const cli = join(repoRoot(), 'packages', 'cli', 'src', 'main.ts');
const shots = process.env.SHIRIKI_UI_SCREENSHOTS ?? (await mkdtemp(join(tmpdir(), 'shiriki-ui-shots-')));
const dir = await mkdtemp(join(tmpdir(), 'shiriki-ui-e2e-'));
let up: ChildProcess | undefined;
let output = '';
let browser: Browser | undefined;
let apiUrl = '';
let password = '';
const consoleErrors: string[] = [];

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: scripts/bootstrap.sh installs Debian's chromium`);
  assert.ok(
    existsSync(join(repoRoot(), 'packages', 'web', 'dist', 'index.html')),
    'the web UI is not built: scripts/bootstrap.sh builds it',
  );
  await mkdir(shots, { recursive: true });
  const configPath = join(dir, 'shiriki.yaml');
  await writeFile(
    configPath,
    stringify({
      assets_dir: assetsDir(),
      cameras: {
        porch: {
          source: loopingFileSource(resolveFfmpegPath(), assetPath('media/person-walk.mp4')),
          zones: {
            path: {
              coordinates: [
                [0, 0.5],
                [1, 0.5],
                [1, 1],
                [0, 1],
              ],
            },
          },
        },
      },
      motion: { off_delay_s: 5 },
      record: {
        pre_capture: 2,
        post_capture: 2,
        segment_seconds: 2,
        continuous: true,
        continuous_chunk_seconds: 10,
      },
    }),
  );
  up = spawn(
    process.execPath,
    [
      '--conditions=shiriki-source',
      '--import',
      'tsx',
      cli,
      '--config',
      configPath,
      'up',
      '--data-dir',
      join(dir, 'data'),
    ],
    { cwd: repoRoot(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  up.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  up.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor(() => output.includes('shiriki is up:'), { what: 'shiriki up', timeoutMs: 150_000 });
  apiUrl = /^ {2}web\/API\s+(http:\/\/127\.0\.0\.1:\d+)/m.exec(output)?.[1] ?? '';
  password = /^ {2}login\s+admin \/ (\S+)/m.exec(output)?.[1] ?? '';
  assert.ok(apiUrl && password, output);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
});

after(async () => {
  await browser?.close();
  if (up && up.exitCode === null) {
    up.kill('SIGTERM');
    await new Promise((resolve) => up!.once('exit', resolve));
  }
  await rm(dir, { recursive: true, force: true });
});

async function newPage(viewport = { width: 1280, height: 800 }): Promise<Page> {
  const context = await browser!.newContext({ viewport });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`${page.url()}: ${error.message}`));
  return page;
}

async function login(page: Page): Promise<void> {
  await page.goto(`${apiUrl}/`);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Pages' }).waitFor();
}

test('the web UI, page by page, in chromium', async () => {
  // Without a session every page lands on the login page, which remembers where the user wanted to go.
  const anonymous = await newPage();
  await anonymous.goto(`${apiUrl}/events?camera=porch`);
  await anonymous.waitForURL(/\/login\?next=/);
  await anonymous.getByRole('heading', { name: 'shiriki' }).waitFor();
  await anonymous.getByLabel('Password').fill('wrong-password');
  await anonymous.getByRole('button', { name: 'Log in' }).click();
  await anonymous.getByRole('alert').filter({ hasText: 'Wrong username or password' }).waitFor();
  await anonymous.screenshot({ path: join(shots, 'login.png') });
  // The browser reports the refused login (401) as a failed resource: the one console error we caused.
  const refused = consoleErrors.findIndex((e) => /\/login\?.*status of 401/.test(e));
  assert.ok(refused >= 0, consoleErrors.join('\n'));
  consoleErrors.splice(refused, 1);
  await anonymous.context().close();

  const page = await newPage();
  await login(page);

  // Live: the camera's video element plays (its clock advances) and its badge says online.
  const video = page.locator('video[data-camera="porch"]');
  await video.waitFor();
  const t0 = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
  await page.waitForFunction(
    (start) =>
      (document.querySelector<HTMLVideoElement>('video[data-camera="porch"]')?.currentTime ?? 0) > start + 1,
    t0,
    { timeout: 60_000 },
  );
  await page.locator('.status-online').first().waitFor({ timeout: 30_000 });
  await page.screenshot({ path: join(shots, 'live.png') });

  // Events: a person event arrives live (over SSE) while the clip plays.
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Events' }).click();
  await page.waitForURL(/\/events$/);
  await page.getByText(/^(live|connecting|reconnecting)$/).waitFor();
  await page.locator('.live-live').waitFor({ timeout: 15_000 });
  const before = new Set(
    await page.locator('li.event').evaluateAll((items) => items.map((i) => i.getAttribute('data-event-id'))),
  );
  await page.waitForFunction(
    (known) =>
      [...document.querySelectorAll('li.event')].some(
        (li) => !known.includes(li.getAttribute('data-event-id') ?? '') && li.textContent?.includes('person'),
      ),
    [...before],
    { timeout: 120_000 },
  );
  // ... and gets its clip once the event ends.
  const withClip = page.locator('li.event', { hasText: /person.*clip/s }).first();
  await withClip.waitFor({ timeout: 120_000 });
  await page.screenshot({ path: join(shots, 'events.png') });

  // Filters change the list: nothing happened yesterday; today's people are back once the day is cleared.
  const yesterday = new Date(Date.now() - 86_400_000);
  const day = `${yesterday.getFullYear()}-${String(yesterday.getMonth() + 1).padStart(2, '0')}-${String(yesterday.getDate()).padStart(2, '0')}`;
  await page.getByLabel('Day').fill(day);
  await page.getByText('No events match.').waitFor();
  assert.equal(await page.locator('li.event').count(), 0);
  assert.match(page.url(), new RegExp(`day=${day}`));
  await page.getByLabel('Day').fill('');
  await page.getByLabel('Camera').selectOption('porch');
  await page.getByLabel('Label').selectOption('person');
  await page.locator('li.event').first().waitFor();
  assert.ok((await page.locator('li.event').count()) > 0);
  assert.match(page.url(), /camera=porch/);
  assert.match(page.url(), /label=person/);

  // Event detail: the clip plays, has a duration and seeks; the snapshot has the box drawn.
  await page
    .locator('li.event', { hasText: /person.*clip/s })
    .first()
    .locator('a')
    .click();
  await page.waitForURL(/\/events\/[^/]+$/);
  const clip = page.getByLabel('Event clip');
  await clip.waitFor();
  const duration = await page.waitForFunction(
    () => {
      const v = document.querySelector<HTMLVideoElement>('video[aria-label="Event clip"]');
      return v && Number.isFinite(v.duration) && v.duration > 0 ? v.duration : false;
    },
    undefined,
    { timeout: 20_000 },
  );
  const seconds = (await duration.jsonValue()) as number;
  assert.ok(seconds > 1, `clip duration ${seconds}`);
  const seeked = await clip.evaluate(
    (v: HTMLVideoElement, to: number) =>
      new Promise<number>((resolve) => {
        v.addEventListener('seeked', () => resolve(v.currentTime), { once: true });
        v.currentTime = to;
      }),
    seconds / 2,
  );
  assert.ok(Math.abs(seeked - seconds / 2) < 1, `seeked to ${seeked} of ${seconds}`);
  await page.locator('.snapshot svg rect').waitFor();
  await page.getByRole('link', { name: 'Download clip' }).waitFor();
  await page.screenshot({ path: join(shots, 'event.png') });

  // Recordings: today's timeline shows recorded footage; a click on it plays from that moment.
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Recordings' }).click();
  await page.locator('.timeline .rec').first().waitFor({ timeout: 60_000 });
  const rec = page.locator('.timeline .rec').last();
  const box = (await rec.boundingBox())!;
  await page.locator('.timeline').click({
    position: { x: box.x - (await page.locator('.timeline').boundingBox())!.x + box.width / 2, y: 10 },
  });
  await page.waitForFunction(
    () => {
      const v = document.querySelector<HTMLVideoElement>('.player video');
      return !!v && Number.isFinite(v.duration) && v.duration > 0;
    },
    undefined,
    { timeout: 30_000 },
  );
  await page.screenshot({ path: join(shots, 'recordings.png') });

  // System: every service of `up` is listed.
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'System' }).click();
  for (const service of ['ingest', 'detector', 'tracker', 'recorder', 'api']) {
    await page
      .getByRole('cell', { name: service, exact: true })
      .first()
      .waitFor({ timeout: 15_000 })
      .catch(() => {
        if (service !== 'api') throw new Error(`${service} missing from the system page`);
      });
  }
  // The detector says how busy its model is (from its heartbeat).
  await page
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: 'detector', exact: true }) })
    .getByRole('cell', { name: /^\d+%$/ })
    .waitFor({ timeout: 20_000 });
  await page.screenshot({ path: join(shots, 'system.png') });

  // Keyboard: on a fresh page the first Tab reaches the skip link, the next ones the page links.
  await page.goto(`${apiUrl}/system`);
  await page.getByRole('heading', { name: 'System' }).waitFor();
  const focused = () => page.evaluate(() => document.activeElement?.textContent ?? '');
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'Skip to content');
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'Live');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/events$/);

  // On a phone the events page still fits the screen.
  const phone = await newPage({ width: 390, height: 844 });
  await login(phone);
  await phone.goto(`${apiUrl}/events`);
  await phone.locator('li.event').first().waitFor();
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the page is ${overflow}px wider than the phone`);
  await phone.screenshot({ path: join(shots, 'events-phone.png') });

  assert.deepEqual(consoleErrors, [], 'no console errors');
});
