/**
 * Durations written the way Go's time.ParseDuration reads them ("90m", "1h30m", "1.5h", "45s", "250ms"):
 * a sequence of decimal numbers, each with a unit: ns, us (or µs), ms, s, m, h. rel works in milliseconds,
 * so sub-millisecond parts are rounded to the nearest millisecond.
 */

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3,
  'μs': 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
/** Units rel's command-line flags accept on top of Go's (`--timeout 2d`). */
const LONG_UNIT_MS: Record<string, number> = { d: 86_400_000, w: 604_800_000 };

export interface DurationOptions {
  /** a bare number means seconds ("90" = 90s), as rel's flags allow */
  bareSeconds?: boolean;
  /** also accept days (d) and weeks (w) */
  longUnits?: boolean;
}

export class DurationError extends Error {}

/** Parses a Go-style duration into milliseconds. Throws DurationError with a readable message. */
export function parseDuration(text: string, opts: DurationOptions = {}): number {
  const s = text.trim();
  const hint = opts.longUnits
    ? 'use a duration such as 30s, 5m, 1h30m or 2d (units: ms, s, m, h, d, w)'
    : 'use a Go-style duration such as 90m, 1h30m or 2h (units: ms, s, m, h)';
  if (s === '') throw new DurationError(`empty duration: ${hint}`);
  if (opts.bareSeconds && /^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  let rest = s;
  let sign = 1;
  if (rest[0] === '-' || rest[0] === '+') {
    if (rest[0] === '-') sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw new DurationError(`invalid duration ${JSON.stringify(text)}: ${hint}`);
  let total = 0;
  const re = opts.longUnits ? /^(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h|d|w)/ : /^(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;
  while (rest.length > 0) {
    const m = re.exec(rest);
    if (!m) {
      const unit = /^(\d+\.?\d*|\.\d+)([a-zA-Z]*)/.exec(rest);
      if (unit && unit[2] === '') {
        throw new DurationError(`invalid duration ${JSON.stringify(text)}: missing unit after ${unit[1]}; ${hint}`);
      }
      if (unit) {
        throw new DurationError(`invalid duration ${JSON.stringify(text)}: unknown unit ${JSON.stringify(unit[2])}; ${hint}`);
      }
      throw new DurationError(`invalid duration ${JSON.stringify(text)}: ${hint}`);
    }
    total += Number(m[1]) * (UNIT_MS[m[2]!] ?? LONG_UNIT_MS[m[2]!]!);
    rest = rest.slice(m[0].length);
  }
  return sign * Math.round(total);
}

/** Formats milliseconds the way Go prints a time.Duration, trimmed of zero parts: 5400000 -> "1h30m". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return ms > 0 ? 'forever' : '-forever';
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let left = Math.abs(Math.round(ms));
  const h = Math.floor(left / 3_600_000);
  left -= h * 3_600_000;
  const m = Math.floor(left / 60_000);
  left -= m * 60_000;
  const s = left / 1000;
  let out = '';
  if (h) out += `${h}h`;
  if (m) out += `${m}m`;
  if (s) out += `${Number.isInteger(s) ? s : s.toFixed(3).replace(/0+$/, '')}s`;
  return (neg ? '-' : '') + out;
}

/** Longer durations for people: "2d 3h 4m", "45s". */
export function humanDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'indefinitely';
  let left = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(left / 86_400);
  left -= d * 86_400;
  const h = Math.floor(left / 3600);
  left -= h * 3600;
  const m = Math.floor(left / 60);
  const s = left - m * 60;
  const parts: string[] = [];
  if (d) parts.push(`${d}d`);
  if (h) parts.push(`${h}h`);
  if (m) parts.push(`${m}m`);
  if (s && !d) parts.push(`${s}s`);
  return parts.length ? parts.join(' ') : '0s';
}
