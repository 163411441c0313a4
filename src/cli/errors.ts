import { ExitCode, type ExitCodeValue } from './exit-codes.js';

/**
 * An error meant for people: what failed, where, and what to do. Actions throw it;
 * commands print `Error: message` (plus the hint) without a stack trace and exit with `exitCode`.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly options: { hint?: string; exitCode?: ExitCodeValue; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UserError';
  }

  get exitCode(): ExitCodeValue {
    return this.options.exitCode ?? ExitCode.ERROR;
  }
}

/** Text for any thrown value, for people (no stack unless debug). */
export function describeError(err: unknown, debug = false): string {
  if (err instanceof UserError) {
    const lines = [err.message];
    if (err.options.hint) lines.push(err.options.hint);
    if (debug && err.stack) lines.push(err.stack);
    return lines.join('\n');
  }
  if (err instanceof Error) {
    return debug && err.stack ? err.stack : err.message;
  }
  return String(err);
}
