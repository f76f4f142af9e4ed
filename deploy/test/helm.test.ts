import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { parseConfig } from '@shiriki/config';
import { repoRoot, resolveTool } from '@shiriki/testing';

const run = promisify(execFile);
const chartDir = join(repoRoot(), 'deploy/helm/shiriki');
let workDir: string;
let chart: string;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered manifests are untyped JSON
type Untyped = any;
type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: Untyped;
  data?: Untyped;
};

/**
 * The chart's NATS dependency (the official chart) cannot be fetched here: no Helm repository is reachable.
 * The tests render a copy without the dependency entry; everything of the chart's own renders unchanged,
 * including what it sets up around NATS (client URL, KEDA's monitoring endpoint, the NetworkPolicy).
 */
before(() => {
  workDir = mkdtempSync(join(tmpdir(), 'shiriki-helm-'));
  chart = join(workDir, 'shiriki');
  cpSync(chartDir, chart, { recursive: true, dereference: true });
  const chartYaml = readFileSync(join(chart, 'Chart.yaml'), 'utf8');
  writeFileSync(join(chart, 'Chart.yaml'), chartYaml.slice(0, chartYaml.indexOf('dependencies:')));
});

after(() => rmSync(workDir, { recursive: true, force: true }));

async function render(...set: string[]): Promise<string> {
  const args = ['template', 'home', chart, '--namespace', 'video', '--kube-version', '1.31.0'];
  for (const value of set) args.push('--set', value);
  const { stdout } = await run(resolveTool('helm'), args, { maxBuffer: 32 * 1024 * 1024 });
  return stdout;
}

/** Runs kube-validate on the rendered stream: strict decoding into the Kubernetes, KEDA and operator types. */
async function validate(manifests: string): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(resolveTool('kube-validate'), [], (error, stdout, stderr) =>
      resolve({ ok: !error, stdout, stderr }),
    );
    child.stdin?.end(manifests);
  });
}

