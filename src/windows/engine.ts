/**
 * Window arithmetic. All intervals are half-open [start, end) in epoch milliseconds.
 *
 * Rules:
 * - An allow or deny window starts at every time its cron schedule matches, read as wall-clock time in its
 *   zone, and lasts `duration` of real elapsed time (so a 2h window that spans a DST change still lasts 2h).
 *   Starts in the skipped spring-forward hour happen when the clocks jump (02:30 -> 03:00); starts in the
 *   repeated autumn hour happen once, at the first occurrence (see zone.ts).
 * - `every: Nw` / `Nd` with `anchor: YYYY-MM-DD` keeps a start only when its local date lies in block k of
 *   consecutive N-week/N-day... blocks of 7 (w) or 1 (d) days counted from the anchor, with k divisible by N.
 * - Allowed = (union of allow windows, or all time when there is none) minus (deny windows and freezes).
 *   Deny and freezes always win.
 */
import { humanDuration } from './duration.js';
import {
  type CompiledFreeze,
  type CompiledSpec,
  type CompiledWindow,
  type WindowSpec,
  toCompiled,
  windowLabel,
} from './spec.js';
import { fromWall, toWall, wallDay } from './zone.js';

const DAY = 86_400_000;
/** Default distance nextOpening() and friends look ahead (and behind) before giving up. */
export const DEFAULT_HORIZON_MS = 400 * DAY;
const CHUNK = 7 * DAY;
const MAX_OCCURRENCES = 500_000;

export type SpecInput = WindowSpec | CompiledSpec;

export interface Occurrence {
  kind: 'allow' | 'deny' | 'freeze';
  name?: string;
  /** Label for people: the name, or e.g. "allow[0]". */
  label: string;
  start: Date;
  end: Date;
  timeZone: string;
  /** For freezes. */
  reason?: string;
  /** Index in its list (allow/deny/freezes). */
  index: number;
}

export interface Period {
  start: Date;
  end: Date;
  name?: string;
  /** True when no end was found within the search horizon (end is then the horizon). */
  openEnded?: boolean;
}

export interface Blocker {
  kind: 'deny' | 'freeze' | 'outside-allow';
  name?: string;
  /** When this blocker stops blocking (freeze end, deny window end, next allow window start). */
  until?: Date;
  reason?: string;
}

export interface Evaluation {
  at: Date;
  allowed: boolean;
  reason: string;
  /** The strongest blocker: freeze, then deny, then outside-allow. */
  blockedBy?: Blocker;
  /** Every blocker in force at `at`. */
  blockers?: Blocker[];
  /** The allowed period containing `at` (clipped by deny windows and freezes). */
  currentWindow?: Period;
  /** When blocked: the next moment a deploy becomes allowed (undefined if none within the horizon). */
  nextOpening?: Period;
}

interface Iv {
  start: number;
  end: number;
  name?: string;
}

function keep(w: CompiledWindow, wall: number): boolean {
  if (!w.every || w.anchorDay === undefined) return true;
  const block = Math.floor((wallDay(wall) - w.anchorDay) / w.every.unitDays);
  return ((block % w.every.count) + w.every.count) % w.every.count === 0;
}

/** Occurrences of one cron window overlapping [from, to). */
function windowOccurrences(w: CompiledWindow, from: number, to: number): Iv[] {
  const out: Iv[] = [];
  if (to <= from) return out;
  // Walk wall-clock time with a day of margin on both sides (offsets differ from UTC by < 1 day).
  const wallStart = toWall(w.timeZone, from - w.durationMs) - DAY;
  const wallEnd = toWall(w.timeZone, to) + DAY;
  let prev = new Date(wallStart - 1);
  let lastStart = -Infinity;
  for (let n = 0; ; n++) {
    if (n > MAX_OCCURRENCES) {
      throw new Error(`window ${windowLabel(w)} (${w.schedule}) starts too often to list between ${new Date(from).toISOString()} and ${new Date(to).toISOString()}`);
    }
    const next = w.cron.nextRun(prev);
    if (!next) break;
    const wall = next.getTime();
    if (wall >= wallEnd) break;
    prev = next;
    if (!keep(w, wall)) continue;
    const start = fromWall(w.timeZone, wall);
    if (start === lastStart) continue; // two starts in a DST gap collapse into one
    lastStart = start;
    const end = start + w.durationMs;
    if (end > from && start < to) out.push({ start, end, name: w.name });
  }
  out.sort((a, b) => a.start - b.start);
  return out;
}

