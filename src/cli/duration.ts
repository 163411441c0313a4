import { UserError } from './errors.js';
import { ExitCode } from './exit-codes.js';

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Parses a Go-style duration ("90s", "5m", "1h30m", "1.5h"; bare numbers are seconds) into milliseconds. */
export function parseDuration(text: string, what = 'duration'): number {
  const s = text.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d|w)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    matched = re.lastIndex;
  }
  if (s === '' || matched !== s.length) {
    throw new UserError(`invalid ${what} "${text}"`, { hint: 'Use a duration such as 30s, 5m or 1h30m.', exitCode: ExitCode.USAGE });
  }
  return total;
}
