/** Prometheus text-format counters and a latency histogram for the proxy. */

const BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000];

export class ProxyMetrics {
  readonly #counters = new Map<string, number>();
  readonly #requests = new Map<string, number>();
  readonly #buckets = new Array<number>(BUCKETS_MS.length).fill(0);
  #count = 0;
  #sumMs = 0;

  /** Adds to a counter. */
  count(name: string, by = 1): void {
    this.#counters.set(name, (this.#counters.get(name) ?? 0) + by);
  }

  /** Records one answered request. */
  observe(method: string, status: number, ms: number): void {
    const key = `method="${method}",status="${status}"`;
    this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1);
    this.#count += 1;
    this.#sumMs += ms;
    BUCKETS_MS.forEach((le, i) => {
      if (ms <= le) this.#buckets[i] = (this.#buckets[i] ?? 0) + 1;
    });
  }

  /** The text exposition, with the given gauges. */
  render(gauges: Record<string, number>): string {
    const lines: string[] = [];
    lines.push('# TYPE medvault_proxy_requests_total counter');
    for (const [labels, n] of this.#requests)
      lines.push(`medvault_proxy_requests_total{${labels}} ${n}`);
    for (const [name, n] of this.#counters) lines.push(`# TYPE ${name} counter`, `${name} ${n}`);
    for (const [name, n] of Object.entries(gauges))
      lines.push(`# TYPE ${name} gauge`, `${name} ${n}`);
    lines.push('# TYPE medvault_proxy_request_duration_seconds histogram');
    for (const [i, le] of BUCKETS_MS.entries()) {
      lines.push(
        `medvault_proxy_request_duration_seconds_bucket{le="${le / 1000}"} ${this.#buckets[i]}`,
      );
    }
    lines.push(`medvault_proxy_request_duration_seconds_bucket{le="+Inf"} ${this.#count}`);
    lines.push(`medvault_proxy_request_duration_seconds_sum ${this.#sumMs / 1000}`);
    lines.push(`medvault_proxy_request_duration_seconds_count ${this.#count}`);
    return `${lines.join('\n')}\n`;
  }
}