function freezeIv(f: CompiledFreeze): Iv {
  return { start: f.start, end: f.end, name: f.name ?? f.reason };
}

/** Merges overlapping or touching intervals; the merged interval keeps the name of its first part. */
function merge(ivs: Iv[]): Iv[] {
  const sorted = [...ivs].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Iv[] = [];
  for (const iv of sorted) {
    const last = out[out.length - 1];
    if (last && iv.start <= last.end) {
      if (iv.end > last.end) last.end = iv.end;
    } else {
      out.push({ ...iv });
    }
  }
  return out;
}

/** a minus b (both merged and sorted). */
function subtract(a: Iv[], b: Iv[]): Iv[] {
  const out: Iv[] = [];
  let j = 0;
  for (const iv of a) {
    let cur = iv.start;
    while (j < b.length && b[j]!.end <= cur) j++;
    let k = j;
    while (k < b.length && b[k]!.start < iv.end) {
      const blk = b[k]!;
      if (blk.start > cur) out.push({ start: cur, end: blk.start, name: iv.name });
      cur = Math.max(cur, blk.end);
      k++;
    }
    if (cur < iv.end) out.push({ start: cur, end: iv.end, name: iv.name });
  }
  return out;
}

function allowedIn(spec: CompiledSpec, from: number, to: number): Iv[] {
  const allow = spec.allow.length
    ? merge(spec.allow.flatMap((w) => windowOccurrences(w, from, to))).map((iv) => ({
        start: Math.max(iv.start, from),
        end: Math.min(iv.end, to),
        name: iv.name,
      }))
    : [{ start: from, end: to }];
  const blocks = merge([
    ...spec.deny.flatMap((w) => windowOccurrences(w, from, to)),
    ...spec.freezes.filter((f) => f.end > from && f.start < to).map(freezeIv),
  ]);
  return subtract(allow, blocks).filter((iv) => iv.end > iv.start);
}

function nameAt(spec: CompiledSpec, t: number): string | undefined {
  for (const w of spec.allow) {
    const occ = windowOccurrences(w, t, t + 1);
    if (occ.length) return w.name;
  }
  return undefined;
}

/**
 * The full allowed period containing `t` (undefined when `t` is not allowed). Looks up to `horizon` back and
 * forward; beyond that the period is reported as open-ended.
 */
function periodAround(spec: CompiledSpec, t: number, horizon: number): Period | undefined {
  let back = CHUNK;
  let fwd = CHUNK;
  for (;;) {
    const lo = t - back;
    const hi = t + fwd;
    const p = allowedIn(spec, lo, hi).find((iv) => iv.start <= t && t < iv.end);
    if (!p) return undefined;
    const startClipped = p.start <= lo && back < horizon;
    const endClipped = p.end >= hi && fwd < horizon;
    if (!startClipped && !endClipped) {
      const period: Period = { start: new Date(p.start), end: new Date(p.end) };
      const name = nameAt(spec, t) ?? p.name;
      if (name !== undefined) period.name = name;
      if (p.end >= hi) period.openEnded = true;
      return period;
    }
    if (startClipped) back = Math.min(horizon, back * 4);
    if (endClipped) fwd = Math.min(horizon, fwd * 4);
  }
}

function toMs(d: Date | number | string): number {
  const ms = d instanceof Date ? d.getTime() : typeof d === 'number' ? d : Date.parse(d);
  if (!Number.isFinite(ms)) throw new Error(`invalid time: ${String(d)}`);
  return ms;
}

