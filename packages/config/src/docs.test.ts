import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { configSchema } from './schema/root.js';
import { optionRows, renderConfigReference } from './docs.js';

test('docs/configuration.md is generated from the current schema', async () => {
  const file = new URL('../../../docs/configuration.md', import.meta.url);
  const current = await readFile(file, 'utf8').catch(() => '');
  assert.ok(current === renderConfigReference(), 'docs/configuration.md is stale: run `pnpm docs:config`');
});

test('every option has a description, a type and a default column', () => {
  const rows = optionRows(configSchema, []).slice(1);
  assert.ok(rows.length > 100, `only ${rows.length} options documented`);
  for (const row of rows) {
    assert.notEqual(row.description, '', `${row.path} has no .describe()`);
    assert.notEqual(row.type, '', `${row.path} has no type`);
  }
  const byPath = new Map(rows.map((row) => [row.path, row]));
  assert.deepEqual(byPath.get('detect.width'), {
    path: 'detect.width',
    type: 'integer 64..4096',
    default: '`640`',
    description: 'Width in pixels of the frames ingest decodes for motion and detection (even, 64..4096).',
  });
  assert.equal(byPath.get('cameras.<camera>.source')?.default, 'required');
  assert.equal(byPath.get('cameras.<camera>.zones.<zone>.coordinates')?.type, 'polygon');
  assert.equal(byPath.get('record.ring.max_bytes')?.default, '`512MiB`');
  assert.equal(byPath.get('nats.password')?.default, '—');
});
