import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ObjectAlertSchema, type ObjectEvent } from '@shiriki/bus';
import { alertsFor, createAlertMemory, type ObjectAlertsConfig } from './alerts.js';

const config: ObjectAlertsConfig = { enabled: true, labels: ['person'], cooldown_s: 30 };

function event(overrides: Partial<ObjectEvent> = {}): ObjectEvent {
  return {
    type: 'new',
    id: 'cam-1',
    camera: 'cam',
    label: 'person',
    score: 0.8,
    top_score: 0.85,
    box: [0, 0, 10, 10],
    zones: [],
    entered_zones: [],
    start_time: 1000,
    frame_time: 1000,
    stationary: false,
    ...overrides,
  };
}

describe('alertsFor', () => {
  it('alerts once per object on new, for listed labels only', () => {
    const memory = createAlertMemory();
    const alert = alertsFor(
      event({ snapshot: { frame_sequence: 3, score: 0.9, key: 'k.jpg' } }),
      config,
      [],
      memory,
    );
    assert.deepEqual(ObjectAlertSchema.parse(alert), {
      kind: 'object',
      camera: 'cam',
      zones: [],
      time: 1000,
      label: 'person',
      event_id: 'cam-1',
      score: 0.85,
      snapshot_key: 'k.jpg',
    });
    assert.equal(alertsFor(event({ type: 'update', frame_time: 99_000 }), config, [], memory), undefined);
    assert.equal(alertsFor(event({ id: 'car-1', label: 'car' }), config, [], memory), undefined);
    assert.equal(
      alertsFor(event({ id: 'x' }), { ...config, enabled: false }, [], createAlertMemory()),
      undefined,
    );
  });

  it('respects the cooldown per camera and label', () => {
    const memory = createAlertMemory();
    assert.ok(alertsFor(event(), config, [], memory));
    assert.equal(alertsFor(event({ id: 'cam-2', frame_time: 20_000 }), config, [], memory), undefined);
    assert.ok(alertsFor(event({ id: 'cam-3', camera: 'other', frame_time: 20_000 }), config, [], memory));
    assert.ok(alertsFor(event({ id: 'cam-4', frame_time: 31_000 }), config, [], memory));
  });

  it('with required zones, alerts on each entry into one of them', () => {
    const zoned = { ...config, zones: ['porch'], cooldown_s: 0 };
    const memory = createAlertMemory();
    const cam = ['porch', 'street'];
    assert.equal(alertsFor(event({ zones: ['street'] }), zoned, cam, memory), undefined);
    const entered = alertsFor(
      event({ type: 'update', zones: ['porch'], entered_zones: ['street', 'porch'], frame_time: 2000 }),
      zoned,
      cam,
      memory,
    );
    assert.deepEqual(entered?.zones, ['porch']);
    assert.equal(
      alertsFor(event({ type: 'update', zones: ['porch'], frame_time: 3000 }), zoned, cam, memory),
      undefined,
    );
    assert.equal(
      alertsFor(event({ type: 'update', zones: [], frame_time: 4000 }), zoned, cam, memory),
      undefined,
    );
    assert.ok(alertsFor(event({ type: 'update', zones: ['porch'], frame_time: 5000 }), zoned, cam, memory));
    alertsFor(event({ type: 'end' }), zoned, cam, memory);
    assert.deepEqual(memory.objects, {});
  });

  it('counts zones entered before the object became real, and ignores zones the camera lacks', () => {
    const zoned = { ...config, zones: ['porch'] };
    assert.deepEqual(
      alertsFor(event({ entered_zones: ['porch'] }), zoned, ['porch'], createAlertMemory())?.zones,
      ['porch'],
    );
    // A camera without any of the alert zones alerts anywhere.
    assert.ok(alertsFor(event(), zoned, ['street'], createAlertMemory()));
  });
});
