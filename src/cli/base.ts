import { Command, Flags } from '@oclif/core';
import { describeError, UserError } from './errors.js';
import { ExitCode } from './exit-codes.js';

/** Flags every rel command accepts. */
export const commonFlags = {
  debug: Flags.boolean({ description: 'Print extra diagnostics (raw output, stack traces).', default: false, helpGroup: 'GLOBAL' }),
  'no-color': Flags.boolean({ description: 'Disable colours (also when NO_COLOR is set or output is not a TTY).', default: false, helpGroup: 'GLOBAL' }),
};

/** Flags every command that talks to a cluster accepts. */
export const clusterFlags = {
  kubeconfig: Flags.string({ description: 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config).', env: 'KUBECONFIG', helpGroup: 'GLOBAL' }),
  'kube-context': Flags.string({ description: 'Name of the kubeconfig context to use.', env: 'HELM_KUBECONTEXT', helpGroup: 'GLOBAL' }),
  namespace: Flags.string({ char: 'n', description: 'Namespace scope for this request.', env: 'HELM_NAMESPACE', helpGroup: 'GLOBAL' }),
};

/** `-o/--output` for commands with machine-readable output. */
export const outputFlag = {
  output: Flags.string({ char: 'o', description: 'Output format.', options: ['table', 'json', 'yaml'], default: 'table', helpGroup: 'GLOBAL' }),
};

/** True when rel must not ask questions: not a TTY, or CI is set. */
export function nonInteractive(): boolean {
  return !process.stdin.isTTY || !process.stdout.isTTY || Boolean(process.env.CI);
}

/** True when colour output is wanted. */
export function useColor(noColorFlag = false): boolean {
  return !noColorFlag && !process.env.NO_COLOR && Boolean(process.stdout.isTTY);
}

/**
 * Base of rel's commands: turns thrown errors into `Error: …` on stderr with the documented
 * exit code and no stack trace (unless --debug).
 */
export abstract class RelCommand extends Command {
  protected debugEnabled(): boolean {
    return this.argv.includes('--debug') || Boolean(process.env.REL_DEBUG);
  }

  protected override async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    // oclif's own errors (usage errors, this.error) keep their handling and exit codes.
    if (err.oclif) return super.catch(err);
    const code = err instanceof UserError ? err.exitCode : ExitCode.ERROR;
    process.stderr.write(`Error: ${describeError(err, this.debugEnabled())}\n`);
    process.exitCode = code;
    this.exit(code);
  }
}