function objects(manifests: string): K8sObject[] {
  return parseAllDocuments(manifests)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

function find(all: K8sObject[], kind: string, name: string): K8sObject {
  const found = all.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(
    found,
    `${kind} ${name} is rendered (have: ${all.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')})`,
  );
  return found;
}

test('the default values render objects that decode strictly into Kubernetes, KEDA and operator types', async () => {
  const manifests = await render();
  const result = await validate(manifests);
  assert.ok(result.ok, result.stderr);
  const all = objects(manifests);
  assert.equal(result.stdout.trim().split('\n').length, all.length, 'kube-validate checked every object');

  for (const service of ['ingest', 'detector', 'tracker', 'recorder', 'api', 'go2rtc']) {
    const deployment = find(all, 'Deployment', `home-shiriki-${service}`);
    const pod = deployment.spec.template.spec;
    assert.equal(pod.securityContext.runAsNonRoot, true, `${service} runs as non-root`);
    if (service !== 'go2rtc') {
      const container = pod.containers[0];
      assert.deepEqual(container.args.slice(0, 1), [service], `${service} runs \`shiriki ${service}\``);
      assert.equal(container.livenessProbe.httpGet.path, '/healthz');
      assert.equal(container.readinessProbe.httpGet.path, '/readyz');
      assert.ok(container.resources.requests.cpu, `${service} requests CPU`);
      assert.ok(pod.terminationGracePeriodSeconds >= 30, `${service} has time to drain`);
    }
  }
  assert.ok(find(all, 'Deployment', 'home-shiriki-api').spec.replicas >= 2, 'api runs 2 replicas');
  assert.equal(
    find(all, 'Deployment', 'home-shiriki-detector').spec.replicas,
    undefined,
    'KEDA owns the count',
  );

  const scaled = find(all, 'ScaledObject', 'home-shiriki-detector');
  assert.equal(scaled.spec.scaleTargetRef.name, 'home-shiriki-detector');
  const trigger = scaled.spec.triggers[0];
  assert.equal(trigger.type, 'nats-jetstream');
  assert.equal(trigger.metadata.stream, 'SHIRIKI_FRAMES');
  assert.equal(trigger.metadata.consumer, 'detectors');
  assert.equal(
    trigger.metadata.natsServerMonitoringEndpoint,
    'home-nats-headless.video.svc.cluster.local:8222',
  );

  for (const name of ['ingest', 'detector', 'api']) find(all, 'PodDisruptionBudget', `home-shiriki-${name}`);
  const go2rtcPolicy = find(all, 'NetworkPolicy', 'home-shiriki-go2rtc');
  assert.deepEqual(
    go2rtcPolicy.spec.ingress[0].from[0].podSelector.matchLabels,
    { 'app.kubernetes.io/name': 'shiriki', 'app.kubernetes.io/instance': 'home' },
    "only the release's pods reach go2rtc's API",
  );
  find(all, 'NetworkPolicy', 'home-shiriki-nats');
  find(all, 'ServiceMonitor', 'home-shiriki');

  const rule = find(all, 'PrometheusRule', 'home-shiriki');
  const rulesFile = parseYaml(
    readFileSync(join(repoRoot(), 'deploy/observability/prometheus-rules.yaml'), 'utf8'),
  );
  assert.deepEqual(
    rule.spec,
    rulesFile,
    'the PrometheusRule carries deploy/observability/prometheus-rules.yaml',
  );
});

test("the ConfigMap's shiriki.yaml passes shiriki's own config schema, with secrets left as ${VAR}", async () => {
  const all = objects(
    await render('config.cameras.porch.source=rtsp://viewer:${PORCH_PASSWORD}@10.0.0.5/main'),
  );
  const text = find(all, 'ConfigMap', 'home-shiriki-config').data['shiriki.yaml'] as string;
  assert.match(text, /\$\{PG_PASSWORD\}/);
  assert.match(text, /\$\{PORCH_PASSWORD\}/);
  const config = parseConfig(text, {
    env: { PG_PASSWORD: 'pw', S3_ACCESS_KEY: 'a', S3_SECRET_KEY: 'b', PORCH_PASSWORD: 'c' },
    source: 'ConfigMap',
  });
  assert.equal(config.api.index.type, 'postgres');
  assert.deepEqual(config.nats.servers, ['nats://home-nats.video.svc.cluster.local:4222']);
  assert.equal(config.go2rtc.rtsp_url, 'rtsp://home-shiriki-go2rtc:8554');
  assert.equal(config.events.stream_replicas, 3, 'durable state is replicated across the 3 NATS nodes');
  assert.ok(config.cameras.porch, 'the camera is there');
});

test('the NATS dependency is the official chart with a 3-node JetStream cluster', () => {
  const chartYaml = parseYaml(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8'));
  const nats = chartYaml.dependencies.find((d: { name: string }) => d.name === 'nats');
  assert.equal(nats.repository, 'https://nats-io.github.io/k8s/helm/charts/');
  assert.equal(nats.condition, 'nats.enabled');
  const values = parseYaml(readFileSync(join(chartDir, 'values.yaml'), 'utf8'));
  assert.equal(values.nats.config.cluster.enabled, true);
  assert.equal(values.nats.config.cluster.replicas, 3);
  assert.equal(values.nats.config.jetstream.enabled, true);
});

test('kube-validate rejects a mistyped and an unknown field, naming the object', async () => {
  const manifests = await render();
  const mistyped = await validate(manifests.replace('minReplicaCount: 1', 'minReplicaCount: "one"'));
  assert.equal(mistyped.ok, false);
  assert.match(mistyped.stderr, /ScaledObject home-shiriki-detector/);
  const unknown = await validate(manifests.replace('revisionHistoryLimit: 3', 'revisionHistoryLimt: 3'));
  assert.equal(unknown.ok, false);
  assert.match(unknown.stderr, /unknown field "revisionHistoryLimt"/);
});

test('values that cannot work are refused when rendering', async () => {
  await assert.rejects(
    render('nats.enabled=false', 'natsMonitoringEndpoint=nats-headless.infra:8222'),
    /natsUrl is required when nats.enabled is false/,
  );
  await assert.rejects(
    render('nats.enabled=false', 'natsUrl=nats://nats.infra:4222'),
    /natsMonitoringEndpoint is required for KEDA when nats.enabled is false/,
  );
  const external = await render(
    'nats.enabled=false',
    'natsUrl=nats://nats.infra:4222',
    'natsMonitoringEndpoint=nats-headless.infra:8222',
    'detector.keda.enabled=false',
    'detector.replicas=3',
  );
  const all = objects(external);
  assert.equal(find(all, 'Deployment', 'home-shiriki-detector').spec.replicas, 3);
  assert.ok(!all.some((o) => o.kind === 'ScaledObject'), 'no ScaledObject without KEDA');
  assert.ok(!all.some((o) => o.metadata.name === 'home-shiriki-nats'), 'no NATS policy for an external NATS');
  assert.ok((await validate(external)).ok);
});
