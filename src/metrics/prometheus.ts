import { MetricError, type MetricProvider } from './provider.js';

export interface PrometheusOptions {
  url: string;
  bearerToken?: string;
  timeoutMs?: number;
  insecureSkipVerify?: boolean;
  caFile?: string;
  fetchImpl?: typeof fetch;
}

/** Prometheus HTTP API (instant queries). The result must be a scalar or a one-element vector. */
export class PrometheusProvider implements MetricProvider {
  readonly name = 'prometheus';
  private readonly base: string;

  constructor(private readonly opts: PrometheusOptions) {
    let u: URL;
    try {
      u = new URL(opts.url);
    } catch {
      throw new MetricError(`invalid Prometheus URL "${opts.url}"`);
    }
    this.base = u.toString().replace(/\/$/, '');
    // Node's fetch has no per-request TLS options: skipping verification is process-wide, and a
    // private CA is given to Node with NODE_EXTRA_CA_CERTS (README, "Analysis").
    if (opts.insecureSkipVerify) process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    if (opts.caFile && process.env.NODE_EXTRA_CA_CERTS !== opts.caFile) {
      throw new MetricError(`Prometheus caFile ${opts.caFile}: start rel with NODE_EXTRA_CA_CERTS=${opts.caFile} so Node trusts that CA`);
    }
  }

  async query(query: string, at?: Date): Promise<number | undefined> {
    const params = new URLSearchParams({ query });
    if (at) params.set('time', String(at.getTime() / 1000));
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (this.opts.bearerToken) headers.authorization = `Bearer ${this.opts.bearerToken}`;
    const doFetch = this.opts.fetchImpl ?? fetch;
    let res: Response;
    try {
      res = await doFetch(`${this.base}/api/v1/query`, {
        method: 'POST',
        headers,
        body: params.toString(),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5000),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
      throw new MetricError(`cannot reach Prometheus at ${this.base}: ${cause === 'TimeoutError' ? 'timed out' : cause}`);
    }
    const text = await res.text();
    let body: { status?: string; error?: string; data?: { resultType: string; result: unknown } };
    try {
      body = JSON.parse(text);
    } catch {
      throw new MetricError(`Prometheus at ${this.base} answered HTTP ${res.status} with a non-JSON body`);
    }
    if (body.status !== 'success') throw new MetricError(`Prometheus query failed (HTTP ${res.status}): ${body.error ?? text.slice(0, 200)}\n  query: ${query}`);
    const data = body.data!;
    let raw: string | undefined;
    if (data.resultType === 'scalar') raw = (data.result as [number, string])[1];
    else if (data.resultType === 'vector') {
      const v = data.result as { value: [number, string] }[];
      if (v.length === 0) return undefined;
      if (v.length > 1) throw new MetricError(`query returned ${v.length} series; aggregate it to one (e.g. with sum)\n  query: ${query}`);
      raw = v[0]!.value[1];
    } else throw new MetricError(`query returned a ${data.resultType}; analysis needs a scalar or a one-series vector\n  query: ${query}`);
    const n = Number(raw);
    return Number.isFinite(n) ? n : undefined;
  }
}
