// Malformed HTTP requests to the api: each must get a 4xx with a JSON error, be counted by status in
// shiriki_api_requests_total, and leave the api serving.
import { request as httpRequest } from 'node:http';
import { scrapeMetrics } from '@shiriki/testing';

export interface BadRequestRow {
  request: string;
  status: number;
  /** The answer is JSON with an error message. */
  explained: boolean;
}

export interface BadRequests {
  rows: BadRequestRow[];
  /** Rise of shiriki_api_requests_total for 4xx statuses over the batch. */
  counted4xx: number;
  /** The api answered /readyz with 200 afterwards. */
  stillReady: boolean;
}

export async function sendBadRequests(apiUrl: string, adminPassword: string): Promise<BadRequests> {
  const login = await fetch(`${apiUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: adminPassword }),
  });
  const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
  const json = { 'content-type': 'application/json', cookie };
  const requests: [string, string, RequestInit][] = [
    ['login with broken JSON', '/api/auth/login', { method: 'POST', headers: json, body: '{"username": ' }],
    ['login with the wrong shape', '/api/auth/login', { method: 'POST', headers: json, body: '[1,2,3]' }],
    [
      'login with a wrong password',
      '/api/auth/login',
      { method: 'POST', headers: json, body: '{"username":"admin","password":"nope"}' },
    ],
    ['events without a session', '/api/events', { headers: {} }],
    ['events limit out of range', '/api/events?limit=-5', { headers: json }],
    ['events with a garbage cursor', '/api/events?cursor=%00%ff', { headers: json }],
    ['an event that does not exist', '/api/events/no-such-event', { headers: json }],
    ['a clip path that climbs out', '/api/events/..%2F..%2Fetc%2Fpasswd/clip.mp4', { headers: json }],
    ['a camera that does not exist', '/api/cameras/no-such-camera', { headers: json }],
    [
      'switches with the wrong types',
      '/api/cameras/proof-1/switches',
      { method: 'PUT', headers: json, body: '{"detect":"maybe"}' },
    ],
    ['a method the route does not have', '/api/events', { method: 'PATCH', headers: json }],
    [
      'a recording clip with start after end',
      '/api/cameras/proof-1/clip.mp4?start=20&end=10',
      { headers: json },
    ],
  ];
  const before = await count4xx(apiUrl);
  const rows: BadRequestRow[] = [];
  for (const [name, path, init] of requests) {
    const response = await fetch(`${apiUrl}${path}`, init).catch(() => undefined);
    const text = response ? await response.text() : '';
    rows.push({ request: name, status: response?.status ?? 0, explained: isExplained(text) });
  }
  rows.push({
    request: 'an 8 MiB body',
    ...(await oversized(`${apiUrl}/api/cameras/proof-1/switches`, cookie)),
  });
  const ready = await fetch(`${apiUrl}/readyz`).then(
    (r) => r.status === 200,
    () => false,
  );
  return { rows, counted4xx: (await count4xx(apiUrl)) - before, stillReady: ready };
}

async function count4xx(apiUrl: string): Promise<number> {
  const text = await scrapeMetrics(apiUrl);
  let sum = 0;
  for (const line of text.split('\n'))
    if (/^shiriki_api_requests_total\{[^}]*status="4\d\d"/.test(line))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
}

/**
 * Announces an 8 MiB body and sends none of it: the api must refuse from the length alone (413), without
 * reading the body. (Sending it races the api closing the connection after its answer.)
 */
async function oversized(url: string, cookie: string): Promise<{ status: number; explained: boolean }> {
  return new Promise((resolve) => {
    const request = httpRequest(
      url,
      { method: 'PUT', headers: { 'content-type': 'application/json', 'content-length': 8 << 20, cookie } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        const done = () => {
          resolve({ status: response.statusCode ?? 0, explained: isExplained(text) });
          request.destroy();
        };
        response.on('end', done);
        response.on('error', done);
      },
    );
    request.on('error', () => undefined);
    request.setTimeout(10_000, () => {
      request.destroy();
      resolve({ status: 0, explained: false });
    });
    request.flushHeaders();
  });
}

function isExplained(text: string): boolean {
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    return typeof (body.message ?? body.error) === 'string';
  } catch {
    return false;
  }
}
