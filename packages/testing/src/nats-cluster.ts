import {
  createNatsServer,
  freePorts,
  getJson,
  httpOk,
  LOOPBACK,
  track,
  untrack,
  waitFor,
  type NatsServer,
} from '@shiriki/stack';

export interface NatsClusterOptions {
  /** Number of JetStream nodes. Default 3. */
  size?: number;
  /** `cluster_name`. Default `shiriki-test`. */
  name?: string;
  /** Keep every node's temp dir after `dispose()`. Default false. */
  keepData?: boolean;
  /** How long the cluster may take to form (routes and JetStream meta leader). Default 30 000 ms. */
  readyTimeoutMs?: number;
}

export const NATS_CLUSTER_DEFAULTS = {
  size: 3,
  name: 'shiriki-test',
  keepData: false,
  readyTimeoutMs: 30_000,
} as const;

/** JetStream-enabled nats-server nodes routed to each other on 127.0.0.1. */
export interface NatsCluster {
  readonly name: string;
  /** Client URLs of every node, in node order (give them all to a client). */
  readonly servers: readonly string[];
  readonly nodes: readonly NatsServer[];
  /** Stops node `index`, keeping its ports and data; the others keep serving. */
  stopNode(index: number): Promise<void>;
  /** Starts node `index` again and waits until the running nodes have formed the cluster again. */
  startNode(index: number): Promise<void>;
  /** Resolves once every running node routes to every other running one and sees a meta leader. */
  waitUntilFormed(timeoutMs?: number): Promise<void>;
  /** Stops every node, keeping ports and data. */
  stop(): Promise<void>;
  /** Stops every node and removes their temp dirs unless `keepData`. Idempotent. */
  dispose(): Promise<void>;
}

/** Starts `size` nodes together (JetStream needs a quorum to elect its meta leader) and waits until formed. */
export async function startNatsCluster(options: NatsClusterOptions = {}): Promise<NatsCluster> {
  const { size, name, keepData, readyTimeoutMs } = { ...NATS_CLUSTER_DEFAULTS, ...options };
  const ports = await freePorts(size * 3);
  const clusterPorts = ports.slice(2 * size);
  const routeUrl = (port: number): string => `nats://${LOOPBACK}:${port}`;
  const nodes: NatsServer[] = [];
  for (let i = 0; i < size; i++) {
    const clusterPort = at(clusterPorts, i);
    const routes = clusterPorts.filter((port) => port !== clusterPort).map(routeUrl);
    nodes.push(
      await createNatsServer({
        port: at(ports, i),
        monitorPort: at(ports, size + i),
        serverName: `${name}-n${i}`,
        keepData,
        // A single node cannot pass the full /healthz before a quorum elects the meta leader.
        readyPath: '/healthz?js-enabled-only=true',
        args: ['--cluster_name', name, '--cluster', routeUrl(clusterPort), '--routes', routes.join(',')],
      }),
    );
  }
  const node = (index: number): NatsServer => {
    const found = nodes[index];
    if (!found) throw new RangeError(`no node ${index} in a cluster of ${size}`);
    return found;
  };
  const waitUntilFormed = async (timeoutMs = readyTimeoutMs): Promise<void> => {
    const running = nodes.filter((n) => n.state === 'running');
    await waitFor(() => allFormed(running), {
      what: `NATS cluster ${name} to form`,
      timeoutMs,
      intervalMs: 200,
    });
  };
  let disposed = false;
  const cluster: NatsCluster = {
    name,
    servers: nodes.map((n) => n.url),
    nodes,
    stopNode: (index) => node(index).stop(),
    startNode: async (index) => {
      await node(index).start();
      await waitUntilFormed();
    },
    waitUntilFormed,
    stop: async () => {
      await Promise.all(nodes.map((n) => n.stop()));
    },
    dispose: async () => {
      if (disposed) return;
      disposed = true;
      untrack(cluster);
      await Promise.all(nodes.map((n) => n.dispose()));
    },
  };
  track(cluster);
  try {
    await Promise.all(nodes.map((n) => n.start()));
    await waitUntilFormed();
  } catch (error) {
    await cluster.dispose();
    throw error;
  }
  return cluster;
}

async function allFormed(running: readonly NatsServer[]): Promise<boolean> {
  const names = new Set(running.map((n) => n.serverName));
  for (const n of running) await assertFormed(n, names);
  return true;
}

/**
 * Throws, naming what is missing, unless `node` routes to every other running node, sees a meta leader among
 * them (a stopped node may still be reported as leader until the others elect a new one) and is healthy.
 */
async function assertFormed(node: NatsServer, running: ReadonlySet<string>): Promise<void> {
  const peers = running.size - 1;
  const routez = (await getJson(`${node.monitorUrl}/routez`)) as {
    routes?: { remote_name?: string }[] | null;
  };
  // Route pooling opens several connections per peer, so count distinct peers, not num_routes.
  const remotes = new Set((routez.routes ?? []).map((route) => route.remote_name));
  if (remotes.size < peers) throw new Error(`${node.serverName} routes to ${remotes.size} of ${peers} peers`);
  const jsz = (await getJson(`${node.monitorUrl}/jsz`)) as { meta_cluster?: { leader?: string } };
  const leader = jsz.meta_cluster?.leader;
  if (!leader || !running.has(leader)) {
    throw new Error(`${node.serverName} sees no running JetStream meta leader (leader: ${leader ?? 'none'})`);
  }
  await httpOk(`${node.monitorUrl}/healthz`);
}

function at(values: readonly number[], index: number): number {
  const value = values[index];
  if (value === undefined) throw new RangeError(`index ${index} out of ${values.length}`);
  return value;
}
