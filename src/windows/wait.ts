/** Waiting for a window, and the checks deploy/rollback/promote and the canary policy call. */
import type { Clock } from '../clock.js';
import { humanDuration } from './duration.js';
import { type Evaluation, type HorizonOptions, type Period, type SpecInput, evaluate } from './engine.js';
import { type CanaryAtClose, toCompiled } from './spec.js';

/** Exit code of a command refused because of a maintenance window or freeze (also `rel window check`). */
export const EXIT_OUTSIDE_WINDOW = 4;

export type Operation = 'deploy' | 'rollback' | 'promote';

/**
 * Whether `op` may run at `at`. Deploys and promotions need an open window; rollbacks too when the policy
 * says `rollback: window`, otherwise (the default, `always`) they are allowed at any time because they
 * restore a known state.
 */
export function checkOperation(spec: SpecInput, op: Operation, at: Date | number, options: HorizonOptions = {}): Evaluation {
  const s = toCompiled(spec);
  const ev = evaluate(s, at, options);
  if (op === 'rollback' && !ev.allowed && s.policy.rollback === 'always') {
    return {
      ...ev,
      allowed: true,
      reason: `rollbacks are allowed outside maintenance windows (policy.rollback: always); otherwise ${ev.reason}`,
    };
  }
  return ev;
}

/** Thrown by waitForWindow when no window opens within the horizon. */
export class NoWindowError extends Error {
  constructor(readonly evaluation: Evaluation) {
    super(`no maintenance window opens within the search horizon: ${evaluation.reason}`);
    this.name = 'NoWindowError';
  }
}

export interface WaitTick {
  now: Date;
  /** When the wait is expected to end. */
  opensAt: Date;
  remainingMs: number;
  /** e.g. "1h 59m 58s" */
  remaining: string;
  evaluation: Evaluation;
}

export interface WaitOptions extends HorizonOptions {
  signal?: AbortSignal;
  /** Interval between countdown callbacks (default 1s when onTick is given). */
  tickMs?: number;
  /** Longest single sleep, so a long wait re-checks the clock regularly (default 5 minutes). */
  maxSleepMs?: number;
  /** Which operation is waiting (rollbacks may not need to; see checkOperation). Default deploy. */
  op?: Operation;
}

/**
 * Waits until `op` is allowed under `spec` on `clock`, calling onTick with a countdown, and resolves with
 * the evaluation at the moment it became allowed (immediately when it already is). The clock's own time
 * decides, so under a FakeClock the wait ends exactly when the window opens.
 */
export async function waitForWindow(
  spec: SpecInput,
  clock: Clock,
  onTick?: (tick: WaitTick) => void,
  options: WaitOptions = {},
): Promise<Evaluation> {
  const s = toCompiled(spec);
  const op = options.op ?? 'deploy';
  const tickMs = Math.max(1, options.tickMs ?? 1000);
  const maxSleep = Math.max(1, options.maxSleepMs ?? 300_000);
  let target: Period | undefined;
  let lastEval: Evaluation | undefined;
  let lastTick: number | undefined;
  for (;;) {
    if (options.signal?.aborted) {
      throw options.signal.reason instanceof Error ? options.signal.reason : new Error('the wait was cancelled');
    }
    const now = clock.now();
    const t = now.getTime();
    // Evaluate the spec only at the start and when the expected opening is reached; in between just count down.
    if (!target || !lastEval || t >= target.start.getTime()) {
      lastEval = checkOperation(s, op, now, options);
      if (lastEval.allowed) return lastEval;
      target = lastEval.nextOpening;
      if (!target) throw new NoWindowError(lastEval);
    }
    const opensAt = target.start.getTime();
    const remaining = opensAt - t;
    let step = Math.min(remaining, maxSleep);
    if (onTick) {
      if (lastTick === undefined || t - lastTick >= tickMs) {
        lastTick = t;
        onTick({ now, opensAt: target.start, remainingMs: remaining, remaining: humanDuration(remaining), evaluation: lastEval });
      }
      step = Math.min(step, lastTick + tickMs - t);
    }
    await clock.sleep(Math.max(1, step), options.signal);
  }
}

export interface CanaryPlan {
  /** Whether the rollout may start now at all. */
  allowed: boolean;
  /** End of the allowed period containing `at` (undefined when open-ended or not allowed). */
  windowEnd?: Date;
  /** windowEnd minus policy.closeMargin: when a canary must be done (or acted on). */
  deadline?: Date;
  /** True when a rollout of `expectedMs` finishes before the deadline. */
  fits: boolean;
  /** What to do at the deadline if the canary is still running: 'proceed' when it fits. */
  action: 'proceed' | CanaryAtClose;
  evaluation: Evaluation;
}

/**
 * For the canary controller: given a rollout starting at `at` expected to take `expectedMs`, when must it be
 * done and what does the policy say to do if it is still running then. With canaryAtClose "rollback" the
 * controller should start its rollback at `deadline` (closeMargin before the window ends) so it completes
 * inside the window.
 */
export function planCanary(spec: SpecInput, at: Date | number, expectedMs: number, options: HorizonOptions = {}): CanaryPlan {
  const s = toCompiled(spec);
  const ev = evaluate(s, at, options);
  if (!ev.allowed) return { allowed: false, fits: false, action: s.policy.canaryAtClose, evaluation: ev };
  const cw = ev.currentWindow;
  if (!cw || cw.openEnded) return { allowed: true, fits: true, action: 'proceed', evaluation: ev };
  const deadline = new Date(cw.end.getTime() - s.policy.closeMarginMs);
  const start = ev.at.getTime();
  const fits = start + expectedMs <= deadline.getTime();
  return { allowed: true, windowEnd: cw.end, deadline, fits, action: fits ? 'proceed' : s.policy.canaryAtClose, evaluation: ev };
}

/** The moment a running canary must be wrapped up (closeMargin before its window closes), if any. */
export function canaryDeadline(spec: SpecInput, at: Date | number, options: HorizonOptions = {}): Date | undefined {
  return planCanary(spec, at, 0, options).deadline;
}
