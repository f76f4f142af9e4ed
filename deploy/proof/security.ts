// Every output of the run, searched for the secrets the proof configured: a camera password in a camera URL
// and the S3 secret key. Outputs: up's console, every service and server log, every service's metrics, the
// api's answers, and every non-frame message on the bus.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scrapeMetrics } from '@shiriki/testing';

export interface SecretFinding {
  /** Which secret (its name, never its value). */
  secret: string;
  where: string;
}

export interface OutputSources {
  upOutput: string;
  logsDir: string;
  metricsUrls: string[];
  apiUrl: string;
  adminPassword: string;
  /** What the bus carried besides frames, as text. */
  busText: string;
  cameras: string[];
}

export interface SecretScan {
  /** Bytes searched per kind of output. */
  searched: Record<string, number>;
  findings: SecretFinding[];
}

async function apiAnswers(
  apiUrl: string,
  adminPassword: string,
  cameras: string[],
): Promise<Record<string, string>> {
  const login = await fetch(`${apiUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: adminPassword }),
  });
  if (login.status !== 200) throw new Error(`api login failed with ${login.status}`);
  const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
  const paths = [
    '/api/cameras',
    '/api/streams',
    '/api/stats',
    '/api/events?limit=1000',
    '/api/openapi.json',
    '/metrics',
    ...cameras.flatMap((c) => [`/api/cameras/${c}`, `/api/cameras/${c}/switches`]),
  ];
  const answers: Record<string, string> = {};
  for (const path of paths) {
    const response = await fetch(`${apiUrl}${path}`, { headers: { cookie } });
    answers[`api ${path}`] = await response.text();
  }
  return answers;
}

/** `secrets` maps a name to the value searched for. */
export async function scanForSecrets(
  sources: OutputSources,
  secrets: Record<string, string>,
): Promise<SecretScan> {
  const texts: Record<string, string> = { 'up console': sources.upOutput };
  for (const file of readdirSync(sources.logsDir))
    texts[`log ${file}`] = readFileSync(join(sources.logsDir, file), 'utf8');
  for (const url of sources.metricsUrls) texts[`metrics ${url}`] = await scrapeMetrics(url).catch(() => '');
  Object.assign(texts, await apiAnswers(sources.apiUrl, sources.adminPassword, sources.cameras));
  texts['bus messages'] = sources.busText;

  const searched: Record<string, number> = {};
  const findings: SecretFinding[] = [];
  for (const [where, text] of Object.entries(texts)) {
    const kind = where.split(' ')[0]!;
    searched[kind] = (searched[kind] ?? 0) + Buffer.byteLength(text);
    for (const [secret, value] of Object.entries(secrets)) {
      // Also the URL-encoded form: a URL printed through `new URL()` encodes what it can.
      if (text.includes(value) || text.includes(encodeURIComponent(value))) findings.push({ secret, where });
    }
  }
  return { searched, findings };
}

export interface ListeningSocket {
  address: string;
  process: string;
}

/** The TCP sockets that processes in `pids` listen on, from `ss`. */
export function listeningSockets(pids: ReadonlySet<number>): ListeningSocket[] {
  const out: ListeningSocket[] = [];
  for (const line of execFileSync('ss', ['-ltnpH'], { encoding: 'utf8' }).split('\n')) {
    const fields = line.trim().split(/\s+/);
    const address = fields[3];
    for (const m of line.matchAll(/\("([^"]+)",pid=(\d+)/g)) {
      if (address && pids.has(Number(m[2]))) out.push({ address, process: m[1]! });
    }
  }
  return out;
}

/** A listen address reachable from other hosts: anything but loopback. */
export function isExposed(address: string): boolean {
  const host = address.slice(0, address.lastIndexOf(':'));
  return !(host.startsWith('127.') || host === '[::1]' || host === '::1');
}
