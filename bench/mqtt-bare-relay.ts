// The bare baseline of bench/mqtt.ts, run as its own process: a core NATS subscription on the events that
// republishes every message unchanged to MQTT (mqtt.js, QoS 1, awaited one at a time). No JetStream
// consumer, no mapping, no reviews or counts: the least a relay can do.
// Usage: node --conditions=shiriki-source --import tsx bench/mqtt-bare-relay.ts <nats-url> <mqtt-url> <subject> <topic>
import { connect } from '@nats-io/transport-node';
import { connectAsync } from 'mqtt';

const [natsUrl, mqttUrl, subject, topic] = process.argv.slice(2) as [string, string, string, string];
const nc = await connect({ servers: natsUrl });
const mqtt = await connectAsync(mqttUrl, { clientId: 'bare-relay' });
let chain = Promise.resolve();
nc.subscribe(subject, {
  callback: (error, msg) => {
    if (error) return;
    const payload = Buffer.from(msg.data);
    chain = chain.then(async () => void (await mqtt.publishAsync(topic, payload, { qos: 1 })));
  },
});
await nc.flush();
console.log('ready');
process.on('SIGTERM', () => {
  void Promise.all([nc.drain(), mqtt.endAsync()]).then(() => process.exit(0));
});