export interface HorizonOptions {
  /** How far to search, in ms (default 400 days). */
  horizonMs?: number;
}

/**
 * The next time a deploy becomes allowed at or after `from`: the first allowed period that starts at or
 * after `from` (if `from` lies inside an allowed period, that one is skipped: see evaluate().currentWindow).
 * Deny windows and freezes overlapping allow windows are accounted for. Undefined when nothing opens
 * within the horizon.
 */
export function nextOpening(spec: SpecInput, from: Date | number, options: HorizonOptions = {}): Period | undefined {
  const s = toCompiled(spec);
  const horizon = options.horizonMs ?? DEFAULT_HORIZON_MS;
  const f = toMs(from);
  let lo = f - 1;
  let prevEndedOpen = false;
  while (lo < f + horizon) {
    const hi = Math.min(lo + CHUNK, f + horizon);
    const periods = allowedIn(s, lo, hi);
    for (const p of periods) {
      const continuation = p.start === lo && (lo === f - 1 || prevEndedOpen);
      if (!continuation && p.start >= f) {
        return periodAround(s, p.start, horizon) ?? { start: new Date(p.start), end: new Date(p.end) };
      }
    }
    const last = periods[periods.length - 1];
    prevEndedOpen = !!last && last.end === hi;
    lo = hi;
  }
  return undefined;
}

/** All window and freeze occurrences overlapping [from, to), sorted by start (for listing). */
export function windowsBetween(spec: SpecInput, from: Date | number, to: Date | number): Occurrence[] {
  const s = toCompiled(spec);
  const f = toMs(from);
  const t = toMs(to);
  const out: Occurrence[] = [];
  for (const w of [...s.allow, ...s.deny]) {
    for (const iv of windowOccurrences(w, f, t)) {
      const o: Occurrence = {
        kind: w.kind,
        label: windowLabel(w),
        start: new Date(iv.start),
        end: new Date(iv.end),
        timeZone: w.timeZone,
        index: w.index,
      };
      if (w.name !== undefined) o.name = w.name;
      out.push(o);
    }
  }
  for (const fr of s.freezes) {
    if (fr.end > f && fr.start < t) {
      const o: Occurrence = {
        kind: 'freeze',
        label: fr.name ?? fr.reason,
        start: new Date(fr.start),
        end: new Date(fr.end),
        timeZone: fr.timeZone,
        reason: fr.reason,
        index: fr.index,
      };
      if (fr.name !== undefined) o.name = fr.name;
      out.push(o);
    }
  }
  const rank = { freeze: 0, deny: 1, allow: 2 };
  return out.sort((a, b) => a.start.getTime() - b.start.getTime() || rank[a.kind] - rank[b.kind]);
}

/** The allowed periods (after deny windows and freezes) overlapping [from, to), clipped to it. */
export function allowedPeriods(spec: SpecInput, from: Date | number, to: Date | number): Period[] {
  return allowedIn(toCompiled(spec), toMs(from), toMs(to)).map((iv) => {
    const p: Period = { start: new Date(iv.start), end: new Date(iv.end) };
    if (iv.name !== undefined) p.name = iv.name;
    return p;
  });
}

function quote(name: string | undefined, fallback: string): string {
  return name !== undefined ? `"${name}"` : fallback;
}

