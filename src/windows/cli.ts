/** Shared flags, time parsing and output for the `rel window` commands (and later deploy/promote). */
import { Flags } from '@oclif/core';
import { DateTime } from 'luxon';
import { stringify } from 'yaml';
import { getClock } from '../clock.js';
import { DurationError, humanDuration, parseDuration } from './duration.js';
import type { Evaluation, Occurrence, Period } from './engine.js';
import type { CompiledSpec } from './spec.js';
import { getZone, fromWall } from './zone.js';
import { WindowConfigError, loadWindows } from './config.js';

export const windowFlags = {
  env: Flags.string({ char: 'e', description: 'environment in rel.yaml whose windows apply (default: only defaults.windows and the release)' }),
  release: Flags.string({ char: 'r', description: 'release whose own windows apply too (default: the only release, when the project has one)' }),
  file: Flags.string({ char: 'f', description: 'project file to read (default: rel.yaml in this folder or a parent)' }),
  at: Flags.string({
    description: 'the time to evaluate instead of now: ISO 8601 (2026-01-06T02:00:00+08:00; without an offset it is read in --tz), "now", or relative like +3h / -30m',
  }),
  tz: Flags.string({ description: 'IANA time zone to show times in (and to read --at without an offset)', default: 'UTC' }),
  output: Flags.string({ char: 'o', description: 'output format', options: ['table', 'json', 'yaml'], default: 'table' }),
};

export class CliInputError extends Error {}

/** Validates an IANA zone name from a flag. */
export function checkTz(tz: string): string {
  if (!getZone(tz)) throw new CliInputError(`--tz: unknown time zone ${JSON.stringify(tz)}: use an IANA name such as UTC or Europe/Berlin`);
  return tz;
}

/** Parses --at: "now", "+1h30m"/"-10m" relative to the clock, or an ISO time (offset-less: read in tz). */
export function parseAt(value: string | undefined, tz: string, flag = '--at'): Date {
  let now: Date;
  try {
    now = getClock().now();
  } catch (e) {
    throw new CliInputError(e instanceof Error ? e.message : String(e));
  }
  if (value === undefined || value.trim() === '' || value.trim().toLowerCase() === 'now') return now;
  const v = value.trim();
  if (/^[+-]/.test(v)) {
    try {
      return new Date(now.getTime() + parseDuration(v));
    } catch (e) {
      throw new CliInputError(`${flag}: ${e instanceof DurationError ? e.message : String(e)}`);
    }
  }
  const hint = `${flag}: ${JSON.stringify(v)} is not a time; use ISO 8601 such as 2026-01-06T02:00:00Z, 2026-01-06T02:00+08:00 or 2026-01-06 (read in --tz), "now" or +2h`;
  const iso = v.replace(' ', 'T');
  if (!/^\d{4}-\d{2}-\d{2}/.test(iso)) throw new CliInputError(hint);
  if (/T.*(?:Z|[+-]\d{2}(?::?\d{2})?)$/i.test(iso)) {
    const dt = DateTime.fromISO(iso, { setZone: true });
    if (!dt.isValid) throw new CliInputError(hint);
    return dt.toJSDate();
  }
  const wall = DateTime.fromISO(iso, { zone: 'UTC' });
  if (!wall.isValid) throw new CliInputError(hint);
  return new Date(fromWall(tz, wall.toMillis()));
}

/** "Tue 2026-01-06 02:00 +08:00" in the given zone (seconds shown only when not zero; milliseconds never). */
export function fmtTime(d: Date, tz: string): string {
  const dt = DateTime.fromMillis(d.getTime(), { zone: tz });
  return dt.toFormat(dt.second ? 'ccc yyyy-LL-dd HH:mm:ss ZZ' : 'ccc yyyy-LL-dd HH:mm ZZ');
}

export function fmtRange(start: Date, end: Date, tz: string, openEnded = false): string {
  return `${fmtTime(start, tz)} -> ${openEnded ? '(no end within the search horizon)' : fmtTime(end, tz)}`;
}

export function relative(from: Date, to: Date): string {
  const ms = to.getTime() - from.getTime();
  return ms >= 0 ? `in ${humanDuration(ms)}` : `${humanDuration(-ms)} ago`;
}

/** JSON-safe copy (Dates as ISO strings, undefined dropped). */
export function toPlain(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (_k, x: unknown) => (x === Infinity ? null : x)));
}

export function render(format: string, data: unknown): string {
  const plain = toPlain(data);
  return format === 'yaml' ? stringify(plain, { lineWidth: 0 }).trimEnd() : JSON.stringify(plain, null, 2);
}

export function periodJson(p: Period | undefined): Record<string, unknown> | undefined {
  if (!p) return undefined;
  const o: Record<string, unknown> = { start: p.start.toISOString(), end: p.openEnded ? null : p.end.toISOString() };
  if (p.name !== undefined) o.name = p.name;
  if (p.openEnded) o.openEnded = true;
  return o;
}

