/**
 * Runs a rel (oclif) command in-process and captures what it writes.
 *
 * process.stdout.write / process.stderr.write are replaced while the command runs, so output
 * from `this.log`, `ux.stdout` and direct writes is all captured, and `console` (which test runners
 * replace) is redirected to the same buffers. Errors thrown
 * by the command are turned into an exit code and a stderr text like the real `rel` process
 * would print: an oclif error carries its exit code in `.oclif.exit` (`this.exit(n)` throws an
 * ExitError with `.oclif.exit = n`, `this.error(msg)` a CLIError with exit 2 unless given), any
 * other error means exit code 1. A command may also set `process.exitCode` instead of throwing;
 * a call to process.exit(n) is turned into an exception so that it cannot end the test process.
 */

import { format } from 'node:util';

export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** The error the command threw, if any (for diagnostics). */
  error?: unknown;
}

type Write = typeof process.stdout.write;

function chunkToString(chunk: unknown, encoding?: unknown): string {
  if (typeof chunk === 'string') return chunk;
  if (chunk instanceof Uint8Array) {
    return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString(
      typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8',
    );
  }
  return String(chunk);
}

function capturingWrite(sink: { text: string }): Write {
  return function write(chunk: unknown, encoding?: unknown, cb?: unknown): boolean {
    sink.text += chunkToString(chunk, encoding);
    const done = typeof encoding === 'function' ? encoding : cb;
    if (typeof done === 'function') queueMicrotask(() => (done as (err?: Error | null) => void)(null));
    return true;
  } as Write;
}

/** Thrown instead of exiting when the command calls process.exit() while captured. */
export class ProcessExitError extends Error {
  readonly oclif: { exit: number };
  constructor(code: number) {
    super(`process.exit(${code})`);
    this.oclif = { exit: code };
  }
}

interface OclifLikeError {
  message?: string;
  oclif?: { exit?: number | false };
  code?: string;
}

/** The exit code a thrown error stands for. */
export function exitCodeOf(err: unknown): number {
  const e = err as OclifLikeError | undefined;
  const exit = e?.oclif?.exit;
  if (typeof exit === 'number') return exit;
  return 1;
}

/** Runs `fn` with stdout/stderr captured. Never throws: a thrown error becomes exitCode/stderr. */
export async function capture(fn: () => Promise<unknown>): Promise<CliResult> {
  const out = { text: '' };
  const err = { text: '' };
  const origOut = process.stdout.write;
  const origErr = process.stderr.write;
  const origExitCode = process.exitCode;
  const origExit = process.exit;
  process.exit = ((code?: number | string | null) => {
    throw new ProcessExitError(Number(code ?? process.exitCode ?? 0));
  }) as typeof process.exit;
  process.exitCode = undefined;
  process.stdout.write = capturingWrite(out);
  process.stderr.write = capturingWrite(err);
  // Test runners replace `console`; send it to the captured streams like a real process would.
  const origConsole = { log: console.log, info: console.info, debug: console.debug, warn: console.warn, error: console.error };
  console.log = console.info = console.debug = (...a: unknown[]) => void (out.text += `${format(...a)}\n`);
  console.warn = console.error = (...a: unknown[]) => void (err.text += `${format(...a)}\n`);
  let exitCode = 0;
  let error: unknown;
  try {
    await fn();
    const pc = process.exitCode as number | string | undefined;
    if (pc !== undefined && pc !== null && Number(pc) !== 0) exitCode = Number(pc);
  } catch (e) {
    error = e;
    exitCode = exitCodeOf(e);
    // `this.exit(0)` is a successful end, not an error.
    if (exitCode !== 0 && !(e instanceof ProcessExitError)) {
      const msg = e instanceof Error ? e.message : String(e);
      if (msg && !err.text.includes(msg)) err.text += `${err.text && !err.text.endsWith('\n') ? '\n' : ''}Error: ${msg}\n`;
    }
  } finally {
    process.stdout.write = origOut;
    process.stderr.write = origErr;
    process.exitCode = origExitCode;
    process.exit = origExit;
    Object.assign(console, origConsole);
  }
  return { stdout: out.text, stderr: err.text, exitCode, error };
}

interface RunnableCommand {
  run(argv?: string[], opts?: string | object): Promise<unknown>;
}

/**
 * Imports an oclif command module (e.g. `../../src/commands/template.js`) and runs it in-process
 * with `argv`, loading the oclif config from `root` (the repository root).
 */
export async function runCommand(load: () => Promise<{ default: RunnableCommand }>, argv: string[], root: string): Promise<CliResult> {
  const mod = await load();
  return capture(() => mod.default.run(argv, root));
}
