/**
 * Maintenance-window specs as written in rel.yaml (the `windows` setting), their validation, and the compiled form the engine uses.
 *
 *   windows:
 *     timeZone: Europe/Berlin            # default zone for the windows below (default UTC)
 *     allow:
 *       - name: biweekly
 *         schedule: "0 2 * * 2"          # cron, 5 fields (or @daily, @weekly, @monthly, @yearly, @hourly)
 *         duration: 2h                   # Go-style: 90m, 1h30m, 2h
 *         timeZone: Asia/Shanghai        # IANA zone of the schedule
 *         every: 2w                      # optional: only every 2nd week (or Nd for every N days) ...
 *         anchor: 2026-01-06             # ... counted in blocks starting on this local date
 *     deny:
 *       - { name: month-end, schedule: "0 0 L * *", duration: 24h }
 *     freezes:
 *       - { start: 2026-12-20, end: "2027-01-03T23:59:59+01:00", reason: year-end freeze }
 *     policy:
 *       rollback: always                 # always (default): rollbacks ignore windows | window
 *       canaryAtClose: rollback          # rollback (default) | pause | finish
 *       closeMargin: 10m                 # how long before the window closes the canary must be done
 */
import { closest } from '../cli/suggest.js';
import { Cron } from 'croner';
import { DateTime } from 'luxon';
import { DurationError, parseDuration } from './duration.js';
import { fromWall, getZone } from './zone.js';

export interface WindowDef {
  name?: string;
  /** Cron schedule of the window's start (5 fields, or a macro such as @weekly). */
  schedule: string;
  /** How long the window lasts from each start (Go duration). */
  duration: string;
  /** IANA time zone the schedule is read in (default: the spec's timeZone, else UTC). */
  timeZone?: string;
  /** Keep only every Nth block: "2w" = every other week, "3d" = every third day. Needs `anchor`. */
  every?: string;
  /** Local date (YYYY-MM-DD, in the window's zone) where block 0 of `every` starts. */
  anchor?: string;
}

export interface FreezeDef {
  name?: string;
  /** ISO date-time with an offset, or a local date-time/date read in `timeZone`. A bare date means 00:00. */
  start: string;
  /** Like start; a bare date means the END of that day (the freeze includes it). */
  end: string;
  timeZone?: string;
  reason: string;
}

export type RollbackPolicy = 'always' | 'window';
export type CanaryAtClose = 'rollback' | 'pause' | 'finish';

export interface WindowPolicy {
  rollback?: RollbackPolicy;
  canaryAtClose?: CanaryAtClose;
  closeMargin?: string;
}


export interface WindowSpec {
  timeZone?: string;
  allow?: WindowDef[];
  deny?: WindowDef[];
  freezes?: FreezeDef[];
  policy?: WindowPolicy;
}

export type SpecPath = (string | number)[];

export interface CompiledWindow {
  kind: 'allow' | 'deny';
  name?: string;
  index: number;
  path: SpecPath;
  schedule: string;
  duration: string;
  durationMs: number;
  timeZone: string;
  every?: { text: string; count: number; unitDays: number };
  anchor?: string;
  anchorDay?: number;
  cron: Cron;
}

export interface CompiledFreeze {
  name?: string;
  reason: string;
  index: number;
  path: SpecPath;
  start: number;
  end: number;
  timeZone: string;
}

export interface ResolvedPolicy {
  rollback: RollbackPolicy;
  canaryAtClose: CanaryAtClose;
  closeMargin: string;
  closeMarginMs: number;
}

export const DEFAULT_POLICY: ResolvedPolicy = Object.freeze({
  rollback: 'always',
  canaryAtClose: 'rollback',
  closeMargin: '10m',
  closeMarginMs: 600_000,
});

const COMPILED = Symbol.for('rel.windows.compiled');

export interface CompiledSpec {
  readonly [COMPILED]: true;
  allow: CompiledWindow[];
  deny: CompiledWindow[];
  freezes: CompiledFreeze[];
  policy: ResolvedPolicy;
}

export function isCompiled(x: unknown): x is CompiledSpec {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[COMPILED] === true;
}

export interface SpecIssue {
  path: SpecPath;
  message: string;
}

export function formatPath(path: SpecPath): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? p : `.${p}`;
  }
  return out || '(root)';
}