export function evaluationJson(ev: Evaluation): Record<string, unknown> {
  const o: Record<string, unknown> = { at: ev.at.toISOString(), allowed: ev.allowed, reason: ev.reason };
  if (ev.blockedBy) o.blockedBy = ev.blockedBy;
  if (ev.blockers) o.blockers = ev.blockers;
  if (ev.currentWindow) o.currentWindow = periodJson(ev.currentWindow);
  if (ev.nextOpening) o.nextOpening = periodJson(ev.nextOpening);
  return o;
}

export function occurrenceJson(o: Occurrence): Record<string, unknown> {
  const out: Record<string, unknown> = { kind: o.kind, start: o.start.toISOString(), end: o.end.toISOString(), timeZone: o.timeZone };
  if (o.name !== undefined) out.name = o.name;
  if (o.reason !== undefined) out.reason = o.reason;
  return out;
}

export function specJson(spec: CompiledSpec): Record<string, unknown> {
  const win = (w: CompiledSpec['allow'][number]): Record<string, unknown> => {
    const o: Record<string, unknown> = { schedule: w.schedule, duration: w.duration, timeZone: w.timeZone };
    if (w.name !== undefined) o.name = w.name;
    if (w.every) o.every = w.every.text;
    if (w.anchor !== undefined) o.anchor = w.anchor;
    return o;
  };
  return {
    allow: spec.allow.map(win),
    deny: spec.deny.map(win),
    freezes: spec.freezes.map((f) => {
      const o: Record<string, unknown> = { start: new Date(f.start).toISOString(), end: new Date(f.end).toISOString(), reason: f.reason };
      if (f.name !== undefined) o.name = f.name;
      return o;
    }),
    policy: { rollback: spec.policy.rollback, canaryAtClose: spec.policy.canaryAtClose, closeMargin: spec.policy.closeMargin },
  };
}

/** Human lines explaining a blocked evaluation (used by `rel window check` and refused deploys). */
export function explainBlocked(ev: Evaluation, tz: string): string[] {
  const lines: string[] = [];
  for (const b of ev.blockers ?? []) {
    if (b.kind === 'freeze') {
      lines.push(`blocked by freeze ${b.name !== undefined ? `"${b.name}" ` : ''}(${b.reason ?? 'no reason given'}) until ${fmtTime(b.until!, tz)}`);
    } else if (b.kind === 'deny') {
      lines.push(`blocked by deny window "${b.name}" until ${fmtTime(b.until!, tz)}`);
    } else {
      lines.push(`outside every allow window${b.until ? ` (the next allow window starts ${fmtTime(b.until, tz)})` : ''}`);
    }
  }
  const next = ev.nextOpening;
  lines.push(
    next
      ? `next window opens ${fmtTime(next.start, tz)} (${relative(ev.at, next.start)})${next.name !== undefined ? ` "${next.name}"` : ''}, open until ${next.openEnded ? 'further notice' : fmtTime(next.end, tz)}`
      : 'no window opens within the search horizon (400 days): check the allow windows, deny windows and freezes',
  );
  return lines;
}

export interface WindowFlagValues {
  env?: string;
  release?: string;
  file?: string;
  at?: string;
  tz: string;
}

/** Exit code for bad flag values (usage error), per the CLI's documented codes. */
export const EXIT_USAGE = 2;

/** Rewrites the ISO UTC times inside an engine message into the display zone. */
export function localizeTimes(text: string, tz: string): string {
  return text.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g, (iso) => fmtTime(new Date(iso), tz));
}

/** A hint for people who forgot --env while environments define their own windows (undefined when none). */
/**
 * What every `rel window` command starts with: the display zone, the time to look at and the layered windows of
 * rel.yaml. Bad --tz/--at is a usage error (exit 2), a bad file exits with the loader's code; a missing --env
 * where environments define their own windows is a warning.
 */
export function resolveWindowInput(
  cmd: { error(message: string, options: { exit: number }): never; warn(message: string): unknown },
  flags: WindowFlagValues,
): { tz: string; at: Date; loaded: ReturnType<typeof loadWindows> } {
  let tz: string;
  let at: Date;
  try {
    tz = checkTz(flags.tz);
    at = parseAt(flags.at, tz);
  } catch (e) {
    if (e instanceof CliInputError) cmd.error(e.message, { exit: EXIT_USAGE });
    throw e;
  }
  let loaded: ReturnType<typeof loadWindows>;
  try {
    loaded = loadWindows({ file: flags.file, env: flags.env, release: flags.release });
  } catch (e) {
    if (e instanceof WindowConfigError) cmd.error(e.message, { exit: e.exitCode });
    throw e;
  }
  const hint = envHint(flags.env, loaded.envsWithWindows);
  if (hint) cmd.warn(hint);
  return { tz, at, loaded };
}

export function envHint(env: string | undefined, envsWithWindows: string[]): string | undefined {
  if (env !== undefined || envsWithWindows.length === 0) return undefined;
  return `without --env only defaults.windows (and the release's own windows) apply; ${envsWithWindows.join(', ')} ${envsWithWindows.length === 1 ? 'defines' : 'define'} more: pass --env ${envsWithWindows[0]}`;
}
