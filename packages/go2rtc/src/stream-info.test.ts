import { test } from 'node:test';
import assert from 'node:assert/strict';
import { streamSchema } from './schemas.js';
import { summariseHealth, toStream } from './stream-info.js';

// Recorded from go2rtc 1.9.14 (`GET /api/streams?src=walk`) while an ffmpeg RTSP client read the stream.
const connected = {
  producers: [
    {
      id: 6,
      format_name: 'rtsp',
      protocol: 'rtsp+tcp',
      remote_addr: '127.0.0.1:59658',
      source:
        'exec:/opt/ffmpeg/bin/ffmpeg -hide_banner -v error -re -stream_loop -1 -i /media/walk.mp4 -c:v copy -an',
      sdp: 'v=0\r\n',
      user_agent: 'ffmpeg/go2rtc',
      medias: ['video, recvonly, H264'],
      receivers: [
        {
          id: 7,
          codec: { codec_name: 'h264', codec_type: 'video', level: 31, profile: 'Main' },
          childs: [8],
          bytes: 27799,
          packets: 32,
        },
      ],
      bytes_recv: 28211,
    },
  ],
  consumers: [
    {
      id: 5,
      format_name: 'rtsp',
      protocol: 'rtsp+tcp',
      remote_addr: '127.0.0.1:59644',
      user_agent: 'Lavf59.27.100',
      medias: ['video, sendonly, ANY', 'audio, sendonly, ANY'],
      senders: [
        { id: 8, codec: { codec_name: 'h264', codec_type: 'video' }, parent: 7, bytes: 27799, packets: 32 },
      ],
    },
  ],
};

test('maps a connected stream, keeping counters and tolerating unknown fields', () => {
  const stream = toStream(streamSchema.parse(connected));
  assert.deepEqual(stream.producers[0], {
    id: 6,
    formatName: 'rtsp',
    protocol: 'rtsp+tcp',
    remoteAddr: '127.0.0.1:59658',
    source:
      'exec:/opt/ffmpeg/bin/ffmpeg -hide_banner -v error -re -stream_loop -1 -i /media/walk.mp4 -c:v copy -an',
    userAgent: 'ffmpeg/go2rtc',
    medias: ['video, recvonly, H264'],
    bytesReceived: 28211,
    state: 'connected',
    receivers: [
      {
        id: 7,
        codec: { name: 'h264', kind: 'video', profile: 'Main', level: 31 },
        bytes: 27799,
        packets: 32,
        drops: 0,
      },
    ],
  });
  assert.equal(stream.consumers[0]?.senders[0]?.bytes, 27799);
  assert.deepEqual(summariseHealth(stream), {
    online: true,
    producers: 1,
    consumers: 1,
    codecs: ['h264'],
    bytesReceived: 28211,
  });
});

test('maps an idle stream with null consumers, as go2rtc sends a never-used stream', () => {
  const stream = toStream(
    streamSchema.parse({ producers: [{ url: 'rtsp://10.0.0.5/main' }], consumers: null }),
  );
  assert.deepEqual(stream, {
    producers: [{ state: 'idle', url: 'rtsp://10.0.0.5/main', medias: [], receivers: [] }],
    consumers: [],
  });
  assert.deepEqual(summariseHealth(stream), { online: false, producers: 1, consumers: 0, codecs: [] });
});
