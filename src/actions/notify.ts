import type { Measurement } from '../analysis/checks.js';
import type { NotificationsSpec } from '../project/types.js';

export interface NotifyEvent {
  release: string;
  namespace: string;
  revision?: number;
  strategy: string;
  message: string;
  /** Why the rollout was rolled back (or failed). */
  reason?: string;
  /** Every analysis measurement of the rollout; the webhook gets a per-check summary. */
  measurements?: Measurement[];
}

/** Per-check summary of a rollout's measurements, as sent to webhooks. */
export interface CheckSummary {
  check: string;
  measurements: number;
  passed: number;
  failed: number;
  inconclusive: number;
  /** The last measurement's value and message. */
  lastValue?: number;
  lastResult: Measurement['result'];
  last: string;
}

export interface NotifyOptions {
  /** Attempts per webhook (retried on connection errors, timeouts, HTTP 429 and 5xx). Default 3. */
  attempts?: number;
  /** Time limit of one attempt. Default 3 s. */
  timeoutMs?: number;
  /** Time limit of all attempts of one webhook together (webhooks are called in parallel). Default 10 s. */
  totalMs?: number;
  /** Wait before the first retry; doubled for each later one. Default 500 ms. */
  backoffMs?: number;
}

export function summarize(measurements: Measurement[] = []): CheckSummary[] {
  const by = new Map<string, Measurement[]>();
  for (const m of measurements) by.set(m.check, [...(by.get(m.check) ?? []), m]);
  return [...by].map(([check, ms]) => {
    const last = ms[ms.length - 1]!;
    return {
      check,
      measurements: ms.length,
      passed: ms.filter((m) => m.result === 'pass').length,
      failed: ms.filter((m) => m.result === 'fail').length,
      inconclusive: ms.filter((m) => m.result === 'inconclusive' || m.result === 'error').length,
      ...(last.value !== undefined ? { lastValue: last.value } : {}),
      lastResult: last.result,
      last: last.message,
    };
  });
}

/** The Slack-compatible JSON body (`text` is what Slack shows; the other fields are for other receivers). */
export function notificationBody(event: string, e: NotifyEvent): Record<string, unknown> {
  const checks = summarize(e.measurements);
  const lines = [`rel: ${e.release} (${e.namespace}) ${event}${e.revision ? ` at revision ${e.revision}` : ''} [${e.strategy}]: ${e.message}`];
  for (const c of checks) lines.push(`• ${c.check}: ${c.passed} passed, ${c.failed} failed, ${c.inconclusive} inconclusive; last ${c.last}`);
  const { measurements: _m, ...rest } = e;
  return { text: lines.join('\n'), event, ...rest, ...(e.measurements ? { checks } : {}) };
}

/**
 * Posts a Slack-compatible JSON message ({text, …}) to every webhook that subscribes to the event, all in
 * parallel. A webhook that is down is retried a few times within a fixed time budget, then logged: never fatal,
 * and never longer than `totalMs` (plus one attempt's timeout at most).
 */
export async function notify(spec: NotificationsSpec | undefined, event: string, e: NotifyEvent, log: (l: string) => void, opts: NotifyOptions = {}): Promise<void> {
  const hooks = (spec?.webhooks ?? []).filter((h) => !h.events || h.events.includes(event));
  if (hooks.length === 0) return;
  const body = JSON.stringify(notificationBody(event, e));
  await Promise.all(hooks.map((hook) => post(hook.url, body, log, opts)));
}

/** Connection errors worth another try (refused, reset, timed out, DNS server unreachable, undici socket errors). */
const TRANSIENT = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_.*)$/;

async function post(url: string, body: string, log: (l: string) => void, opts: NotifyOptions): Promise<void> {
  const attempts = Math.max(1, opts.attempts ?? 3);
  const timeoutMs = opts.timeoutMs ?? 3000;
  const deadline = Date.now() + (opts.totalMs ?? 10_000);
  let backoff = opts.backoffMs ?? 500;
  let problem = '';
  for (let i = 1; i <= attempts; i++) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(Math.min(timeoutMs, left)),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return;
      problem = `answered HTTP ${res.status}`;
      if (res.status !== 429 && res.status < 500) break; // the receiver refuses this message: retrying will not help
    } catch (err) {
      const name = (err as Error).name;
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      problem = timedOut ? `did not answer within ${Math.round(Math.min(timeoutMs, left) / 100) / 10}s` : `failed: ${cause?.code ?? cause?.message ?? (err as Error).message}`;
      // An unknown host or a malformed URL will not get better in a second.
      if (!timedOut && !TRANSIENT.test(cause?.code ?? '')) break;
    }
    if (i < attempts && deadline - Date.now() > backoff) {
      await new Promise((r) => setTimeout(r, backoff));
      backoff *= 2;
    } else break;
  }
  log(`  warning: webhook ${redact(url)} ${problem}; the notification was not delivered (the release itself is unaffected)`);
}

/** Webhook URLs carry secrets in their path (Slack, Teams): show only the origin. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}/…`;
  } catch {
    return 'with an invalid URL';
  }
}
