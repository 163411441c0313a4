/**
 * `rel run-scheduled RELEASE --env ENV`: what the CronJob made by `rel schedule` runs. It opens the project
 * carried in the mounted ConfigMap, refuses outside the window (exit 4; a run that starts up to `graceMs`
 * before the window opens waits for it), and deploys with `rel deploy`'s logic only when the rendered
 * manifest, values or chart version differ from the deployed revision.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { UserError } from '../cli/errors.js';
import { ExitCode } from '../cli/exit-codes.js';
import { getClock } from '../clock.js';
import { kubeOptions, releaseContext } from '../actions/context.js';
import { type DeployFlags, type DeployResult, runDeploy } from '../actions/deploy.js';
import { renderRelease } from '../actions/render-release.js';
import { loadProject } from '../project/load.js';
import { resolveRelease } from '../project/resolve.js';
import type { Release } from '../storage/release.js';
import { DEFAULT_MOUNT, PROJECT_KEY, openBundle } from './bundle.js';
import { inCluster, writeInClusterKubeconfig } from './incluster.js';

export interface RunScheduledOptions {
  release: string;
  env: string;
  /** Folder with rel.yaml (+ bundle.tgz), default /etc/rel. */
  from?: string;
  /** Cluster access; default: the pod's service account when in a cluster, else KUBECONFIG. */
  kubeconfig?: string;
  kubeContext?: string;
  /** A run started this long before its window opens waits for it (default 2m; CronJob clocks drift a little). */
  graceMs?: number;
  log?: (line: string) => void;
  signal?: AbortSignal;
  /** Prefix of the service-account paths (tests). */
  serviceAccountPrefix?: string;
}

export interface RunScheduledResult {
  /** deployed: a new revision; resumed: a rollout left paused or orphaned (e.g. paused at the last window's close) was finished; unchanged: nothing to do. */
  action: 'deployed' | 'resumed' | 'unchanged';
  /** Why something was (or was not) deployed. */
  reason: string;
  deployed?: DeployResult;
}

/** Differences between what the project renders now and the deployed revision; empty when nothing is new. */
export function releaseChanges(
  deployed: Pick<Release, 'manifest' | 'config' | 'chart' | 'hooks'>,
  now: Pick<Release, 'manifest' | 'config' | 'chart' | 'hooks'>,
): string[] {
  const out: string[] = [];
  if ((deployed.manifest ?? '') !== (now.manifest ?? '')) out.push('the rendered manifest differs');
  if (!isDeepStrictEqual(normalize(deployed.config ?? {}), normalize(now.config))) out.push('the values differ');
  const dv = (deployed.chart as { metadata?: { version?: string } } | undefined)?.metadata?.version;
  const nv = (now.chart as { metadata?: { version?: string } } | undefined)?.metadata?.version;
  if (dv !== nv) out.push(`the chart version differs (${dv ?? 'none'} deployed, ${nv ?? 'none'} now)`);
  const hooks = (h: { manifest?: string; path?: string }[] | undefined) => (h ?? []).map((x) => `${x.path}\n${x.manifest}`).sort();
  if (!isDeepStrictEqual(hooks(deployed.hooks), hooks(now.hooks))) out.push('the hooks differ');
  return out;
}

function normalize(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v ?? {}, (_k, x) => (typeof x === 'bigint' ? Number(x) : x)));
}

