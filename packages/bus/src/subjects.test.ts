import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSubjects, inferSubjectKind, labelToken, parseSubject } from './subjects.js';
import { InvalidSubjectTokenError } from './errors.js';

const s = createSubjects();

test('builds every subject of the scheme under the default prefix', () => {
  assert.equal(s.frames('front'), 'shiriki.frames.front');
  assert.equal(s.motion('front'), 'shiriki.motion.front');
  assert.equal(s.detections('front'), 'shiriki.detections.front');
  assert.equal(s.events('front', 'person'), 'shiriki.events.front.person');
  assert.equal(s.alerts('front', 'motion'), 'shiriki.alerts.front.motion');
  assert.equal(s.alerts('front', 'person'), 'shiriki.alerts.front.person');
  assert.equal(s.snapshots('front'), 'shiriki.snapshots.front');
  assert.equal(s.clips('front'), 'shiriki.clips.front');
  assert.equal(s.status('detector', 'gpu-0'), 'shiriki.status.service.detector.gpu-0');
  assert.equal(s.cameraStatus('front'), 'shiriki.status.camera.front');
});

test('wildcards select one camera, one label across cameras or everything of a kind', () => {
  assert.equal(s.framesAll, 'shiriki.frames.>');
  assert.equal(s.eventsForCamera('front'), 'shiriki.events.front.>');
  assert.equal(s.eventsForLabel('person'), 'shiriki.events.*.person');
  assert.equal(s.alertsForKind('person'), 'shiriki.alerts.*.person');
  assert.equal(s.alertsForKind('motion'), 'shiriki.alerts.*.motion');
  assert.equal(s.alertsForCamera('front'), 'shiriki.alerts.front.>');
  assert.equal(s.statusAll, 'shiriki.status.>');
  assert.equal(s.serviceStatusAll, 'shiriki.status.service.>');
  assert.equal(s.cameraStatusAll, 'shiriki.status.camera.*');
});

test('stream and bucket names follow the prefix', () => {
  assert.deepEqual(s.streams, {
    frames: 'SHIRIKI_FRAMES',
    detections: 'SHIRIKI_DETECTIONS',
    events: 'SHIRIKI_EVENTS',
    clips: 'SHIRIKI_CLIPS',
  });
  assert.equal(s.buckets.leases('ingest'), 'shiriki_leases_ingest');
  assert.equal(s.buckets.cameraStatus, 'shiriki_camera_status');
  assert.throws(() => s.buckets.leases('in.gest'), /role/);
  const site = createSubjects('site-1.shiriki');
  assert.equal(site.frames('a'), 'site-1.shiriki.frames.a');
  assert.equal(site.streams.events, 'SITE-1_SHIRIKI_EVENTS');
  assert.equal(site.buckets.leases('ingest'), 'site-1_shiriki_leases_ingest');
  assert.equal(site.buckets.trackerState, 'site-1_shiriki_tracker_state');
});

test('camera names must be single tokens', () => {
  for (const bad of ['', 'front door', 'a.b', 'a*', '>', 'x'.repeat(65), 'kamera-ü']) {
    assert.throws(() => s.frames(bad), InvalidSubjectTokenError, JSON.stringify(bad));
  }
  assert.equal(s.frames('Cam_01-x'), 'shiriki.frames.Cam_01-x');
  assert.throws(() => createSubjects('a..b'), InvalidSubjectTokenError);
  assert.throws(() => createSubjects('a.>'), InvalidSubjectTokenError);
});

test('labels become tokens; `motion` is reserved for motion alerts', () => {
  assert.equal(labelToken('traffic light'), 'traffic_light');
  assert.equal(s.events('front', 'traffic light'), 'shiriki.events.front.traffic_light');
  assert.throws(() => labelToken('motion'), InvalidSubjectTokenError);
  assert.throws(() => labelToken(''), InvalidSubjectTokenError);
});

test('parseSubject inverts the builders and rejects anything else', () => {
  assert.deepEqual(parseSubject(s.frames('front')), { kind: 'frames', camera: 'front' });
  assert.deepEqual(parseSubject(s.events('front', 'dog')), { kind: 'events', camera: 'front', label: 'dog' });
  assert.deepEqual(parseSubject(s.alerts('front', 'motion')), {
    kind: 'alerts',
    camera: 'front',
    label: 'motion',
  });
  assert.deepEqual(parseSubject(s.status('ingest', 'w1')), {
    kind: 'status',
    service: 'ingest',
    instance: 'w1',
  });
  assert.deepEqual(parseSubject(s.cameraStatus('front')), { kind: 'camera_status', camera: 'front' });
  // A service may be called `camera` and an instance `service`: each still parses as what it is.
  assert.deepEqual(parseSubject(s.status('camera', 'front')), {
    kind: 'status',
    service: 'camera',
    instance: 'front',
  });
  assert.deepEqual(parseSubject(s.cameraStatus('service')), { kind: 'camera_status', camera: 'service' });
  assert.deepEqual(createSubjects('a.b').parse('a.b.clips.x'), { kind: 'clips', camera: 'x' });
  for (const bad of [
    'shiriki.frames',
    'shiriki.frames.front.extra',
    'shiriki.events.front',
    'shiriki.frames.>',
    'shiriki.alerts.*.person',
    'other.frames.front',
    'shiriki.unknown.front',
    'shiriki.status.ingest.w1',
    'shiriki.status.camera.front.extra',
    'shiriki.status.service.ingest',
    'shirikix.frames.front',
  ]) {
    assert.equal(parseSubject(bad), undefined, bad);
  }
});

test('inferSubjectKind finds the kind token under any prefix', () => {
  assert.equal(inferSubjectKind('shiriki.frames.>'), 'frames');
  assert.equal(inferSubjectKind('site.x.alerts.*.person'), 'alerts');
  assert.equal(inferSubjectKind('foo.bar'), 'other');
});
