import { DurationError, parseDuration as parseGoDuration } from '../windows/duration.js';
import { UserError } from './errors.js';
import { ExitCode } from './exit-codes.js';

/**
 * Parses a duration flag ("90s", "5m", "1h30m", "1.5h", "2d"; a bare number is seconds) into milliseconds.
 * The parser is the windows module's Go-style one with rel's extras (bare seconds, days, weeks); a bad value
 * is a usage error that names the flag.
 */
export function parseDuration(text: string, what = 'duration'): number {
  try {
    const ms = parseGoDuration(text, { bareSeconds: true, longUnits: true });
    if (ms < 0) throw new DurationError(`a negative ${what} makes no sense`);
    return ms;
  } catch (e) {
    if (!(e instanceof DurationError)) throw e;
    const detail = e.message.replace(/^invalid duration "[^"]*": /, '').replace(/^empty duration: /, '');
    throw new UserError(`invalid ${what} "${text}": ${detail}`, { exitCode: ExitCode.USAGE });
  }
}