/** Runs one scheduled deployment; throws UserError with rel deploy's exit codes (1, 3, 4). */
export async function runScheduled(opts: RunScheduledOptions): Promise<RunScheduledResult> {
  const log = opts.log ?? (() => {});
  const from = opts.from ?? DEFAULT_MOUNT;
  let bundle;
  try {
    bundle = await openBundle(from);
  } catch (e) {
    throw new UserError((e as Error).message, { exitCode: ExitCode.USAGE });
  }
  const scratch = mkdtempSync(join(tmpdir(), 'rel-run-'));
  try {
    const projectFile = join(bundle.dir, PROJECT_KEY);
    const project = loadProject(projectFile);
    const r = resolveRelease(project, projectFile, { release: opts.release, env: opts.env });

    // 1. The window, before anything touches the cluster.
    await checkWindow(projectFile, r.name, opts, log);

    // 2. Cluster access: the pod's service account unless a kubeconfig was given.
    let kubeconfig = opts.kubeconfig;
    let kubeContext = opts.kubeContext;
    if (!kubeconfig && (inCluster() || opts.serviceAccountPrefix)) {
      const k = writeInClusterKubeconfig(scratch, opts.serviceAccountPrefix);
      kubeconfig = k.file;
      kubeContext = k.context;
    }
    const ns = r.settings.namespace;
    const ctx = releaseContext(kubeOptions({ kubeconfig, 'kube-context': kubeContext, namespace: ns }), log);

    const flags: DeployFlags = { env: opts.env, kubeconfig, 'kube-context': kubeContext, namespace: ns, 'create-namespace': false };
    const deployHere = async (args: { release: string; chart?: string }, f: DeployFlags): Promise<DeployResult> => {
      const previous = process.cwd();
      process.chdir(bundle.dir); // rel deploy --env reads rel.yaml from the working folder
      try {
        return await runDeploy(args, f, log, opts.signal);
      } finally {
        process.chdir(previous);
      }
    };

    // 3. A rollout left behind (paused when the last window closed, or its rel process died): finish it first.
    const { RolloutStateStore, driverGone } = await import('../rollout/state.js');
    const state = await new RolloutStateStore(ctx.kube, ns).load(r.name);
    if (state) {
      const staleMs = 3 * (Number((state.settings as { analysisIntervalMs?: number }).analysisIntervalMs) || 10_000) + 15_000;
      if (!driverGone(state, staleMs)) {
        throw new UserError(`a ${state.strategy} rollout of ${r.name} (revision ${state.revision}) is still driven by another rel process (last heartbeat ${state.heartbeat}): nothing to do in this run`);
      }
      const why = `resuming the ${state.strategy} rollout of revision ${state.revision} left ${state.phase}${state.pausedReason ? ` (${state.pausedReason})` : ''} at ${state.weight}%`;
      log(why);
      // With the chart argument, rel deploy reads rel.yaml again: the window policy guards the resumed rollout too.
      const result = await deployHere({ release: r.name, chart: r.chart }, { ...flags, resume: true });
      return { action: 'resumed', reason: why, deployed: result };
    }

    // 4. Anything new? Render what the deployed revision would be today and compare.
    const deployed = await ctx.storage.deployed(r.name);
    let why: string;
    if (!deployed) {
      why = `release ${r.name} has no deployed revision in namespace ${ns}`;
    } else {
      const rendered = await renderRelease({
        releaseName: r.name,
        namespace: ns,
        chart: r.chart,
        values: { valueFiles: r.valueFiles.map((v) => v.file), set: Object.entries(r.settings.set ?? {}).map(([k, v]) => `${k}=${v}`) },
        revision: deployed.version,
        isInstall: deployed.version === 1,
        isUpgrade: deployed.version > 1,
        kube: ctx.kube,
        cwd: bundle.dir,
      });
      const changes = releaseChanges(deployed, rendered);
      if (changes.length === 0) {
        const reason = `nothing new to deploy: revision ${deployed.version} of ${r.name} in ${ns} already has this chart, manifest and values`;
        log(reason);
        return { action: 'unchanged', reason };
      }
      why = changes.join(', ');
    }
    log(`deploying ${r.name} to ${opts.env} (namespace ${ns}): ${why}`);

    // 5. Deploy exactly as `rel deploy --env ENV` in the project folder would (it checks the window again).
    const result = await deployHere({ release: r.name }, flags);
    return { action: 'deployed', reason: why, deployed: result };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    bundle.cleanup();
  }
}

async function checkWindow(projectFile: string, release: string, opts: RunScheduledOptions, log: (l: string) => void): Promise<void> {
  const { loadWindows, WindowConfigError } = await import('../windows/config.js');
  const { checkOperation } = await import('../windows/wait.js');
  const { enforceWindow } = await import('../windows/enforce.js');
  let spec;
  try {
    spec = loadWindows({ file: projectFile, env: opts.env, release }).spec;
  } catch (e) {
    if (e instanceof WindowConfigError) throw new UserError(e.message, { exitCode: e.exitCode === 2 ? ExitCode.USAGE : ExitCode.ERROR });
    throw e;
  }
  const clock = getClock();
  const ev = checkOperation(spec, 'deploy', clock.now());
  if (ev.allowed) return;
  const grace = opts.graceMs ?? 120_000;
  const opening = ev.nextOpening?.start.getTime();
  const wait = opening !== undefined && opening - clock.now().getTime() <= grace;
  if (wait) log(`the window opens at ${new Date(opening).toISOString()}: waiting for it`);
  try {
    await enforceWindow(spec, { op: 'deploy', env: opts.env, wait, signal: opts.signal, clock });
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode;
    const msg = (e as Error).message.replace(/\n\s*use --wait-for-window[^\n]*/, '');
    throw new UserError(`scheduled run skipped: ${msg}`, { exitCode: code === 4 ? ExitCode.OUTSIDE_WINDOW : ExitCode.ERROR });
  }
}
