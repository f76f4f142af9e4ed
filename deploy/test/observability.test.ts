import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { createApiMetrics } from '@shiriki/api';
import { createBusMetrics } from '@shiriki/bus';
import { createDetectorWorkerMetrics } from '@shiriki/detector';
import { createIngestMetrics } from '@shiriki/ingest';
import { createRecorderMetrics } from '@shiriki/recorder';
import { createTrackerMetrics } from '@shiriki/tracker';
import { repoRoot, resolveTool } from '@shiriki/testing';
import { DASHBOARD_PATH, dashboardMetrics, renderDashboard } from '../observability/dashboard.js';

const run = promisify(execFile);
const dir = join(repoRoot(), 'deploy/observability');

/** Every metric name the services register, from their own factories. */
async function serviceMetricNames(): Promise<Set<string>> {
  const registry = new Registry();
  createApiMetrics(registry);
  createBusMetrics(registry);
  createDetectorWorkerMetrics(registry);
  createIngestMetrics(registry);
  createRecorderMetrics(registry);
  createTrackerMetrics(registry);
  return new Set((await registry.getMetricsAsJSON()).map((metric) => metric.name));
}

function ruleMetrics(): string[] {
  const text = readFileSync(join(dir, 'prometheus-rules.yaml'), 'utf8');
  const exprs = [...text.matchAll(/expr: (?:>-\n)?([\s\S]*?)\n\s+(?:for|labels):/g)].map((m) => m[1]!);
  return [...new Set(exprs.flatMap((expr) => [...expr.matchAll(/shiriki_[a-z_]+/g)].map((m) => m[0])))];
}

test('promtool accepts the alert rules, and their unit tests pass', async () => {
  const promtool = resolveTool('promtool');
  const check = await run(promtool, ['check', 'rules', 'prometheus-rules.yaml'], { cwd: dir });
  assert.match(check.stdout, /SUCCESS: 9 rules found/);
  const unit = await run(promtool, ['test', 'rules', 'prometheus-rules.test.yaml'], { cwd: dir });
  assert.match(unit.stdout + unit.stderr, /SUCCESS/);
});

test('every metric the dashboard and the rules read is one the services register', async () => {
  const registered = await serviceMetricNames();
  const used = [...dashboardMetrics(), ...ruleMetrics()];
  assert.ok(used.length >= 20, `the dashboard and rules use ${used.length} metrics`);
  const unknown = used.filter((name) => !registered.has(name));
  assert.deepEqual(unknown, [], 'metrics no service registers');
});

test('the dashboard JSON is current and is a Grafana dashboard', () => {
  const committed = readFileSync(DASHBOARD_PATH, 'utf8');
  assert.equal(committed, renderDashboard(), 'run node --import tsx deploy/observability/dashboard.ts');
  const dashboard = JSON.parse(committed);
  assert.equal(dashboard.uid, 'shiriki-overview');
  const panels = dashboard.panels.filter((p: { type: string }) => p.type !== 'row');
  assert.ok(panels.length >= 15);
  for (const panel of panels)
    assert.ok(panel.targets.length > 0 && panel.targets.every((t: { expr: string }) => t.expr));
});
