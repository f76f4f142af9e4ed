/** The sum of every sample of metric `name` (over all labels) in a Prometheus text exposition. */
export function sumMetric(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** The text of `<metricsUrl>/metrics`. */
export async function scrapeMetrics(metricsUrl: string): Promise<string> {
  return (await fetch(`${metricsUrl}/metrics`)).text();
}

/** Scrapes `<metricsUrl>/metrics` and sums every sample of `name` (over all labels). */
export async function scrapeCounter(metricsUrl: string, name: string): Promise<number> {
  return sumMetric(await scrapeMetrics(metricsUrl), name);
}
