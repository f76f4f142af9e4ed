import { readFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { MqttConfig } from '@shiriki/config';
import type { Logger } from '@shiriki/telemetry';

/** The broker as the bridge sees it: the one external effect of this package, behind a small interface. */
export interface BrokerLink {
  readonly connected: boolean;
  /** Resolves once the broker has the message (QoS 1) or it is written (QoS 0); rejects when not connected. */
  publish(topic: string, payload: string | Buffer, options?: { retain?: boolean }): Promise<void>;
  /** Delivers every message on `topic` (no wildcards) to `handler`, across reconnects; returns the way to stop. */
  subscribe(topic: string, handler: (payload: Buffer) => void): () => void;
  /** Called on every (re)connect, after `<prefix>/available` went `online`; returns the way to stop. */
  onConnect(listener: () => void): () => void;
  /** Publishes `offline` (retained), then disconnects. */
  close(): Promise<void>;
}

/** Not connected to the broker: the message was not sent. */
export class BrokerUnavailableError extends Error {
  override readonly name = 'BrokerUnavailableError';
  constructor(
    readonly topic: string,
    options?: ErrorOptions,
  ) {
    super(`not connected to the MQTT broker; ${topic} not published`, options);
  }
}

export interface BrokerLinkOptions {
  config: MqttConfig;
  /** The broker's host when `config.host` is unset (the nats-server MQTT listener `up` starts). */
  host?: string;
  port?: number;
  clientId: string;
  availableTopic: string;
  logger: Logger;
  /** Between reconnect attempts. Default 2000 ms. */
  reconnectMs?: number;
}

/**
 * An mqtt.js client with the bridge's Last Will (`<prefix>/available` = `offline`, retained, QoS 1) and
 * `online` published on every connect. It reconnects by itself; messages are only handed to it while
 * connected, so nothing piles up in mqtt.js's own offline queue.
 */
export class MqttBrokerLink implements BrokerLink {
  readonly #client: MqttClient;
  readonly #events = new EventEmitter();
  readonly #qos: 0 | 1;
  readonly #handlers = new Map<string, (payload: Buffer) => void>();
  #inFlight: Promise<unknown> = Promise.resolve();
  #ready = false;

  constructor(private readonly options: BrokerLinkOptions) {
    const { config, logger, availableTopic } = options;
    this.#qos = config.qos;
    const host = config.host ?? options.host ?? '127.0.0.1';
    const port = options.port ?? config.port;
    const tls = config.tls.enabled;
    const clientOptions: IClientOptions = {
      clientId: options.clientId,
      clean: true,
      reconnectPeriod: options.reconnectMs ?? 2000,
      connectTimeout: 10_000,
      queueQoSZero: false,
      will: { topic: availableTopic, payload: Buffer.from('offline'), qos: 1, retain: true },
      ...(config.user === undefined ? {} : { username: config.user }),
      ...(config.password === undefined ? {} : { password: config.password }),
      ...(tls
        ? {
            rejectUnauthorized: config.tls.reject_unauthorized,
            ...(config.tls.ca_file ? { ca: readFileSync(config.tls.ca_file) } : {}),
            ...(config.tls.cert_file ? { cert: readFileSync(config.tls.cert_file) } : {}),
            ...(config.tls.key_file ? { key: readFileSync(config.tls.key_file) } : {}),
          }
        : {}),
    };
    this.#client = connect(`${tls ? 'mqtts' : 'mqtt'}://${host}:${port}`, clientOptions);
    this.#client.on('connect', () => {
      (this.#client.stream as { setNoDelay?: (noDelay: boolean) => void }).setNoDelay?.(true);
      void this.#client
        .publishAsync(availableTopic, 'online', { qos: 1, retain: true })
        .then(() => {
          this.#ready = true;
          logger.info({ broker: `${host}:${port}` }, 'connected to the MQTT broker');
          this.#events.emit('connect');
        })
        .catch((error: unknown) => logger.warn({ err: error }, 'could not publish online'));
    });
    this.#client.on('message', (topic, payload) => this.#handlers.get(topic)?.(payload));
    this.#client.on('close', () => {
      if (this.#ready)
        logger.warn({ broker: `${host}:${port}` }, 'MQTT broker connection lost; reconnecting');
      this.#ready = false;
    });
    // mqtt.js reports every failed reconnect attempt; one line per half minute says enough.
    let lastErrorLog = 0;
    this.#client.on('error', (error) => {
      if (Date.now() - lastErrorLog < 30_000) return;
      lastErrorLog = Date.now();
      logger.warn({ err: error, broker: `${host}:${port}` }, 'MQTT broker error; retrying');
    });
  }

  get connected(): boolean {
    return this.#ready && this.#client.connected;
  }

  /**
   * One message in flight at a time. With several, a broker that leaves Nagle on (mosquitto's default) holds
   * each PUBACK until our delayed ACK of the one before: about 40 ms per message instead of a round trip.
   */
  publish(topic: string, payload: string | Buffer, options: { retain?: boolean } = {}): Promise<void> {
    const turn = this.#inFlight.then(async () => {
      if (!this.connected) throw new BrokerUnavailableError(topic);
      try {
        await this.#client.publishAsync(topic, payload, { qos: this.#qos, retain: options.retain ?? false });
      } catch (cause) {
        throw new BrokerUnavailableError(topic, { cause });
      }
    });
    this.#inFlight = turn.catch(() => undefined);
    return turn;
  }

  subscribe(topic: string, handler: (payload: Buffer) => void): () => void {
    this.#handlers.set(topic, handler);
    // mqtt.js sends it once connected and again after every reconnect.
    this.#client.subscribe(topic, { qos: 1 }, (error) => {
      if (error) this.options.logger.warn({ err: error, topic }, 'MQTT subscribe failed');
    });
    return () => {
      this.#handlers.delete(topic);
      if (this.#client.connected) this.#client.unsubscribe(topic);
    };
  }

  onConnect(listener: () => void): () => void {
    this.#events.on('connect', listener);
    return () => this.#events.off('connect', listener);
  }

  async close(): Promise<void> {
    if (this.connected) {
      await this.#client
        .publishAsync(this.options.availableTopic, 'offline', { qos: 1, retain: true })
        .catch(() => undefined);
    }
    this.#ready = false;
    await this.#client.endAsync();
  }
}
