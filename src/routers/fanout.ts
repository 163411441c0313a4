import type { MetricSelectors, TrafficRouter } from './router.js';

/** Escapes a literal for a regular expression that RE2, PCRE, POSIX ERE and JavaScript read alike. */
export const reLiteral = (s: string) => s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');

/** A PromQL double-quoted string literal. */
const promString = (s: string) => `"${s.replace(/[\\"]/g, '\\$&')}"`;

/**
 * A PromQL label matcher for one of several literal values: `label="a"` for one, `label=~"a|b"` (each value escaped,
 * so `a.b` does not match `axb`; Prometheus anchors regex matchers at both ends) for more.
 */
export function labelMatcher(label: string, values: readonly string[]): string {
  const unique = [...new Set(values)];
  if (unique.length === 1) return `${label}=${promString(unique[0]!)}`;
  return `${label}=~${promString(unique.map(reLiteral).join('|'))}`;
}

/**
 * Runs one operation on every part, all of them even when some fail (so a reset puts back every route it can),
 * then throws one error naming each part that failed.
 */
export async function settleAll<R extends TrafficRouter>(parts: readonly R[], op: (p: R) => Promise<void>): Promise<void> {
  const results = await Promise.allSettled(parts.map(op));
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ part: parts[i]!, error: r.reason as Error }] : []));
  if (failed.length === 0) return;
  if (failed.length === 1 && parts.length === 1) throw failed[0]!.error;
  const err = new Error(failed.map((f) => `${f.part.describe()}: ${f.error?.message ?? String(f.error)}`).join('; '), { cause: failed[0]!.error });
  throw err;
}

/**
 * A router made of one router per object that routes to the stable Service (every Ingress, every HTTPRoute):
 * each weight change, reset and measurement covers all of them, so a chart that renders an internal and an
 * external route (or one per hostname or Gateway) sends the canary its share on each.
 */
export abstract class FanOutRouter<R extends TrafficRouter> implements TrafficRouter {
  abstract readonly name: string;

  constructor(readonly parts: readonly R[]) {}

  async applies(): Promise<boolean> {
    return this.parts.length > 0;
  }

  async setWeight(weight: number): Promise<void> {
    await settleAll(this.parts, (p) => p.setWeight(weight));
  }

  /** Each part's canary weight as the cluster says, by the part's description. */
  async weights(): Promise<Map<string, number>> {
    const ws = await Promise.all(this.parts.map((p) => p.currentWeight()));
    return new Map(this.parts.map((p, i) => [p.describe(), ws[i]!]));
  }

  /**
   * The highest canary weight of the parts: equal on all of them once a setWeight went through; after an
   * interrupted one (the process died between two routes) the most any route sends to the canary.
   */
  async currentWeight(): Promise<number> {
    const ws = [...(await this.weights()).values()];
    return ws.length === 0 ? 0 : Math.max(...ws);
  }

  async reset(): Promise<void> {
    await settleAll(this.parts, (p) => p.reset());
  }

  describe(): string {
    return this.parts.map((p) => p.describe()).join(', ');
  }

  abstract selectors(): MetricSelectors;
}
