import { UserError } from '../cli/errors.js';
import { ExitCode } from '../cli/exit-codes.js';
import { parseDuration } from '../cli/duration.js';
import type { Check } from '../analysis/checks.js';
import { findProjectFile, loadProject } from '../project/load.js';
import { resolveRelease } from '../project/resolve.js';
import type { Settings, WindowsSpec } from '../project/types.js';
import { deploy, type ReleaseContext } from '../release/operations.js';
import { PrometheusProvider } from '../metrics/prometheus.js';
import { ProgressiveRollout, RolloutRolledBack } from '../rollout/progressive.js';
import type { RolloutState } from '../rollout/state.js';
import type { Release } from '../storage/release.js';
import { type ClusterFlags, kubeOptions, releaseContext } from './context.js';
import { renderRelease } from './render-release.js';
import { notify } from './notify.js';
import { gateWindow, hasWindows } from './window-gate.js';

export interface DeployFlags extends ClusterFlags {
  env?: string;
  values?: string[];
  set?: string[];
  'set-string'?: string[];
  'set-file'?: string[];
  'set-json'?: string[];
  'set-literal'?: string[];
  wait?: boolean;
  'wait-for-jobs'?: boolean;
  timeout?: string;
  atomic?: boolean;
  'dry-run'?: string;
  'history-max'?: number;
  'create-namespace'?: boolean;
  description?: string;
  canary?: number;
  'blue-green'?: boolean;
  rolling?: boolean;
  steps?: string;
  'step-interval'?: string;
  'analysis-interval'?: string;
  'failure-limit'?: number;
  'min-requests'?: number;
  'scrape-interval'?: string;
  'max-error-rate'?: number;
  'max-latency-ratio'?: number;
  'prometheus-url'?: string;
  'canary-header'?: string;
  'canary-cookie'?: string;
  'manual-gate'?: boolean;
  'scale-down-delay'?: string;
  'preview-host'?: string;
  router?: string;
  resume?: boolean;
  force?: boolean;
  reason?: string;
  'wait-for-window'?: boolean;
  /** Folder to look for rel.yaml in (default: the current directory). */
  cwd?: string;
  /** Hand the rollout to a Job in the cluster (actions/detach.ts). */
  detach?: boolean;
  'detach-image'?: string;
  /** Internal (rel run-detached): analysis.prometheus.caFile at its place in the detached Job's mounted Secret. */
  'prometheus-ca-file'?: string;
  /** Who/what started this deploy, recorded with the revision (default: $USER, cli or ci). */
  trigger?: { by?: string; via?: string };
}

export interface DeployResult {
  release: Release;
  strategy: string;
  rolledBack?: { reason: string; detectionToSafeMs?: number };
  /** With --detach: the Job that drives the rollout (release is then the revision it will record). */
  detached?: import('./detach.js').DetachStarted;
}

interface Target {
  name: string;
  chart: string;
  namespace?: string;
  kubeContext?: string;
  kubeconfig?: string;
  valueFiles: string[];
  settings: Settings;
  env?: string;
}

/** Resolves release, chart and settings from the arguments or from rel.yaml. */
export function resolveTarget(args: { release?: string; chart?: string }, flags: DeployFlags, cwd = process.cwd()): Target {
  const projectFile = findProjectFile(cwd);
  const useProject = projectFile !== undefined && (flags.env !== undefined || args.chart === undefined);
  if (useProject) {
    const project = loadProject(projectFile!);
    const r = resolveRelease(project, projectFile!, { release: args.release, env: flags.env });
    return {
      name: r.name,
      chart: args.chart ?? r.chart,
      namespace: r.settings.namespace,
      kubeContext: r.settings.kubeContext,
      kubeconfig: r.settings.kubeconfig,
      valueFiles: [...r.valueFiles.map((v) => v.file), ...(flags.values ?? [])],
      settings: r.settings,
      env: flags.env,
    };
  }
  if (flags.env) throw new UserError('--env needs a rel.yaml (none found in this folder or its parents)', { hint: 'Run `rel init` to write one.', exitCode: ExitCode.USAGE });
  if (!args.release || !args.chart) {
    throw new UserError('rel deploy needs RELEASE and CHART (or a rel.yaml naming them)', {
      hint: 'Example: rel deploy shop ./charts/shop -n prod, or rel deploy --env prod in a folder with rel.yaml.',
      exitCode: ExitCode.USAGE,
    });
  }
  return { name: args.release, chart: args.chart, valueFiles: flags.values ?? [], settings: {} };
}

