import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '@shiriki/testing';
import type { Report } from '../testbed/report.js';

const canRoot = process.getuid?.() === 0;

test(
  'multi-host test bed: detectors scale by host, and an ingest host, a NATS node and a detector host can fail',
  { skip: canRoot ? false : 'the test bed needs root (network namespaces, CPU cgroups)', timeout: 1_200_000 },
  (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'shiriki-testbed-test-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const json = join(dir, 'report.json');
    const result = spawnSync(
      'bash',
      [join(repoRoot(), 'scripts/testbed.sh'), '--measure-s', '20', '--warm-s', '10', '--json', json],
      { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 1_100_000 },
    );
    t.diagnostic(
      result.stdout
        .split('\n')
        .filter((line) => line.startsWith('[testbed'))
        .join('\n'),
    );
    assert.equal(
      result.status,
      0,
      `scripts/testbed.sh failed:\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`,
    );
    const report = JSON.parse(readFileSync(json, 'utf8')) as Report;

    // Each detector host is capped at the same CPU and the cameras offer more than one host can do: a second
    // and a third host add inferences.
    assert.equal(report.throughput.length, 3);
    const [one, , three] = report.throughput;
    assert.ok(one!.inferencesPerS > 1, `one host infers (${one!.inferencesPerS.toFixed(1)}/s)`);
    assert.ok(
      three!.inferencesPerS > 1.5 * one!.inferencesPerS,
      `three hosts do more than one: ${three!.inferencesPerS.toFixed(1)} vs ${one!.inferencesPerS.toFixed(1)}/s`,
    );

    // A killed ingest host's cameras are taken over within the lease TTL plus one heartbeat, and stream again.
    const { ingestKill } = report;
    assert.ok(ingestKill.camerasMoved > 0, 'ingest-a owned cameras');
    assert.ok(
      ingestKill.ownedAfterS <= report.leaseTtlS + report.heartbeatS + 1,
      `leases taken after ${ingestKill.ownedAfterS} s (TTL ${report.leaseTtlS} s)`,
    );
    assert.ok(Number.isFinite(ingestKill.resumedAfterS));

    // A NATS node killed and restarted: services reconnect and no event the tracker raised is lost.
    const { natsKill } = report;
    assert.ok(Number.isFinite(natsKill.reconnectedAfterS), 'every service ready again');
    assert.equal(natsKill.faulted.notPublished, 0, 'no event left unpublished');
    assert.equal(
      natsKill.faulted.streamEvents,
      natsKill.faulted.trackerEvents,
      'every published event is stored',
    );
    assert.ok(
      natsKill.baseline.trackerEvents + natsKill.faulted.trackerEvents > 0,
      'the cameras raised events',
    );

    // A detector host cut off: its frames are redelivered, and every frame is accounted for.
    const cut = report.detectorCut;
    assert.ok(cut.redelivered > 0, 'frames held by the cut-off host were redelivered');
    const leftOver = cut.published - cut.handled - cut.givenUp - cut.backlogChange;
    assert.ok(leftOver <= 0, `no frame lost silently (left over: ${leftOver})`);
  },
);