/** Whether a deploy is allowed at `at`, what blocks it, and the current or next window. */
export function evaluate(spec: SpecInput, at: Date | number, options: HorizonOptions = {}): Evaluation {
  const s = toCompiled(spec);
  const t = toMs(at);
  const horizon = options.horizonMs ?? DEFAULT_HORIZON_MS;
  const blockers: Blocker[] = [];
  const freezes = s.freezes.filter((f) => f.start <= t && t < f.end).sort((a, b) => b.end - a.end);
  for (const f of freezes) {
    const b: Blocker = { kind: 'freeze', until: new Date(f.end), reason: f.reason };
    if (f.name !== undefined) b.name = f.name;
    blockers.push(b);
  }
  const denies: { w: CompiledWindow; end: number }[] = [];
  for (const w of s.deny) {
    for (const iv of windowOccurrences(w, t, t + 1)) denies.push({ w, end: iv.end });
  }
  denies.sort((a, b) => b.end - a.end);
  for (const d of denies) {
    const b: Blocker = { kind: 'deny', until: new Date(d.end), name: windowLabel(d.w) };
    blockers.push(b);
  }
  if (s.allow.length && !s.allow.some((w) => windowOccurrences(w, t, t + 1).length > 0)) {
    let until: number | undefined;
    for (let lo = t; lo < t + horizon && until === undefined; lo += CHUNK) {
      const starts = s.allow.flatMap((w) => windowOccurrences(w, lo, lo + CHUNK)).map((iv) => iv.start).filter((x) => x > t);
      if (starts.length) until = Math.min(...starts);
    }
    const b: Blocker = { kind: 'outside-allow' };
    if (until !== undefined) b.until = new Date(until);
    blockers.push(b);
  }
  const atDate = new Date(t);
  if (blockers.length === 0) {
    const currentWindow = periodAround(s, t, horizon);
    let reason: string;
    if (!s.allow.length && !s.deny.length && !s.freezes.length) reason = 'no maintenance windows are configured';
    else if (!currentWindow) reason = 'allowed';
    else if (currentWindow.openEnded) {
      reason = currentWindow.name !== undefined ? `inside window "${currentWindow.name}"` : 'no deny window or freeze in force';
      reason += `; nothing closes it within ${humanDuration(horizon)}`;
    } else {
      reason =
        (currentWindow.name !== undefined ? `inside window "${currentWindow.name}"` : s.allow.length ? 'inside an allow window' : 'no deny window or freeze in force') +
        `, open until ${currentWindow.end.toISOString()} (${humanDuration(currentWindow.end.getTime() - t)} left)`;
    }
    const ev: Evaluation = { at: atDate, allowed: true, reason };
    if (currentWindow) ev.currentWindow = currentWindow;
    return ev;
  }
  const blockedBy = blockers[0]!;
  const next = nextOpening(s, t, options);
  const parts: string[] = [];
  for (const b of blockers) {
    if (b.kind === 'freeze') {
      parts.push(`freeze ${quote(b.name, `"${b.reason}"`)}${b.name !== undefined && b.reason ? ` (${b.reason})` : ''} until ${b.until!.toISOString()}`);
    } else if (b.kind === 'deny') {
      parts.push(`deny window "${b.name}" until ${b.until!.toISOString()}`);
    } else {
      parts.push(`outside every allow window${b.until ? ` (the next one starts ${b.until.toISOString()})` : ''}`);
    }
  }
  const outside = blockers.find((b) => b.kind === 'outside-allow');
  const hard = parts.slice(0, outside ? parts.length - 1 : parts.length);
  let reason = hard.length ? `blocked by ${hard.join('; and by ')}` : '';
  if (outside) reason += (reason ? '; also ' : '') + parts[parts.length - 1];
  reason += next
    ? `; next window opens ${next.start.toISOString()}${next.name !== undefined ? ` ("${next.name}")` : ''}`
    : `; no window opens within ${humanDuration(horizon)}`;
  const ev: Evaluation = { at: atDate, allowed: false, reason, blockedBy, blockers };
  if (next) ev.nextOpening = next;
  return ev;
}

/** How long the allowed period containing `at` still lasts, in ms: 0 when blocked, Infinity when open-ended. */
export function timeLeft(spec: SpecInput, at: Date | number, options: HorizonOptions = {}): number {
  const s = toCompiled(spec);
  const t = toMs(at);
  const ev = evaluate(s, t, options);
  if (!ev.allowed) return 0;
  if (!ev.currentWindow || ev.currentWindow.openEnded) return Infinity;
  return ev.currentWindow.end.getTime() - t;
}
