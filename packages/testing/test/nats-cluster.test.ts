import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startNatsCluster, waitFor, type NatsCluster } from '../src/index.js';

const r2Stream = { name: 'R2', subjects: ['r2.>'], num_replicas: 2 };

interface Jsz {
  meta_cluster: { leader: string; cluster_size: number };
}

interface StreamCreateReply {
  error?: { description: string };
  config: { num_replicas: number };
  cluster: { replicas: unknown[] };
}

async function receiveOne(nc: NatsConnection, subject: string): Promise<() => Promise<string>> {
  const sub = nc.subscribe(subject, { max: 1 });
  await nc.flush(); // the subscription has reached the server, and through it the routes
  return async () => {
    for await (const msg of sub) return msg.string();
    throw new Error(`subscription on ${subject} ended without a message`);
  };
}

describe('startNatsCluster', () => {
  let cluster: NatsCluster;
  before(async () => {
    cluster = await startNatsCluster({ size: 3 });
  });
  after(() => cluster.dispose());

  test('forms a 3-node JetStream cluster with one meta leader', async () => {
    assert.equal(cluster.servers.length, 3);
    const leaders = new Set<string>();
    for (const node of cluster.nodes) {
      const jsz = (await (await fetch(`${node.monitorUrl}/jsz`)).json()) as Jsz;
      assert.equal(jsz.meta_cluster.cluster_size, 3);
      leaders.add(jsz.meta_cluster.leader);
    }
    assert.equal(leaders.size, 1);
  });

  test('a message published on node 0 reaches a subscriber on node 2', async () => {
    const [first, , last] = cluster.servers;
    const subscriber = await connect({ servers: last! });
    const publisher = await connect({ servers: first! });
    try {
      const received = await receiveOne(subscriber, 'shiriki.test.routed');
      // Interest crosses the route asynchronously; republish until it has arrived.
      const timer = setInterval(() => publisher.publish('shiriki.test.routed', 'across'), 50);
      try {
        assert.equal(await received(), 'across');
      } finally {
        clearInterval(timer);
      }
    } finally {
      await Promise.all([subscriber.close(), publisher.close()]);
    }
  });

  test('with one node stopped the others keep serving, and the node rejoins', async () => {
    await cluster.stopNode(1);
    assert.equal(cluster.nodes[1]!.state, 'stopped');
    await cluster.waitUntilFormed();
    const nc = await connect({ servers: cluster.servers[2]! });
    try {
      // Placement needs fresh peer statistics at the meta leader, which trail a node loss by a moment.
      const created = await waitFor(
        async () => {
          const reply = await nc.request('$JS.API.STREAM.CREATE.R2', JSON.stringify(r2Stream), {
            timeout: 5000,
          });
          const body = reply.json<StreamCreateReply>();
          if (body.error) throw new Error(body.error.description);
          return body;
        },
        { what: 'a 2-replica stream on the two remaining nodes', timeoutMs: 20_000, intervalMs: 500 },
      );
      assert.equal(created.config.num_replicas, 2);
      assert.equal(created.cluster.replicas.length, 1);
    } finally {
      await nc.close();
    }
    await cluster.startNode(1);
    assert.equal(cluster.nodes[1]!.state, 'running');
  });
});
