import { CAMERA_SWITCHES, type CameraSwitch } from '@shiriki/bus';
import { topicLevel, type MqttTopics } from './topics.js';

export type DiscoveryComponent = 'binary_sensor' | 'sensor' | 'image' | 'switch';

const SWITCH_NAMES: Record<CameraSwitch, string> = {
  detect: 'Detect',
  motion: 'Motion detection',
  recordings: 'Recordings',
  snapshots: 'Snapshots',
};

const SWITCH_ICONS: Record<CameraSwitch, string> = {
  detect: 'mdi:motion-sensor',
  motion: 'mdi:motion-sensor',
  recordings: 'mdi:filmstrip-box-multiple',
  snapshots: 'mdi:image-multiple',
};

export interface DiscoveryMessage {
  /** `<discovery prefix>/<component>/<node>/<object>/config`. */
  topic: string;
  component: DiscoveryComponent;
  config: Record<string, unknown>;
}

export interface DiscoveryCamera {
  name: string;
  /** Labels the camera tracks (`objects.track`). */
  labels: readonly string[];
}

export interface DiscoveryOptions {
  /** Home Assistant's discovery prefix (`mqtt.discovery.prefix`). */
  prefix: string;
  topics: MqttTopics;
  /** shiriki's version, shown on the device. */
  version: string;
}

/**
 * Home Assistant MQTT discovery for one camera: one device with an occupancy binary sensor and a latest
 * snapshot image per tracked label, a motion binary sensor, a sensor counting every active object and a
 * switch for each run-time switch (detect, motion, recordings, snapshots), each
 * available while the bridge is (`<prefix>/available`). Only Home Assistant's own MQTT integration is needed.
 */
export function cameraDiscovery(camera: DiscoveryCamera, options: DiscoveryOptions): DiscoveryMessage[] {
  const { topics, prefix, version } = options;
  const node = topicLevel(topics.prefix);
  const device = {
    identifiers: [`${node}_${camera.name}`],
    name: camera.name,
    manufacturer: 'shiriki',
    model: 'Camera',
    sw_version: version,
  };
  const common = (object: string, name: string) => ({
    name,
    unique_id: `${node}_${camera.name}_${object}`,
    object_id: `${camera.name}_${object}`,
    availability_topic: topics.available,
    payload_available: 'online',
    payload_not_available: 'offline',
    device,
  });
  const message = (component: DiscoveryComponent, object: string, config: Record<string, unknown>) => ({
    topic: `${prefix}/${component}/${node}/${camera.name}_${object}/config`,
    component,
    config,
  });
  const messages: DiscoveryMessage[] = [
    message('binary_sensor', 'motion', {
      ...common('motion', 'Motion'),
      state_topic: topics.motion(camera.name),
      payload_on: 'ON',
      payload_off: 'OFF',
      device_class: 'motion',
    }),
    message('sensor', 'all_count', {
      ...common('all_count', 'Objects'),
      state_topic: topics.count(camera.name, 'all'),
      state_class: 'measurement',
      unit_of_measurement: 'objects',
      icon: 'mdi:counter',
    }),
  ];
  for (const name of CAMERA_SWITCHES) {
    messages.push(
      message('switch', `${name}_switch`, {
        ...common(`${name}_switch`, SWITCH_NAMES[name]),
        command_topic: topics.switchSet(camera.name, name),
        state_topic: topics.switchState(camera.name, name),
        payload_on: 'ON',
        payload_off: 'OFF',
        icon: SWITCH_ICONS[name],
      }),
    );
  }
  for (const label of camera.labels) {
    const object = topicLevel(label);
    const title = label.charAt(0).toUpperCase() + label.slice(1);
    messages.push(
      message('binary_sensor', `${object}_occupancy`, {
        ...common(`${object}_occupancy`, `${title} occupancy`),
        state_topic: topics.count(camera.name, label),
        value_template: "{{ 'ON' if value | int > 0 else 'OFF' }}",
        payload_on: 'ON',
        payload_off: 'OFF',
        device_class: 'occupancy',
      }),
      message('image', `${object}_snapshot`, {
        ...common(`${object}_snapshot`, `${title} snapshot`),
        image_topic: topics.snapshot(camera.name, label),
        content_type: 'image/jpeg',
      }),
    );
  }
  return messages;
}
