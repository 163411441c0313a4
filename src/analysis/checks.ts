import { MetricError, type MetricProvider } from '../metrics/provider.js';
import type { MetricSelectors } from '../routers/router.js';

export type Op = '<' | '<=' | '>' | '>=';

/** One analysis check: a PromQL query (after variable substitution) compared with a threshold. */
export interface Check {
  name: string;
  /** PromQL with {{variables}} (see `renderQuery`). */
  query: string;
  /** The check passes when `value op threshold`. */
  op: Op;
  threshold: number;
  intervalMs: number;
  /** Consecutive failed measurements that fail the rollout. */
  failureLimit: number;
  /** Consecutive inconclusive (no data, or provider errors) measurements that fail the rollout. */
  inconclusiveLimit: number;
  noData: 'pass' | 'fail' | 'inconclusive';
  /**
   * PromQL (with {{variables}}) giving the number of requests the check's window holds. When it is below
   * minRequests the measurement is inconclusive: too few requests to tell a pass from a failure.
   */
  countQuery?: string;
  /** Fewest requests in the window for a conclusive measurement (0 or unset: no minimum). */
  minRequests?: number;
}

export interface Measurement {
  check: string;
  at: string;
  value?: number;
  result: 'pass' | 'fail' | 'inconclusive' | 'error';
  message: string;
  /** Requests in the window, when the check has a minimum. */
  requests?: number;
}

/** Variables available in check queries. */
export interface QueryVars {
  release: string;
  namespace: string;
  canary: string;
  stable: string;
  /** Rate window, PromQL duration (follows the analysis interval). */
  interval: string;
  selectors: MetricSelectors;
}

/** Replaces {{name}} (and {{selectors.canary}} etc.) in a query; unknown names are an error. */
export function renderQuery(template: string, vars: QueryVars): string {
  return template.replace(/\{\{\s*([a-zA-Z.]+)\s*\}\}/g, (_m, name: string) => {
    const v = name.startsWith('selectors.')
      ? (vars.selectors as unknown as Record<string, string>)[name.slice('selectors.'.length)]
      : (vars as unknown as Record<string, unknown>)[name];
    if (typeof v !== 'string') throw new MetricError(`unknown variable {{${name}}} in check query`);
    return v;
  });
}

export function promDuration(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  return `${s}s`;
}

/** Requests the canary answered in the check's window (the count the minimum applies to). */
export const CANARY_REQUESTS_QUERY = 'sum(increase({{selectors.requests}}{ {{selectors.canary}} }[{{interval}}]))';

/**
 * Built-in checks for a router's metrics: the canary's 5xx share must stay at or below
 * maxErrorRate, and its p99 latency at or below maxLatencyRatio × the stable version's.
 */
export function builtinChecks(opts: { maxErrorRate: number; maxLatencyRatio: number; intervalMs: number; failureLimit: number; minRequests?: number }): Check[] {
  const common = {
    intervalMs: opts.intervalMs,
    failureLimit: opts.failureLimit,
    inconclusiveLimit: Math.max(opts.failureLimit, 3),
    ...(opts.minRequests ? { minRequests: opts.minRequests, countQuery: CANARY_REQUESTS_QUERY } : {}),
  };
  return [
    {
      name: 'error-rate',
      query:
        '(sum(rate({{selectors.requests}}{ {{selectors.canary}},status=~"5.." }[{{interval}}])) or vector(0)) / sum(rate({{selectors.requests}}{ {{selectors.canary}} }[{{interval}}]))',
      op: '<=',
      threshold: opts.maxErrorRate,
      noData: 'inconclusive',
      ...common,
    },
    {
      name: 'latency',
      query:
        'histogram_quantile(0.99, sum by (le) (rate({{selectors.duration}}_bucket{ {{selectors.canary}} }[{{interval}}]))) / histogram_quantile(0.99, sum by (le) (rate({{selectors.duration}}_bucket{ {{selectors.stable}} }[{{interval}}])))',
      op: '<=',
      threshold: opts.maxLatencyRatio,
      noData: 'inconclusive',
      ...common,
    },
  ];
}

