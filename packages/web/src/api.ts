// The api's answers as the UI uses them (times are epoch seconds, as the API speaks).

export interface User {
  username: string;
  role: 'admin' | 'viewer';
  must_change_password: boolean;
}

export interface Camera {
  name: string;
  enabled: boolean;
  status: 'online' | 'starting' | 'stalled' | 'offline' | 'unknown';
  reason: string | null;
  owner: string | null;
  fps_in: number;
  frames_dropped: number;
  restarts: number;
  detect: { width: number; height: number; fps: number };
  motion: { active: boolean; last_started_at: number | null; last_ended_at: number | null };
  last_event_at: number | null;
  zones: string[];
  labels: string[];
}

export interface ShirikiEvent {
  id: string;
  camera: string;
  label: string;
  sub_label: string | null;
  score: number;
  top_score: number;
  box: [number, number, number, number];
  zones: string[];
  entered_zones: string[];
  start_time: number;
  end_time: number | null;
  stationary: boolean;
  has_snapshot: boolean;
  has_clip: boolean;
  snapshot_box: [number, number, number, number] | null;
  clip: { start: number; end: number; duration: number; partial: boolean } | null;
}

export interface EventPage {
  events: ShirikiEvent[];
  next_cursor: string | null;
}

export interface Span {
  start_time: number;
  end_time: number | null;
}

export interface Recording extends Span {
  duration: number;
  size: number;
  partial: boolean;
}

export interface Stats {
  time: number;
  version: string;
  services: Record<
    string,
    Array<{
      instance: string;
      state: string;
      started_at: number;
      last_seen: number;
      busy_ratio: number | null;
    }>
  >;
  cameras: Record<
    string,
    {
      state: string;
      owner: string | null;
      fps_in: number;
      frames_published: number;
      frames_dropped: number;
      restarts: number;
      motion_active: boolean;
    }
  >;
  detector: { backlog: number | null; in_flight: number | null; redelivered: number | null };
  index: { events: number; backlog: { events: number | null; clips: number | null } };
  storage: { kind: string; bytes: number | null; objects: number | null; measured_at: number | null };
}

/** A non-2xx answer; `status` 401 sends the UI to the login page. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

let onUnauthorized: () => void = () => undefined;
/** What to do when a request comes back 401 (the session ended): show the login page. */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401 && path !== '/api/auth/login') onUnauthorized();
  if (!response.ok) {
    const text = await response.text();
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      // not JSON: keep the text
    }
    throw new HttpError(response.status, message || response.statusText);
  }
  return (response.status === 204 ? undefined : await response.json()) as T;
}

export const api = {
  session: () => request<{ user: User | null }>('GET', '/api/auth/session'),
  login: (username: string, password: string) =>
    request<{ user: User }>('POST', '/api/auth/login', { username, password }),
  logout: () => request<void>('POST', '/api/auth/logout'),
  cameras: () => request<Camera[]>('GET', '/api/cameras'),
  events: (query: URLSearchParams) => request<EventPage>('GET', `/api/events?${query.toString()}`),
  event: (id: string) => request<ShirikiEvent>('GET', `/api/events/${encodeURIComponent(id)}`),
  deleteEvent: (id: string) => request<void>('DELETE', `/api/events/${encodeURIComponent(id)}`),
  recordings: (camera: string, after: number, before: number) =>
    request<Recording[]>('GET', `/api/cameras/${camera}/recordings?after=${after}&before=${before}`),
  motion: (camera: string, after: number, before: number) =>
    request<Span[]>('GET', `/api/cameras/${camera}/motion?after=${after}&before=${before}`),
  stats: () => request<Stats>('GET', '/api/stats'),
};

export const media = {
  clip: (id: string) => `/api/events/${encodeURIComponent(id)}/clip.mp4`,
  snapshot: (id: string) => `/api/events/${encodeURIComponent(id)}/snapshot.jpg`,
  thumbnail: (id: string) => `/api/events/${encodeURIComponent(id)}/thumbnail.jpg`,
  live: (camera: string) => `/api/cameras/${camera}/stream.mp4`,
  latest: (camera: string, height = 360) => `/api/cameras/${camera}/latest.jpg?height=${height}`,
  recording: (camera: string, start: number, end: number) =>
    `/api/cameras/${camera}/clip.mp4?start=${start.toFixed(3)}&end=${end.toFixed(3)}`,
};