/** Invalid window spec; `issues` lists every problem with its field path. */
export class WindowSpecError extends Error {
  constructor(readonly issues: SpecIssue[]) {
    super(
      issues.length === 1
        ? `invalid maintenance windows: ${formatPath(issues[0]!.path)}: ${issues[0]!.message}`
        : `invalid maintenance windows:\n${issues.map((i) => `  ${formatPath(i.path)}: ${i.message}`).join('\n')}`,
    );
    this.name = 'WindowSpecError';
  }
}

export function didYouMean(word: string, known: readonly string[]): string {
  const best = closest(word, known);
  return best !== undefined ? ` (did you mean "${best}"?)` : '';
}

const CRON_MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@hourly'];

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Date) return 'a date';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

class Checker {
  issues: SpecIssue[] = [];
  add(path: SpecPath, message: string): void {
    this.issues.push({ path, message });
  }
  object(v: unknown, path: SpecPath, known: readonly string[]): Record<string, unknown> | undefined {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Date) {
      this.add(path, `must be a mapping, got ${describe(v)}`);
      return undefined;
    }
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!known.includes(k)) this.add([...path, k], `unknown field${didYouMean(k, known)}; allowed: ${known.join(', ')}`);
    }
    return o;
  }
  string(o: Record<string, unknown>, key: string, path: SpecPath, required: boolean): string | undefined {
    const v = o[key];
    if (v === undefined || v === null) {
      if (required) this.add([...path, key], 'is required');
      return undefined;
    }
    if (typeof v !== 'string' || v.trim() === '') {
      this.add([...path, key], `must be a non-empty string, got ${describe(v)}`);
      return undefined;
    }
    return v.trim();
  }
  list(o: Record<string, unknown>, key: string, path: SpecPath): unknown[] {
    const v = o[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.add([...path, key], `must be a list, got ${describe(v)}`);
      return [];
    }
    return v;
  }
}

function checkZone(c: Checker, zoneName: string | undefined, path: SpecPath, fallback: string): string {
  if (zoneName === undefined) return fallback;
  if (!getZone(zoneName)) {
    c.add(path, `unknown time zone ${JSON.stringify(zoneName)}: use an IANA name such as UTC, Europe/Berlin or America/New_York`);
    return fallback;
  }
  return zoneName;
}

function checkDuration(c: Checker, text: string | undefined, path: SpecPath, allowZero: boolean): number | undefined {
  if (text === undefined) return undefined;
  try {
    const ms = parseDuration(text);
    if (ms < 0 || (!allowZero && ms === 0)) {
      c.add(path, `must be ${allowZero ? 'zero or positive' : 'positive'}, got ${JSON.stringify(text)}`);
      return undefined;
    }
    return ms;
  } catch (e) {
    c.add(path, e instanceof DurationError ? e.message : String(e));
    return undefined;
  }
}

const WINDOW_KEYS = ['name', 'schedule', 'duration', 'timeZone', 'every', 'anchor'] as const;
const FREEZE_KEYS = ['name', 'start', 'end', 'timeZone', 'reason'] as const;
const POLICY_KEYS = ['rollback', 'canaryAtClose', 'closeMargin'] as const;
const SPEC_KEYS = ['timeZone', 'allow', 'deny', 'freezes', 'policy'] as const;

