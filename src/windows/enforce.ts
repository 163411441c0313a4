/**
 * What `rel deploy`, `rel rollback` and `rel promote` call before touching the cluster, and what the
 * canary controller uses to act before a window closes.
 *
 *   const r = await enforceWindow(spec, { op: 'deploy', env: 'prod', force, reason, wait, onTick });
 *   // allowed (maybe after waiting) or forced: go on; record r.forceReason in the release history when r.forced
 *   // refused: throws WindowRefusedError (exitCode 4) whose message names the blocker and the next opening
 */
import { type Clock, getClock } from '../clock.js';
import { explainBlocked } from './cli.js';
import type { Evaluation, HorizonOptions, SpecInput } from './engine.js';
import { type CanaryAtClose, toCompiled } from './spec.js';
import { EXIT_OUTSIDE_WINDOW, type Operation, type WaitTick, checkOperation, planCanary, waitForWindow } from './wait.js';

/** The operation is outside its maintenance window (exit code 4). */
export class WindowRefusedError extends Error {
  readonly exitCode = EXIT_OUTSIDE_WINDOW;
  constructor(
    message: string,
    readonly evaluation: Evaluation,
  ) {
    super(message);
    this.name = 'WindowRefusedError';
  }
}

/** Conflicting or incomplete window flags (exit code 2, a usage error). */
export class WindowUsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'WindowUsageError';
  }
}

export interface EnforceOptions extends HorizonOptions {
  op: Operation;
  /** Environment name, for messages. */
  env?: string;
  clock?: Clock;
  /** --force: run even outside the window; needs `reason`. */
  force?: boolean;
  /** --reason: why the window was overridden (to be recorded in the release history). */
  reason?: string;
  /** --wait-for-window: wait (with countdown) instead of refusing. */
  wait?: boolean;
  onTick?: (tick: WaitTick) => void;
  tickMs?: number;
  signal?: AbortSignal;
  /** Zone for times in messages (default UTC). */
  displayTimeZone?: string;
}

export interface EnforceResult {
  evaluation: Evaluation;
  /** True when the window was overridden with --force. */
  forced: boolean;
  /** The --reason to record in the release history when forced. */
  forceReason?: string;
  /** How long we waited for the window (0 when none). */
  waitedMs: number;
}

/**
 * Checks the window for `op` now (on the process clock unless one is given). Allowed: resolves at once.
 * Blocked: with force+reason resolves as forced; with wait, waits until the window opens; otherwise throws
 * WindowRefusedError naming what blocks and when the next window opens.
 */
export async function enforceWindow(spec: SpecInput, options: EnforceOptions): Promise<EnforceResult> {
  const s = toCompiled(spec);
  const clock = options.clock ?? getClock();
  if (options.force && options.wait) {
    throw new WindowUsageError('--force and --wait-for-window cannot be used together: either override the window now or wait for it');
  }
  if (options.force && !options.reason?.trim()) {
    throw new WindowUsageError('--force needs --reason "why": the reason is recorded in the release history');
  }
  if (options.reason !== undefined && !options.force) {
    throw new WindowUsageError('--reason only goes with --force');
  }
  const started = clock.now();
  const ev = checkOperation(s, options.op, started, options);
  if (ev.allowed) return { evaluation: ev, forced: false, waitedMs: 0 };
  if (options.force) return { evaluation: ev, forced: true, forceReason: options.reason!.trim(), waitedMs: 0 };
  if (options.wait) {
    const opened = await waitForWindow(s, clock, options.onTick, {
      op: options.op,
      tickMs: options.tickMs,
      signal: options.signal,
      horizonMs: options.horizonMs,
    });
    return { evaluation: opened, forced: false, waitedMs: clock.now().getTime() - started.getTime() };
  }
  const tz = options.displayTimeZone ?? 'UTC';
  const target = `${options.op}${options.env ? ` to ${options.env}` : ''}`;
  const lines = [`refusing to ${target}: outside its maintenance window`, ...explainBlocked(ev, tz).map((l) => `  ${l}`)];
  lines.push('  use --wait-for-window to wait for it, or --force --reason "..." to override (the reason is recorded in the release history)');
  throw new WindowRefusedError(lines.join('\n'), ev);
}

export interface CloseDeadline {
  /** When the running canary must be acted on (window end minus policy.closeMargin). */
  deadline: Date;
  windowEnd: Date;
  action: CanaryAtClose;
}

/**
 * For a canary running at `at`: resolves at the close deadline of its window with the policy action to take
 * (rollback, pause or finish). Resolves to undefined at once when the window has no end in sight (nothing to
 * race). Abort the signal when the canary finishes first.
 */
export async function waitForCloseDeadline(
  spec: SpecInput,
  clock: Clock = getClock(),
  signal?: AbortSignal,
  options: HorizonOptions = {},
): Promise<CloseDeadline | undefined> {
  const s = toCompiled(spec);
  const plan = planCanary(s, clock.now(), 0, options);
  if (!plan.deadline || !plan.windowEnd) return undefined;
  const out: CloseDeadline = { deadline: plan.deadline, windowEnd: plan.windowEnd, action: s.policy.canaryAtClose };
  for (;;) {
    const left = plan.deadline.getTime() - clock.now().getTime();
    if (left <= 0) return out;
    await clock.sleep(Math.min(left, 300_000), signal);
  }
}
