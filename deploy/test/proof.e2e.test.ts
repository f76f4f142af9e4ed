// The proof suite's CI mode (scripts/proof.sh --mode ci): `shiriki up` under one fault of each kind, bad
// input and a secrets search, with nothing lost, unplayable or leaked.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '@shiriki/testing';
import { goalsMet, losses, type ProofReport } from '../proof/report.js';

test(
  'proof suite, CI mode: faults survived, bad input counted, no secret in any output',
  { timeout: 1_200_000 },
  (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'shiriki-proof-test-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const json = join(dir, 'report.json');
    const result = spawnSync('bash', [join(repoRoot(), 'scripts/proof.sh'), '--mode', 'ci', '--json', json], {
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      timeout: 1_100_000,
    });
    t.diagnostic(
      result.stdout
        .split('\n')
        .filter((line) => line.startsWith('[proof]') || line.startsWith('|'))
        .join('\n'),
    );
    const report = JSON.parse(readFileSync(json, 'utf8')) as ProofReport;

    // Each fault ran (disk full needs root) and recovered within the bound.
    assert.deepEqual(report.failures, []);
    const ran = new Set(report.faults.map((f) => f.fault));
    for (const fault of [
      'detector kill -9',
      'tracker kill -9',
      'recorder kill -9',
      'nats-server kill -9',
      'MinIO stopped',
      'go2rtc stopped',
    ])
      assert.ok(ran.has(fault as ProofReport['faults'][number]['fault']), `${fault} was injected`);
    for (const f of report.faults)
      assert.ok(f.recoveryMs <= report.recoveryBoundS * 1000, `${f.fault} recovered in ${f.recoveryMs} ms`);

    // Nothing lost, with and without faults, and there was something to lose (appearances split in two are
    // reported in the table, not a loss: see losses()).
    assert.ok(report.baseline.expected >= 2 && report.faulted.expected >= 6, 'appearances were counted');
    assert.equal(losses(report.baseline), 0, 'fault-free run');
    assert.equal(
      losses(report.faulted),
      0,
      JSON.stringify({
        all: kinds(report.faulted),
        byFault: report.faults.map((f) => [f.fault, kinds(f.hit)]),
      }),
    );
    assert.ok(report.clipsChecked >= report.faulted.expected, `${report.clipsChecked} clips decoded`);
    assert.deepEqual(report.clipChecks, []);

    // Every malformed message was dropped and counted by the services that read its subject.
    for (const row of report.badInput)
      assert.ok(row.counted >= row.sent, `${row.subjectKind}: ${row.counted}/${row.sent}`);

    // No secret anywhere; NATS asks for credentials; nothing listens beyond loopback.
    assert.deepEqual(report.secrets.findings, []);
    assert.ok(
      report.secrets.searched['log']! > 10_000 && report.secrets.searched['bus']! > 10_000,
      'outputs were searched',
    );
    assert.ok(report.natsRefusesStrangers);
    assert.ok(report.natsTlsRequired, 'up ran its nats-server with TLS');
    assert.deepEqual(report.exposedSockets, []);

    assert.ok(goalsMet(report));
    assert.equal(result.status, 0, result.stderr.slice(-3000));
  },
);

/** What a ledger lost, by kind, for a failure message. */
function kinds(l: ProofReport['faulted']): object {
  return {
    lost: l.lost.length,
    doubled: l.doubled.appearances.length + l.doubled.repeatedNew.length,
    notEnded: l.notEnded,
    clipsLost: l.clipsLost,
    unplayable: l.clipsUnplayable,
  };
}