function compileWindow(
  c: Checker,
  raw: unknown,
  kind: 'allow' | 'deny',
  index: number,
  path: SpecPath,
  defaultZone: string,
): CompiledWindow | undefined {
  const o = c.object(raw, path, WINDOW_KEYS);
  if (!o) return undefined;
  const before = c.issues.length;
  const name = c.string(o, 'name', path, false);
  const schedule = c.string(o, 'schedule', path, true);
  const duration = c.string(o, 'duration', path, true);
  const tz = checkZone(c, c.string(o, 'timeZone', path, false), [...path, 'timeZone'], defaultZone);
  const durationMs = checkDuration(c, duration, [...path, 'duration'], false);
  let cron: Cron | undefined;
  if (schedule !== undefined) {
    const fields = schedule.split(/\s+/);
    if (schedule.startsWith('@')) {
      if (!CRON_MACROS.includes(schedule.toLowerCase())) {
        c.add([...path, 'schedule'], `unknown cron macro ${JSON.stringify(schedule)}${didYouMean(schedule, CRON_MACROS)}; supported: ${CRON_MACROS.join(', ')}`);
      }
    } else if (fields.length !== 5) {
      c.add(
        [...path, 'schedule'],
        `cron schedule ${JSON.stringify(schedule)} has ${fields.length} field${fields.length === 1 ? '' : 's'}; write 5: minute hour day-of-month month day-of-week, e.g. "0 2 * * 2" (Tuesdays 02:00)`,
      );
    }
    if (c.issues.length === before) {
      try {
        // The pattern is evaluated on wall-clock times encoded as UTC, so it runs with a fixed 0 offset;
        // time zones are applied by the engine (see zone.ts for the DST rules).
        cron = new Cron(schedule, { paused: true, utcOffset: 0, legacyMode: true });
        if (!cron.nextRun(new Date(Date.UTC(2000, 0, 1)))) {
          c.add([...path, 'schedule'], `cron schedule ${JSON.stringify(schedule)} never matches a date`);
          cron = undefined;
        }
      } catch (e) {
        const msg = e instanceof Error ? e.message.replace(/^CronPattern:\s*/, '') : String(e);
        c.add([...path, 'schedule'], `invalid cron schedule ${JSON.stringify(schedule)}: ${msg}`);
      }
    }
  }
  let every: CompiledWindow['every'];
  const everyText = c.string(o, 'every', path, false);
  if (everyText !== undefined) {
    const m = /^(\d+)\s*([dw])$/.exec(everyText);
    if (!m || Number(m[1]) < 1) {
      c.add([...path, 'every'], `invalid ${JSON.stringify(everyText)}: write a count and a unit, e.g. 2w (every other week) or 3d`);
    } else {
      every = { text: everyText, count: Number(m[1]), unitDays: m[2] === 'w' ? 7 : 1 };
    }
  }
  const anchor = c.string(o, 'anchor', path, false);
  let anchorDay: number | undefined;
  if (anchor !== undefined) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(anchor);
    const d = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
    if (!m || !Number.isFinite(d) || new Date(d).getUTCDate() !== Number(m[3])) {
      c.add([...path, 'anchor'], `invalid date ${JSON.stringify(anchor)}: write YYYY-MM-DD, e.g. 2026-01-06`);
    } else {
      anchorDay = d / 86_400_000;
      if (everyText === undefined) c.add([...path, 'anchor'], 'anchor only makes sense together with "every"');
    }
  } else if (everyText !== undefined) {
    c.add([...path, 'anchor'], `is required with "every": the local date (YYYY-MM-DD) of a week/day that has a window, e.g. the first Tuesday the window applies`);
  }
  if (c.issues.length !== before || !cron || durationMs === undefined || schedule === undefined || duration === undefined) {
    return undefined;
  }
  return {
    kind,
    name,
    index,
    path,
    schedule,
    duration,
    durationMs,
    timeZone: tz,
    every,
    anchor,
    anchorDay,
    cron,
  };
}

const OFFSET_RE = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/** Parses a freeze boundary: ISO with offset, or local (date or date-time) in `tz`. */
function parseBoundary(v: unknown, tz: string, isEnd: boolean): number | string {
  if (v instanceof Date) return Number.isFinite(v.getTime()) ? v.getTime() : 'is not a valid date';
  if (typeof v !== 'string' || v.trim() === '') return `must be an ISO date-time string, got ${describe(v)}`;
  const s = v.trim();
  const hint = 'write an ISO 8601 date-time such as 2026-12-20T18:00:00+01:00, or 2026-12-20 (local date in timeZone)';
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(s);
  if (!dateOnly && !/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(s)) return `invalid date-time ${JSON.stringify(s)}: ${hint}`;
  const iso = s.replace(' ', 'T');
  if (!dateOnly && OFFSET_RE.test(iso)) {
    const dt = DateTime.fromISO(iso, { setZone: true });
    return dt.isValid ? dt.toMillis() : `invalid date-time ${JSON.stringify(s)}: ${hint}`;
  }
  const wall = DateTime.fromISO(iso, { zone: 'UTC' });
  if (!wall.isValid) return `invalid date-time ${JSON.stringify(s)}: ${hint}`;
  let w = wall.toMillis();
  if (dateOnly && isEnd) w += 86_400_000;
  return fromWall(tz, w);
}