function compare(v: number, op: Op, t: number): boolean {
  switch (op) {
    case '<':
      return v < t;
    case '<=':
      return v <= t;
    case '>':
      return v > t;
    case '>=':
      return v >= t;
  }
}

/** Keeps consecutive counts per check and decides when the rollout must stop. */
export class Analysis {
  private failures = new Map<string, number>();
  private inconclusive = new Map<string, number>();
  readonly measurements: Measurement[] = [];

  constructor(
    private readonly provider: MetricProvider,
    readonly checks: Check[],
    private readonly vars: QueryVars,
    /** How often measure() is called; checks with a longer interval of their own are measured less often. */
    private readonly baseIntervalMs = Number.POSITIVE_INFINITY,
  ) {}

  /** Runs every check once. Returns the measurements and, when a limit is reached, the reason to roll back. */
  private lastRun = new Map<string, number>();

  async measure(at: Date): Promise<{ measurements: Measurement[]; failure?: string }> {
    const out: Measurement[] = [];
    let failure: string | undefined;
    for (const c of this.checks) {
      // A check with its own (longer) interval runs only when that much time has passed since its last run.
      const last = this.lastRun.get(c.name);
      if (c.intervalMs > this.baseIntervalMs && last !== undefined && at.getTime() - last < c.intervalMs - 250) continue;
      this.lastRun.set(c.name, at.getTime());
      const m = await this.measureOne(c, at);
      out.push(m);
      this.measurements.push(m);
      const isFail = m.result === 'fail';
      const isIncon = m.result === 'inconclusive' || m.result === 'error';
      // A pass ends a run of failures; an inconclusive measurement (no data, too few requests, provider
      // error) neither counts as a failure nor clears one: it tells nothing about the version.
      if (isFail) this.failures.set(c.name, (this.failures.get(c.name) ?? 0) + 1);
      else if (!isIncon) this.failures.set(c.name, 0);
      this.inconclusive.set(c.name, isIncon ? (this.inconclusive.get(c.name) ?? 0) + 1 : 0);
      if (!failure && c.failureLimit > 0 && this.failures.get(c.name)! >= c.failureLimit) {
        failure = `check ${c.name} failed ${this.failures.get(c.name)} times in a row (${m.message})`;
      }
      if (!failure && c.inconclusiveLimit > 0 && this.inconclusive.get(c.name)! >= c.inconclusiveLimit) {
        failure = `check ${c.name} was inconclusive ${this.inconclusive.get(c.name)} times in a row (${m.message})`;
      }
    }
    return { measurements: out, failure };
  }

  private async measureOne(c: Check, at: Date): Promise<Measurement> {
    const base = { check: c.name, at: at.toISOString() };
    let query: string;
    try {
      query = renderQuery(c.query, this.vars);
    } catch (e) {
      return { ...base, result: 'error', message: (e as Error).message };
    }
    if (c.minRequests && c.minRequests > 0 && c.countQuery) {
      let n: number | undefined;
      try {
        n = await this.provider.query(renderQuery(c.countQuery, this.vars));
      } catch (e) {
        return { ...base, result: 'error', message: (e as Error).message.split('\n')[0]! };
      }
      if ((n ?? 0) < c.minRequests) {
        return { ...base, result: 'inconclusive', message: `${Math.round(n ?? 0)} requests in the ${this.vars.interval} window, fewer than the minimum ${c.minRequests}`, requests: n ?? 0 };
      }
      const m = await this.evaluate(c, query, base);
      return { ...m, requests: n };
    }
    return this.evaluate(c, query, base);
  }

  private async evaluate(c: Check, query: string, base: { check: string; at: string }): Promise<Measurement> {
    let v: number | undefined;
    try {
      v = await this.provider.query(query);
    } catch (e) {
      return { ...base, result: 'error', message: (e as Error).message.split('\n')[0]! };
    }
    if (v === undefined) {
      const result = c.noData === 'pass' ? 'pass' : c.noData === 'fail' ? 'fail' : 'inconclusive';
      return { ...base, result, message: 'no data' };
    }
    const ok = compare(v, c.op, c.threshold);
    return { ...base, value: v, result: ok ? 'pass' : 'fail', message: `${round(v)} ${ok ? '' : 'not '}${c.op} ${c.threshold}` };
  }
}

function round(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3);
}
