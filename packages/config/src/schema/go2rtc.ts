import { z } from 'zod';

export const go2rtcSchema = z.strictObject({
  api_url: z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL such as http://127.0.0.1:1984' })
    .default('http://127.0.0.1:1984')
    .describe('go2rtc HTTP API.'),
  rtsp_url: z
    .url({ protocol: /^rtsps?$/, error: 'expected an RTSP URL such as rtsp://127.0.0.1:8554' })
    .default('rtsp://127.0.0.1:8554')
    .describe('go2rtc RTSP server that ingest reads camera streams from.'),
  register_streams: z
    .boolean()
    .default(true)
    .describe(
      'At start, ingest adds cameras missing from go2rtc as streams, using their `source`, and replaces streams whose sources differ.',
    ),
});

export type Go2rtcConfig = z.output<typeof go2rtcSchema>;
