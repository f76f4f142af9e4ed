const REQUEST_TIMEOUT_MS = 2000;

/** True when `url` answers 2xx within two seconds; throws (for `waitFor`'s last failure) otherwise. */
export async function httpOk(url: string, headers?: Record<string, string>): Promise<boolean> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const body = await response.text();
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${body.slice(0, 200)}`);
  return true;
}

/** The JSON body of a 2xx answer from `url`, unchecked: callers read it as monitoring data. */
export async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return response.json();
}
