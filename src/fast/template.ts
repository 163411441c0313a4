/**
 * Fast path for `rel template`: the same flags, output and exit codes as src/commands/template.ts,
 * without loading @oclif/core (which alone costs ~0.3 s of start-up). scripts/build-fast.mjs
 * bundles this file into dist/fast/template.mjs with the flag table of the compiled oclif command
 * embedded (`__REL_TEMPLATE_SPEC__`), and bin/run.js runs it for `rel template …`.
 */
import { runTemplate } from '../actions/template.js';
import { helmTemplateArgv, templateInput } from '../actions/template-flags.js';
import { outputBytes } from '../engine/bytes.js';
import { describeError, UserError } from '../cli/errors.js';
import { FastParseError, parseLikeOclif, type ParseEnv } from './parse.js';
import type { CommandSpec } from './spec.js';
import { fdWriter } from './fd-writer.js';
import { serve } from './server.js';
import { idleSeconds, type ServerRequest } from './server-protocol.js';

declare const __REL_TEMPLATE_SPEC__: CommandSpec | undefined;

/** The flag table embedded at build time (undefined when running from sources or tsc output). */
export const embeddedSpec: CommandSpec | undefined = typeof __REL_TEMPLATE_SPEC__ === 'undefined' ? undefined : __REL_TEMPLATE_SPEC__;

export interface FastIo extends ParseEnv {
  stdout?: (s: string) => void;
  stderr?: (s: string) => void;
}

/**
 * Runs `rel template` with `argv` (the arguments after `template`) like the oclif command does.
 * Returns the exit code (it does not exit).
 */
export async function templateCommand(argv: string[], spec: CommandSpec, io: FastIo = {}): Promise<number> {
  // Go strings may hold bytes that are not UTF-8 (kept as escapes, engine/bytes.ts): write them raw
  const out = io.stdout ?? ((s: string) => void process.stdout.write(outputBytes(s)));
  const err = io.stderr ?? ((s: string) => void process.stderr.write(outputBytes(s)));
  let code = 0;
  const fail = (msg: string): void => {
    err(`Error: ${msg}\n`);
    code = 1;
  };
  try {
    const helmArgv = helmTemplateArgv(argv);
    let parsed;
    try {
      parsed = await parseLikeOclif(helmArgv.argv, spec, io);
    } catch (e) {
      if (!(e instanceof FastParseError)) throw e;
      // The same mapping to helm's (cobra's) wording as src/commands/template.ts.
      const msg = e.message;
      const unknown = /Nonexistent flags?: (\S+)/.exec(msg);
      if (unknown) return (fail(`unknown flag: ${unknown[1]!.replace(/,$/, '')}`), code);
      const needs = /Flag --(\S+) expects a value/.exec(msg);
      if (needs) return (fail(`flag needs an argument: --${needs[1]}`), code);
      return (fail(msg.split('\n')[0]!), code);
    }
    if (helmArgv.warnings) err(helmArgv.warnings);
    const input = templateInput(parsed.argv, parsed.flags as Record<string, string | boolean | string[] | undefined>);
    if ('error' in input) return (fail(input.error), code);
    const res = await runTemplate(input.options);
    if (res.stderr) err(res.stderr);
    if (res.stdout) out(res.stdout);
    if (res.error) fail(res.error.message);
    return code;
  } catch (e) {
    // What RelCommand.catch prints for an unexpected error.
    const debug = argv.includes('--debug') || Boolean(process.env.REL_DEBUG);
    err(`Error: ${describeError(e, debug)}\n`);
    return e instanceof UserError ? e.exitCode : 1;
  }
}

/** `rel template` with the embedded flag table; null when this build cannot mirror the command (use oclif). */
function runEmbedded(argv: string[], io: FastIo): Promise<number | null> {
  const spec = embeddedSpec;
  if (!spec || spec.unsupported.length > 0) return Promise.resolve(null);
  return templateCommand(argv, spec, io);
}

/** Entry used by bin/run.js: null when this build cannot mirror the command (use oclif). */
export function main(argv: string[]): Promise<number | null> {
  return runEmbedded(argv, { stdout: fdWriter(1), stderr: fdWriter(2) });
}

/**
 * Entry of the render server (bin/run.js with REL_RENDER_SERVER_SOCKET set): serves `rel template`
 * requests on `socket` with this bundle until idle; see src/fast/server.ts.
 */
export async function serveMain(o: { socket: string; bundleFile: string; warmup?: ServerRequest; startMarker?: string }): Promise<void> {
  process.title = 'rel-render-server';
  await serve({ ...o, idleMs: idleSeconds() * 1000, render: runEmbedded });
}