function parseSteps(text: string): number[] {
  const steps = text.split(',').map((s) => Number(s.trim()));
  if (steps.some((n) => !Number.isFinite(n) || n <= 0 || n > 100)) {
    throw new UserError(`invalid --steps "${text}": give weights from 1 to 100, e.g. 10,25,50,100`, { exitCode: ExitCode.USAGE });
  }
  return steps;
}

/** `rel deploy`: window check, then install/upgrade with the chosen strategy. */
export async function runDeploy(
  args: { release?: string; chart?: string },
  flagsIn: DeployFlags,
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<DeployResult> {
  let flags = flagsIn;
  const conflicting = [flags.canary !== undefined && '--canary', flags['blue-green'] && '--blue-green', flags.rolling && '--rolling'].filter(Boolean);
  if (conflicting.length > 1) throw new UserError(`${conflicting.join(' and ')} cannot be used together`, { exitCode: ExitCode.USAGE });
  if (flags.atomic && (flags.canary !== undefined || flags['blue-green'])) {
    throw new UserError('--atomic goes with rolling deploys; canary and blue-green releases roll back by themselves', { exitCode: ExitCode.USAGE });
  }
  const t = flags.resume && !args.chart ? { name: args.release ?? '', chart: '', valueFiles: [], settings: {} as Settings, env: flags.env } as Target : resolveTarget(args, flags, flags.cwd);
  if (!t.name) throw new UserError('name the release to resume', { exitCode: ExitCode.USAGE });
  const s = t.settings;
  const strategyOf = () => (flags.canary !== undefined ? 'canary' : flags['blue-green'] ? 'blueGreen' : flags.rolling ? 'rolling' : (s.strategy?.type ?? 'rolling'));
  if (flags.detach) (await import('./detach.js')).checkDetach(flags, strategyOf());

  // Maintenance windows (rel.yaml), checked before anything touches the cluster.
  const windowSpec: WindowsSpec | undefined = hasWindows(s.windows) ? s.windows : undefined;
  const forced = await gateWindow('deploy', windowSpec, flags, log, signal);

  const ctx: ReleaseContext = {
    ...releaseContext(kubeOptions(flags, { namespace: flags.namespace ?? t.namespace, context: flags['kube-context'] ?? t.kubeContext, kubeconfig: flags.kubeconfig ?? t.kubeconfig }), log),
    signal,
  };
  const timeoutMs = parseDuration(flags.timeout ?? s.timeout ?? '5m', '--timeout');
  const values = {
    valueFiles: t.valueFiles,
    set: [...Object.entries(s.set ?? {}).map(([k, v]) => `${k}=${v}`), ...(flags.set ?? [])],
    setString: flags['set-string'],
    setFile: flags['set-file'],
    setJson: flags['set-json'],
    setLiteral: flags['set-literal'],
  };
  let resumeState: RolloutState | undefined;
  let resumeRelease: Release | undefined;
  if (flags.resume) {
    ({ state: resumeState, release: resumeRelease } = await loadResume(ctx, t.name));
    // Settings of the interrupted rollout win over defaults (the chart and values are in the pending revision).
    const rs = resumeState.settings as Record<string, unknown>;
    flags = {
      ...flags,
      [resumeState.strategy === 'canary' ? 'canary' : 'blue-green']: resumeState.strategy === 'canary' ? resumeState.steps[0] : true,
      // A first step at 0 (header/cookie canary) comes back through --canary; --steps takes weights above 0.
      steps: flags.steps ?? resumeState.steps.filter((w) => w > 0).join(','),
      'step-interval': flags['step-interval'] ?? `${rs.stepIntervalMs}ms`,
      'analysis-interval': flags['analysis-interval'] ?? `${rs.analysisIntervalMs}ms`,
      'failure-limit': flags['failure-limit'] ?? (rs.failureLimit as number),
      'min-requests': flags['min-requests'] ?? (rs.minRequests as number | undefined),
      'scrape-interval': flags['scrape-interval'] ?? (rs.scrapeIntervalMs !== undefined ? `${rs.scrapeIntervalMs}ms` : undefined),
      'max-error-rate': flags['max-error-rate'] ?? (rs.maxErrorRate as number),
      'max-latency-ratio': flags['max-latency-ratio'] ?? (rs.maxLatencyRatio as number),
      'prometheus-url': flags['prometheus-url'] ?? (rs.prometheusUrl as string | undefined),
      'scale-down-delay': flags['scale-down-delay'] ?? `${rs.scaleDownDelayMs ?? 30000}ms`,
      'manual-gate': flags['manual-gate'] ?? (rs.manualGate as boolean | undefined),
      // The header/cookie canary keeps routing after a takeover (and a step at weight 0 stays allowed).
      'canary-header': flags['canary-header'] ?? headerFlag(rs.header as { name?: string; value?: string } | undefined),
      'canary-cookie': flags['canary-cookie'] ?? (rs.cookie as string | undefined),
    };
  }

  const type = strategyOf();
  let rollout: ProgressiveRollout | undefined;
  let progressive: ConstructorParameters<typeof ProgressiveRollout>[1] | undefined;
  const trigger = {
    by: flags.trigger?.by ?? process.env.USER ?? process.env.GITLAB_USER_LOGIN ?? process.env.GITHUB_ACTOR,
    via: flags.trigger?.via ?? (process.env.CI ? 'ci' : 'cli'),
    reason: forced,
    forced: forced !== undefined && Boolean(flags.force),
  };
  if (type !== 'rolling') {
    const a = s.analysis ?? {};
    const steps = flags.steps ? parseSteps(flags.steps) : (s.strategy?.steps ?? [10, 25, 50, 100]);
    const canarySteps = flags.canary !== undefined ? [flags.canary, ...steps.filter((w) => w > flags.canary!)] : steps;
    if (canarySteps[canarySteps.length - 1] !== 100) canarySteps.push(100);
    const promUrl = flags['prometheus-url'] ?? a.prometheus?.url ?? process.env.REL_PROMETHEUS_URL;
    const analysisIntervalMs = parseDuration(flags['analysis-interval'] ?? a.interval ?? '10s', '--analysis-interval');
    const scrapeInterval = flags['scrape-interval'] ?? a.prometheus?.scrapeInterval;
    const extraChecks: Check[] = (a.checks ?? [])
      .filter((c) => c.query)
      .map((c) => ({
        name: c.name,
        query: c.query!,
        op: c.op ?? '<=',
        threshold: c.threshold ?? 0,
        intervalMs: c.interval ? parseDuration(c.interval) : analysisIntervalMs,
        failureLimit: c.failureLimit ?? a.failureLimit ?? 2,
        inconclusiveLimit: c.inconclusiveLimit ?? 3,
        noData: c.noData ?? 'inconclusive',
        countQuery: c.countQuery,
        minRequests: c.minRequests,
      }));
    const [hName, hValue] = (flags['canary-header'] ?? s.strategy?.header ?? '').split('=');
    if (canarySteps[0] === 0 && !hName && !(flags['canary-cookie'] ?? s.strategy?.cookie)) {
      throw new UserError('--canary 0 sends the canary only the requests that carry the canary header or cookie: add --canary-header or --canary-cookie', { exitCode: ExitCode.USAGE });
    }
    let windowCheck: (() => Promise<'rollback' | 'pause' | 'finish' | undefined>) | undefined;
    if (windowSpec) {
      // The close deadline of the window the rollout starts in, computed once: past it the policy acts.
      const { canaryDeadline } = await import('../windows/wait.js');
      const { toCompiled } = await import('../windows/spec.js');
      const { getClock } = await import('../clock.js');
      const compiled = toCompiled(windowSpec as never);
      const deadline = canaryDeadline(compiled, getClock().now());
      if (deadline) log(`  the maintenance window closes at ${deadline.toISOString()} (policy ${compiled.policy.canaryAtClose} before it)`);
      windowCheck = async () => (deadline && getClock().now().getTime() >= deadline.getTime() ? compiled.policy.canaryAtClose : undefined);
    }
    progressive = {
      strategy: type,
      steps: canarySteps,
      stepIntervalMs: parseDuration(flags['step-interval'] ?? s.strategy?.stepInterval ?? '1m', '--step-interval'),
      analysisIntervalMs,
      scrapeIntervalMs: scrapeInterval ? parseDuration(scrapeInterval, '--scrape-interval') : 0,
      failureLimit: flags['failure-limit'] ?? a.failureLimit ?? 2,
      minRequests: flags['min-requests'] ?? a.minRequests ?? 0,
      maxErrorRate: flags['max-error-rate'] ?? a.maxErrorRate ?? 0.05,
      maxLatencyRatio: flags['max-latency-ratio'] ?? a.maxLatencyRatio ?? 3,
      extraChecks,
      prometheusUrl: promUrl,
      provider: promUrl
        ? new PrometheusProvider({
            url: promUrl,
            bearerToken: a.prometheus?.bearerTokenEnv ? process.env[a.prometheus.bearerTokenEnv] : undefined,
            timeoutMs: a.prometheus?.timeout ? parseDuration(a.prometheus.timeout) : 5000,
            insecureSkipVerify: a.prometheus?.insecureSkipVerify,
            caFile: flags['prometheus-ca-file'] ?? a.prometheus?.caFile,
          })
        : undefined,
      router: (flags.router as 'nginx' | 'gateway' | 'replicas' | undefined) ?? s.strategy?.router,
      header: hName ? { name: hName, value: hValue } : undefined,
      cookie: flags['canary-cookie'] ?? s.strategy?.cookie,
      manualGate: flags['manual-gate'] ?? s.strategy?.manualGate,
      timeoutMs,
      previewHost: flags['preview-host'] ?? s.strategy?.previewHost,
      scaleDownDelayMs: parseDuration(flags['scale-down-delay'] ?? s.strategy?.scaleDownDelay ?? '30s', '--scale-down-delay'),
      windowCheck,
    };
    rollout = new ProgressiveRollout(ctx, progressive);
  }

  if (flags.detach && progressive) {
    const { startDetached } = await import('./detach.js');
    const { defaultImage } = await import('../schedule/index.js');
    return startDetached({ args, flags, target: t, ctx, strategy: progressive.strategy as 'canary' | 'blueGreen', timeoutMs, values, rollout: progressive, image: flags['detach-image'] ?? defaultImage(), log, signal });
  }

  try {
    const release = await deploy(ctx, {
      name: t.name,
      render: ({ isInstall, isUpgrade, revision }) =>
        renderRelease({ releaseName: t.name, namespace: ctx.namespace, chart: t.chart, values, revision, isInstall, isUpgrade, kube: ctx.kube }),
      wait: type === 'rolling' ? (flags.wait ?? false) : true,
      waitForJobs: flags['wait-for-jobs'],
      timeoutMs,
      atomic: flags.atomic,
      dryRun: flags['dry-run'] === 'client' || flags['dry-run'] === 'server' ? flags['dry-run'] : undefined,
      historyMax: flags['history-max'] ?? s.historyMax,
      createNamespace: flags['create-namespace'] ?? s.createNamespace,
      description: forced ? `Deployed outside its window (--force): ${forced}` : flags.description,
      extra: { strategy: type, trigger },
      resume: resumeRelease,
      preflight: rollout ? (objs, current) => rollout!.preflight(objs, current) : undefined,
      applyObjects: rollout ? (objs, rls, prev) => rollout!.run(objs, rls, prev, resumeState) : undefined,
      recordMeasurements: rollout ? () => rollout!.measurements : undefined,
    });
    await notify(s.notifications, 'promoted', { release: t.name, namespace: ctx.namespace, revision: release.version, strategy: type, message: release.info.description ?? '', measurements: rollout?.measurements }, log);
    return { release, strategy: type };
  } catch (e) {
    if (e instanceof RolloutRolledBack) {
      await notify(s.notifications, 'rolled-back', { release: t.name, namespace: ctx.namespace, revision: e.timing.revision, strategy: type, message: e.message, reason: e.message, measurements: e.measurements }, log);
    } else if (!(e instanceof UserError && e.exitCode === ExitCode.USAGE)) {
      await notify(s.notifications, 'failed', { release: t.name, namespace: ctx.namespace, strategy: type, message: (e as Error).message }, log);
    }
    throw e;
  }
}

/** `NAME` or `NAME=VALUE` of a header canary kept in the rollout state. */
function headerFlag(h: { name?: string; value?: string } | undefined): string | undefined {
  if (!h?.name) return undefined;
  return h.value ? `${h.name}=${h.value}` : h.name;
}

/** For --resume: the pending revision and the rollout state a dead process left. */
async function loadResume(ctx: ReleaseContext, name: string): Promise<{ state: RolloutState; release: Release }> {
  const { RolloutStateStore } = await import('../rollout/state.js');
  const state = await new RolloutStateStore(ctx.kube, ctx.namespace).load(name);
  const last = await ctx.storage.last(name);
  if (!state || !last || !last.info.status?.startsWith('pending')) {
    throw new UserError(`release "${name}" has no rollout to resume`, { hint: 'Start one with `rel deploy … --canary N`.' });
  }
  return { state, release: last };
}