function compileFreeze(c: Checker, raw: unknown, index: number, path: SpecPath, defaultZone: string): CompiledFreeze | undefined {
  const o = c.object(raw, path, FREEZE_KEYS);
  if (!o) return undefined;
  const before = c.issues.length;
  const name = c.string(o, 'name', path, false);
  const reason = c.string(o, 'reason', path, true);
  const tz = checkZone(c, c.string(o, 'timeZone', path, false), [...path, 'timeZone'], defaultZone);
  const bounds: number[] = [];
  for (const key of ['start', 'end'] as const) {
    if (o[key] === undefined || o[key] === null) {
      c.add([...path, key], 'is required');
      continue;
    }
    const r = parseBoundary(o[key], tz, key === 'end');
    if (typeof r === 'string') c.add([...path, key], r);
    else bounds.push(r);
  }
  if (c.issues.length !== before || bounds.length !== 2 || reason === undefined) return undefined;
  const [start, end] = bounds as [number, number];
  if (end <= start) {
    c.add(
      [...path, 'end'],
      `the freeze ends (${JSON.stringify(String(o.end instanceof Date ? o.end.toISOString() : o.end))} = ${new Date(end).toISOString()}${
        typeof o.end === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(o.end.trim()) ? ', the end of that day' : ''
      }) ${end === start ? 'when' : 'before'} it starts (${new Date(start).toISOString()}); the end must be after the start`,
    );
    return undefined;
  }
  return { name, reason, index, path, start, end, timeZone: tz };
}

/**
 * Validates a raw window spec (as parsed from YAML) and compiles it. `path` is where the spec sits in its
 * file (for messages), e.g. ['environments', 'prod', 'windows']. Throws WindowSpecError listing every problem.
 */
export function compileWindowSpec(raw: unknown, path: SpecPath = ['windows']): CompiledSpec {
  const c = new Checker();
  const spec: CompiledSpec = { [COMPILED]: true, allow: [], deny: [], freezes: [], policy: { ...DEFAULT_POLICY } };
  if (raw === undefined || raw === null) return spec;
  const o = c.object(raw, path, SPEC_KEYS);
  if (!o) throw new WindowSpecError(c.issues);
  const defaultZone = checkZone(c, c.string(o, 'timeZone', path, false), [...path, 'timeZone'], 'UTC');
  for (const kind of ['allow', 'deny'] as const) {
    c.list(o, kind, path).forEach((w, i) => {
      const cw = compileWindow(c, w, kind, i, [...path, kind, i], defaultZone);
      if (cw) spec[kind].push(cw);
    });
  }
  c.list(o, 'freezes', path).forEach((f, i) => {
    const cf = compileFreeze(c, f, i, [...path, 'freezes', i], defaultZone);
    if (cf) spec.freezes.push(cf);
  });
  if (o.policy !== undefined && o.policy !== null) {
    const pp = [...path, 'policy'];
    const p = c.object(o.policy, pp, POLICY_KEYS);
    if (p) {
      const rollback = c.string(p, 'rollback', pp, false);
      if (rollback !== undefined) {
        if (rollback === 'always' || rollback === 'window') spec.policy.rollback = rollback;
        else c.add([...pp, 'rollback'], `must be "always" (rollbacks ignore windows) or "window" (rollbacks need a window), got ${JSON.stringify(rollback)}`);
      }
      const cac = c.string(p, 'canaryAtClose', pp, false);
      if (cac !== undefined) {
        if (cac === 'rollback' || cac === 'pause' || cac === 'finish') spec.policy.canaryAtClose = cac;
        else c.add([...pp, 'canaryAtClose'], `must be one of rollback, pause, finish; got ${JSON.stringify(cac)}`);
      }
      const margin = c.string(p, 'closeMargin', pp, false);
      const ms = checkDuration(c, margin, [...pp, 'closeMargin'], true);
      if (margin !== undefined && ms !== undefined) {
        spec.policy.closeMargin = margin;
        spec.policy.closeMarginMs = ms;
      }
    }
  }
  if (c.issues.length) throw new WindowSpecError(c.issues);
  return spec;
}

const compileCache = new WeakMap<object, CompiledSpec>();

/** Accepts either a compiled spec or a raw one (compiled once and cached per object). */
export function toCompiled(spec: WindowSpec | CompiledSpec | undefined | null): CompiledSpec {
  if (spec === undefined || spec === null) return compileWindowSpec(undefined);
  if (isCompiled(spec)) return spec;
  let c = compileCache.get(spec);
  if (!c) {
    c = compileWindowSpec(spec);
    compileCache.set(spec, c);
  }
  return c;
}

export function windowLabel(w: { kind: string; name?: string; index: number }): string {
  return w.name ?? `${w.kind}[${w.index}]`;
}
