import { UserError } from '../cli/errors.js';
import { ExitCode } from '../cli/exit-codes.js';
import { findProjectFile, loadProject } from '../project/load.js';
import { resolveRelease } from '../project/resolve.js';
import type { WindowsSpec } from '../project/types.js';

export interface GateFlags {
  env?: string;
  force?: boolean;
  reason?: string;
  'wait-for-window'?: boolean;
}

/** True when a windows section has any window or freeze. */
export function hasWindows(w: WindowsSpec | undefined): w is WindowsSpec {
  return Boolean(w && (w.allow?.length || w.deny?.length || w.freezes?.length));
}

/**
 * Checks the maintenance window for an operation (deploy, rollback, promote). Returns the --force
 * reason when the window was overridden. Refusal: UserError with exit code 4 naming the blocker
 * and the next opening.
 */
export async function gateWindow(
  op: 'deploy' | 'rollback' | 'promote',
  spec: WindowsSpec | undefined,
  flags: GateFlags,
  log: (l: string) => void,
  signal?: AbortSignal,
): Promise<string | undefined> {
  if (!hasWindows(spec)) {
    if (flags.force && !flags.reason) throw new UserError('--force needs --reason "why"', { exitCode: ExitCode.USAGE });
    return flags.force ? flags.reason : undefined;
  }
  const { enforceWindow } = await import('../windows/enforce.js');
  try {
    const r = await enforceWindow(spec as never, {
      op,
      env: flags.env,
      force: flags.force,
      reason: flags.reason,
      wait: flags['wait-for-window'],
      signal,
      // Times in messages in the zone the windows are written in.
      displayTimeZone: (spec as { timeZone?: string }).timeZone ?? spec.allow?.[0]?.timeZone ?? spec.deny?.[0]?.timeZone ?? 'UTC',
      onTick: (tick: { remainingMs?: number }) => {
        if (tick.remainingMs !== undefined) log(`  waiting for the window: ${Math.ceil(tick.remainingMs / 1000)}s left`);
      },
    });
    return r.forced ? r.forceReason : undefined;
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode;
    throw new UserError((e as Error).message, { exitCode: code === 4 ? ExitCode.OUTSIDE_WINDOW : code === 2 ? ExitCode.USAGE : ExitCode.ERROR });
  }
}

/** The windows of a release in an environment from rel.yaml (undefined without a project or env). */
export function projectWindows(release: string, env: string | undefined, cwd = process.cwd()): WindowsSpec | undefined {
  const file = findProjectFile(cwd);
  if (!file || !env) return undefined;
  const project = loadProject(file);
  if (!project.releases.some((r) => r.name === release)) return undefined;
  return resolveRelease(project, file, { release, env }).settings.windows;
}
