import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '@shiriki/testing';
import { renderGo2rtcYaml } from '../src/commands/go2rtc-config.js';

test('go2rtc/go2rtc.yaml is generated from the example config and current', async () => {
  const root = repoRoot();
  const previous = process.cwd();
  process.chdir(root);
  try {
    const { yaml } = await renderGo2rtcYaml(join(root, 'config', 'shiriki.example.yaml'));
    const committed = await readFile(join(root, 'go2rtc', 'go2rtc.yaml'), 'utf8');
    assert.equal(
      committed,
      yaml,
      'run: shiriki --config config/shiriki.example.yaml go2rtc config -o go2rtc/go2rtc.yaml',
    );
  } finally {
    process.chdir(previous);
  }
});

test('environment references in camera sources stay placeholders for go2rtc to expand', async () => {
  const { yaml } = await renderGo2rtcYaml(join(repoRoot(), 'config', 'shiriki.example.yaml'));
  const streams = (parse(yaml) as { streams: Record<string, unknown> }).streams;
  assert.match(String(streams.front_door), /\$\{FRONT_DOOR_PASSWORD\}/);
  assert.ok(Object.keys(streams).length >= 1);
});
