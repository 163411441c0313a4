/**
 * The one source of time for rel. Everything that reads "now" or waits goes through getClock(), so tests
 * (and the REL_NOW environment variable) can control time.
 *
 * - systemClock: the real clock.
 * - FakeClock: time moves only when a test calls set()/advance(); sleepers whose deadline is reached wake
 *   in deadline order, each seeing now() equal to its own deadline ("starts exactly on time").
 *   With { autoAdvance: true } a sleep() jumps the clock forward to its deadline at once (virtual time).
 * - ShiftedClock: real-speed time that starts at a chosen instant; sleeps are real.
 * - Environment, used when no clock was set with setClock():
 *     REL_NOW=<ISO time>              time starts at REL_NOW and runs at real speed (ShiftedClock), so
 *                                     timeouts and polling behave normally; a CLI test can set REL_NOW a
 *                                     second before a window opens and see --wait-for-window start on time.
 *     REL_NOW=<ISO> REL_CLOCK=virtual time only moves when rel waits, and waiting is instant (FakeClock with
 *                                     autoAdvance): for tests of window logic that never talk to a cluster
 *                                     (a polling loop would burn through its timeout at once).
 */

export interface Clock {
  now(): Date;
  /** Resolves after `ms` milliseconds of this clock's time; rejects with an AbortError when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const err = new Error('the wait was cancelled');
  err.name = 'AbortError';
  return err;
}

/** Longest single setTimeout Node accepts (about 24.8 days); longer sleeps are chained. */
const MAX_TIMEOUT = 2_147_483_647;

export const systemClock: Clock = {
  now: () => new Date(),
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      const deadline = Date.now() + Math.max(0, ms);
      let timer: NodeJS.Timeout | undefined;
      const onAbort = (): void => {
        if (timer) clearTimeout(timer);
        reject(abortError(signal!));
      };
      const arm = (): void => {
        const left = deadline - Date.now();
        if (left <= 0) {
          signal?.removeEventListener('abort', onAbort);
          resolve();
          return;
        }
        timer = setTimeout(arm, Math.min(left, MAX_TIMEOUT));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      arm();
    });
  },
};

interface Sleeper {
  deadline: number;
  seq: number;
  resolve: () => void;
  reject: (e: Error) => void;
  cleanup: () => void;
}

/** Lets every pending promise continuation run (one macrotask turn drains the microtask queue). */
function flush(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

function toMs(t: Date | string | number): number {
  const ms = t instanceof Date ? t.getTime() : typeof t === 'number' ? t : Date.parse(t);
  if (!Number.isFinite(ms)) throw new Error(`invalid time ${JSON.stringify(String(t))}: use an ISO 8601 time such as 2026-01-06T02:00:00Z`);
  return ms;
}

export class FakeClock implements Clock {
  private current: number;
  private sleepers: Sleeper[] = [];
  private seq = 0;
  readonly autoAdvance: boolean;

  constructor(start: Date | string | number = 0, options: { autoAdvance?: boolean } = {}) {
    this.current = toMs(start);
    this.autoAdvance = options.autoAdvance ?? false;
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Number of sleep() calls still waiting. */
  get pending(): number {
    return this.sleepers.length;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const deadline = this.current + Math.max(0, ms);
    if (this.autoAdvance) {
      // Virtual time: nothing else can move the clock, so the sleeper moves it.
      if (deadline > this.current) this.current = deadline;
      return Promise.resolve();
    }
    if (deadline <= this.current) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const s: Sleeper = {
        deadline,
        seq: this.seq++,
        resolve,
        reject,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      const onAbort = (): void => {
        this.sleepers = this.sleepers.filter((x) => x !== s);
        reject(abortError(signal!));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(s);
    });
  }

  /**
   * Moves the clock forward by `ms`, waking sleepers in deadline order; each wakes with now() equal to its
   * deadline and its continuation runs (including any new sleep it starts) before time moves on.
   */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new Error(`FakeClock.advance: ms must be >= 0, got ${ms}`);
    await this.runUntil(this.current + ms);
  }

  /** Sets the clock to `t` (never backwards while sleepers wait), waking due sleepers in order. */
  async set(t: Date | string | number): Promise<void> {
    const target = toMs(t);
    if (target < this.current && this.sleepers.length > 0) {
      throw new Error('FakeClock.set: cannot move time backwards while sleepers are waiting');
    }
    if (target < this.current) {
      this.current = target;
      return;
    }
    await this.runUntil(target);
  }

  /** Advances to the next sleeper's deadline (if any) and wakes it. Returns false when nobody sleeps. */
  async next(): Promise<boolean> {
    await flush();
    const s = this.earliest();
    if (!s) return false;
    await this.runUntil(s.deadline);
    return true;
  }

  private earliest(): Sleeper | undefined {
    let best: Sleeper | undefined;
    for (const s of this.sleepers) {
      if (!best || s.deadline < best.deadline || (s.deadline === best.deadline && s.seq < best.seq)) best = s;
    }
    return best;
  }

  private async runUntil(target: number): Promise<void> {
    await flush();
    for (;;) {
      const s = this.earliest();
      if (!s || s.deadline > target) break;
      this.sleepers = this.sleepers.filter((x) => x !== s);
      if (s.deadline > this.current) this.current = s.deadline;
      s.cleanup();
      s.resolve();
      await flush();
    }
    if (target > this.current) this.current = target;
    await flush();
  }
}

/** Real-speed time that starts at `start` (when created); sleeps are real. */
export class ShiftedClock implements Clock {
  private readonly offset: number;
  constructor(start: Date | string | number) {
    this.offset = toMs(start) - Date.now();
  }
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return systemClock.sleep(ms, signal);
  }
}

let explicit: Clock | undefined;
let envClock: { key: string; clock: Clock } | undefined;

/** Parses REL_NOW; throws an error that says what to write instead. */
export function parseRelNow(value: string): number {
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value.trim()) || !Number.isFinite(ms)) {
    throw new Error(
      `REL_NOW=${JSON.stringify(value)} is not an ISO 8601 date-time; use for example REL_NOW=2026-01-06T02:00:00Z`,
    );
  }
  return ms;
}

/**
 * The process-wide clock: the one set with setClock(), else one built from REL_NOW/REL_CLOCK (see the top of
 * this file), else the system clock.
 */
export function getClock(): Clock {
  if (explicit) return explicit;
  const relNow = process.env.REL_NOW;
  if (relNow !== undefined && relNow.trim() !== '') {
    const mode = (process.env.REL_CLOCK ?? '').trim() || 'real';
    const key = `${mode}|${relNow}`;
    if (!envClock || envClock.key !== key) {
      if (mode !== 'real' && mode !== 'virtual') {
        throw new Error(`REL_CLOCK=${JSON.stringify(mode)} is not a clock mode; use REL_CLOCK=real (default) or REL_CLOCK=virtual`);
      }
      const start = parseRelNow(relNow);
      envClock = { key, clock: mode === 'virtual' ? new FakeClock(start, { autoAdvance: true }) : new ShiftedClock(start) };
    }
    return envClock.clock;
  }
  return systemClock;
}

/** Replaces the process-wide clock; setClock(undefined) goes back to REL_NOW / the system clock. */
export function setClock(clock: Clock | undefined): void {
  explicit = clock;
  envClock = undefined;
}

/** Shorthand for getClock().now(). */
export function now(): Date {
  return getClock().now();
}
