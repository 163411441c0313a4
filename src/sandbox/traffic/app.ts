/**
 * How a simulated application pod answers a request. Controlled by pod annotations (copied from the
 * Deployment's pod template): `sandbox.rel.dev/error-rate` (0–1, share of HTTP 500 answers) and
 * `sandbox.rel.dev/latency-ms` (mean latency; default 20 ms), with log-normal jitter.
 */
import type { KubeObject } from './cluster-view.js';
import { lognormalWithMean, type Rng } from './rng.js';

export const ERROR_RATE_ANNOTATION = 'sandbox.rel.dev/error-rate';
export const LATENCY_ANNOTATION = 'sandbox.rel.dev/latency-ms';
export const DEFAULT_LATENCY_MS = 20;
/** Shape of the log-normal latency: p50 ≈ 0.92×mean, p99 ≈ 2.3×mean. */
export const LATENCY_SIGMA = 0.4;

export interface PodBehaviour {
  errorRate: number;
  latencyMs: number;
}

function parseNumber(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const s = v.trim().replace(/ms$/i, '').trim();
  if (s === '' || !/^[+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/** Reads the behaviour annotations of a pod; malformed values fall back to the defaults. */
export function podBehaviour(pod: KubeObject): PodBehaviour {
  const ann = pod.metadata?.annotations ?? {};
  const er = parseNumber(ann[ERROR_RATE_ANNOTATION]);
  const lat = parseNumber(ann[LATENCY_ANNOTATION]);
  return {
    errorRate: er === undefined ? 0 : Math.min(1, Math.max(0, er)),
    latencyMs: lat === undefined ? DEFAULT_LATENCY_MS : Math.max(0, lat),
  };
}

export interface PodAnswer {
  status: number;
  /** Upstream response time in seconds. */
  seconds: number;
}

/** One answer of a pod with the given behaviour. */
export function podAnswer(b: PodBehaviour, rng: Rng): PodAnswer {
  const status = rng.next() < b.errorRate ? 500 : 200;
  const seconds = lognormalWithMean(rng, b.latencyMs, LATENCY_SIGMA) / 1000;
  return { status, seconds };
}
