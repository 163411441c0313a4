/**
 * `rel deploy … --detach`: everything `rel deploy` checks happens here first (flags, rel.yaml, the window
 * gate, the chart rendered with the cluster's capabilities, a server-side dry run of the objects, the
 * release lock); then a Job in the release namespace takes the rollout over (src/schedule/detach.ts for the
 * objects, src/schedule/detached-run.ts for what the Job runs). The command returns once the Job has
 * started the rollout (or after a minute, if its pod is slow to start); the Job's definite failures seen
 * before that (image cannot be pulled, refused, rolled back already) are reported with rel's exit codes.
 */
import { createHash } from 'node:crypto';
import { PatchStrategy } from '@kubernetes/client-node';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { UserError } from '../cli/errors.js';
import { ExitCode } from '../cli/exit-codes.js';
import type { KubeObject } from '../kube/client.js';
import { findProjectFile } from '../project/load.js';
import type { Settings } from '../project/types.js';
import { parseManifest } from '../release/manifest.js';
import { type ReleaseContext, assertNotPending } from '../release/operations.js';
import { RolloutStateStore } from '../rollout/state.js';
import type { Release } from '../storage/release.js';
import { BundleTooLargeError, packFiles } from '../schedule/bundle.js';
import {
  DETACH_BUNDLE_KEY,
  DETACH_MOUNT,
  type DetachSpec,
  PROMETHEUS_CA_KEY,
  SPEC_KEY,
  buildDetachObjects,
  detachDeadlineSeconds,
  detachJobName,
  detachSelector,
  ownedByJob,
} from '../schedule/detach.js';
import { ClusterScopedKindError, type KindRef, LookupOutsideNamespaceError, rulesForKinds } from '../schedule/rbac.js';
import type { DeployFlags, DeployResult } from './deploy.js';
import { renderRelease } from './render-release.js';

/** How long `rel deploy --detach` waits for the Job to start the rollout before it returns anyway. */
export const START_WAIT_MS = 60_000;

export interface DetachStarted {
  job: string;
  namespace: string;
  revision: number;
  image: string;
  strategy: 'canary' | 'blueGreen';
  /** The objects created (or, with --dry-run, that would be). */
  objects: KubeObject[];
  dryRun?: boolean;
  /** What the Job had done when the command returned. */
  progress?: string;
  /** Set when the Job had not started the rollout within START_WAIT_MS. */
  notStarted?: string;
}

/** Usage errors of --detach, before anything else (exit code 2). */
export function checkDetach(flags: DeployFlags, strategy: string): void {
  const usage = (m: string, hint?: string) => new UserError(m, { exitCode: ExitCode.USAGE, hint });
  if (strategy === 'rolling') {
    throw usage(
      '--detach hands a canary or blue-green rollout to a Job in the cluster; this deploy is a plain rolling update',
      'Add --canary N or --blue-green (or strategy: in rel.yaml), or deploy without --detach (a rolling update finishes in one apply and wait).',
    );
  }
  if (flags['wait-for-window']) {
    throw usage('--detach cannot be used with --wait-for-window', 'Run without --detach to wait here, or use `rel schedule` to deploy from the cluster when the window opens.');
  }
  if (flags.resume) throw usage('--detach starts a new rollout; --resume continues one from here', 'Run `rel deploy RELEASE --resume` (it takes over once the Job\'s heartbeat is stale).');
  const driver = (process.env.HELM_DRIVER ?? 'secret').toLowerCase();
  if (driver === 'memory') throw usage('--detach needs release records in the cluster, not HELM_DRIVER=memory');
}

interface Target {
  name: string;
  chart: string;
  valueFiles: string[];
  settings: Settings;
  env?: string;
}

export interface DetachInput {
  args: { release?: string; chart?: string };
  flags: DeployFlags;
  target: Target;
  ctx: ReleaseContext;
  strategy: 'canary' | 'blueGreen';
  timeoutMs: number;
  rollout: { steps: number[]; stepIntervalMs: number; analysisIntervalMs: number; scaleDownDelayMs?: number; manualGate?: boolean; prometheusUrl?: string };
  /** The value inputs as runDeploy collects them (rel.yaml set + flags). */
  values: { valueFiles: string[]; set: string[]; setString?: string[]; setFile?: string[]; setJson?: string[]; setLiteral?: string[] };
  image: string;
  log: (line: string) => void;
  signal?: AbortSignal;
  /** Test hook: how long to wait for the Job to start (default START_WAIT_MS). */
  startWaitMs?: number;
}

/**
 * Flags NOT carried to the Job: cluster access (the Job uses its service account), what was done here (namespace
 * creation, dry run, the window wait), --detach itself, and paths (values and --set-file files are rewritten to
 * their place in the bundle). Every other deploy flag (strategy, analysis, router, --force/--reason…) travels as is.
 */
const LOCAL_ONLY = new Set(['kubeconfig', 'kube-context', 'namespace', 'create-namespace', 'dry-run', 'detach', 'detach-image', 'wait-for-window', 'resume', 'atomic', 'wait', 'cwd', 'values', 'set-file', 'trigger', 'debug', 'no-color']);

const posix = (p: string) => p.split(sep).join('/');

/** The files the Job needs, placed in the bundle; returns the entries and the rewritten args/flags. */
function bundleLayout(input: DetachInput): { entries: { from: string; to: string }[]; args: DetachSpec['args']; flags: Record<string, unknown> } {
  const { args, flags, target } = input;
  const cwd = flags.cwd ?? process.cwd();
  const projectFile = findProjectFile(cwd);
  const useProject = projectFile !== undefined && (flags.env !== undefined || args.chart === undefined);
  const entries: { from: string; to: string }[] = [];
  const projectDir = useProject ? dirname(projectFile!) : undefined;
  let n = 0;
  const inside = (abs: string) => {
    if (!projectDir) return undefined;
    const r = relative(projectDir, abs);
    return r && !r.startsWith('..') && !isAbsolute(r) ? posix(r) : undefined;
  };
  /** A file or folder named on the command line: kept at its place inside the project, else under _rel/. */
  const place = (p: string, what: string): string => {
    const abs = resolve(cwd, p);
    if (!existsSync(abs)) throw new UserError(`${what} ${p} does not exist`);
    const to = inside(abs) ?? `_rel/${n++}-${basename(abs)}`;
    entries.push({ from: abs, to });
    return to;
  };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(flags)) if (v !== undefined && !LOCAL_ONLY.has(k)) out[k] = v;
  if (useProject) {
    entries.push({ from: projectFile!, to: 'rel.yaml' });
    // rel.yaml names the chart and the values files of the environment relative to itself: they travel at the same place.
    const fromProject = target.valueFiles.slice(0, target.valueFiles.length - (flags.values?.length ?? 0));
    const need = [...(args.chart === undefined ? [resolve(dirname(projectFile!), target.chart)] : []), ...fromProject];
    for (const f of need) {
      const to = inside(f);
      if (!to) {
        throw new UserError(`${f} (named in ${projectFile}) is outside the project folder ${projectDir}: --detach carries only files under the folder of rel.yaml`, {
          hint: 'Move it under that folder and refer to it by a relative path.',
        });
      }
      entries.push({ from: f, to });
    }
  }
  const outArgs: DetachSpec['args'] = { release: target.name };
  if (args.chart !== undefined) outArgs.chart = place(args.chart, 'chart');
  if (flags.values?.length) out.values = flags.values.map((v) => place(v, 'values file'));
  if (flags['set-file']?.length) {
    out['set-file'] = flags['set-file'].map((s) =>
      s
        .split(',')
        .map((kv) => {
          const i = kv.indexOf('=');
          if (i < 0) throw new UserError(`invalid --set-file "${s}": use key=path`, { exitCode: ExitCode.USAGE });
          return `${kv.slice(0, i)}=${place(kv.slice(i + 1), '--set-file file')}`;
        })
        .join(','),
    );
  }
  // The same file may be named twice (rel.yaml and -f): pack it once.
  const seen = new Set<string>();
  return { entries: entries.filter((e) => (seen.has(e.to) ? false : (seen.add(e.to), true))), args: outArgs, flags: out };
}

function kindsOf(objs: KubeObject[]): KindRef[] {
  const kinds: KindRef[] = [];
  const seen = new Set<string>();
  for (const o of objs) {
    const k = `${o.apiVersion}|${o.kind}`;
    if (seen.has(k)) continue;
    seen.add(k);
    kinds.push({ apiVersion: o.apiVersion!, kind: o.kind! });
  }
  return kinds;
}

/**
 * A file named by a rel.yaml setting, read where --detach runs: relative to the working directory (as Node
 * reads NODE_EXTRA_CA_CERTS, which rel needs for a CA), else to the folder of rel.yaml.
 */
function readSettingFile(file: string, setting: string, cwd: string): Buffer {
  const project = findProjectFile(cwd);
  const tries = [resolve(cwd, file), ...(project ? [resolve(dirname(project), file)] : [])];
  for (const f of tries) {
    if (existsSync(f) && statSync(f).isFile()) return readFileSync(f);
  }
  throw new UserError(`${setting} names ${file}, which does not exist here (looked at ${[...new Set(tries)].join(', ')}): --detach carries its contents to the Job`, {
    hint: 'Run rel deploy --detach where that file can be read, or fix the path in rel.yaml.',
  });
}

const localUser = () => process.env.USER ?? process.env.GITLAB_USER_LOGIN ?? process.env.GITHUB_ACTOR;

/** Validates and renders here, then creates the Job and its helpers and waits for it to start the rollout. */
export async function startDetached(input: DetachInput): Promise<DeployResult & { detached: DetachStarted }> {
  const { ctx, target, flags, log } = input;
  const ns = ctx.namespace;
  const kube = ctx.kube;

  // 1. The release lock and other detached rollouts of this release.
  const history = await ctx.storage.history(target.name);
  const last = history[history.length - 1];
  assertNotPending(last);
  const running = (await kube.list('batch/v1', 'Job', ns, detachSelector(target.name))).filter((j) => !jobOutcome(j));
  if (running.length) {
    throw new UserError(`a detached rollout of ${target.name} is still running: Job ${running.map((j) => j.metadata!.name).join(', ')} in namespace ${ns}`, {
      hint: `Follow it with \`rel status ${target.name} -n ${ns} --watch\`, or stop it with \`rel abort ${target.name} -n ${ns}\`; a Job left behind with no rollout in progress can be deleted with \`kubectl delete job ${running[0]!.metadata!.name} -n ${ns}\`.`,
    });
  }
  const current = [...history].reverse().find((r) => r.info.status === 'deployed');
  const isInstall = !last || last.info.status === 'uninstalled' || (!current && history.every((r) => r.info.status === 'failed' && r.version === 1));
  const revision = (last?.version ?? 0) + 1;

  // 2. Render here: a bad chart or bad values fail before anything is created.
  const rendered = await renderRelease({ releaseName: target.name, namespace: ns, chart: target.chart, values: input.values, revision, isInstall, isUpgrade: !isInstall, kube });
  const objs = parseManifest(rendered.manifest).map((d) => d.object);
  for (const h of rendered.hooks) if (h.manifest) objs.push(...parseManifest(`---\n# Source: ${h.path}\n${h.manifest}`).map((d) => d.object));
  const elsewhere = objs.filter((o) => o.metadata?.namespace && o.metadata.namespace !== ns);
  if (elsewhere.length) {
    throw new UserError(
      `the chart puts ${elsewhere.map((o) => `${o.kind} ${o.metadata!.name} in namespace ${o.metadata!.namespace}`).join(', ')}, outside the release namespace ${ns}: ` +
        'the detached rollout\'s Job only gets a Role in the release namespace',
      { hint: 'Deploy without --detach.' },
    );
  }
  const kinds = kindsOf(objs);
  if (isInstall && rendered.crds.length) kinds.push({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' });
  let rules;
  try {
    const { discoveryResolver } = await import('../schedule/index.js');
    rules = await rulesForKinds(kinds, discoveryResolver(kube), { refs: rendered.lookups, namespace: ns });
  } catch (e) {
    if (e instanceof LookupOutsideNamespaceError) throw new UserError(e.message, { hint: 'Deploy without --detach, or make the chart look up objects only in the release namespace.' });
    if (e instanceof ClusterScopedKindError) throw new UserError(e.message.replace('a scheduled run gets', 'the detached rollout\'s Job gets').replace('then run rel schedule again', 'then deploy with --detach again, or deploy without --detach'));
    throw e;
  }
  // The API server validates every object (server-side dry run) before the Job exists; a namespace still to be
  // created (--create-namespace) cannot hold a dry run, so its objects are validated by the Job's apply.
  const createNs = flags['create-namespace'] ?? target.settings.createNamespace;
  const nsMissing = await kube.get('v1', 'Namespace', ns).then((o) => !o, () => false); // no right to read namespaces: assume it exists
  if (nsMissing && !createNs) throw new UserError(`namespace ${ns} does not exist`, { hint: 'Pass --create-namespace (or createNamespace: true in rel.yaml), or create it first.' });
  if (flags['dry-run'] !== 'client' && !nsMissing) {
    for (const o of objs) await kube.apply({ ...o, metadata: { ...o.metadata, namespace: o.metadata?.namespace ?? ns } }, { dryRun: true });
  }

  // 3. The bundle and the objects.
  const job = detachJobName(target.name, revision);
  const layout = bundleLayout(input);
  const promUrl = input.rollout.prometheusUrl;
  if (promUrl && /^https?:\/\/(localhost|127\.|\[::1\])/.test(promUrl)) {
    log(`  warning: Prometheus is at ${promUrl}, a loopback address: the Job runs in the cluster and must reach Prometheus from there (e.g. --prometheus-url http://prometheus.monitoring:9090)`);
  }
  const staleMs = 3 * input.rollout.analysisIntervalMs + 15_000;
  // Files named by settings travel in the Secret; the Job's rel reads them at the mounted path.
  const files: Record<string, Buffer> = {};
  const caFile = target.settings.analysis?.prometheus?.caFile;
  if (caFile && promUrl) files[PROMETHEUS_CA_KEY] = readSettingFile(caFile, 'analysis.prometheus.caFile', flags.cwd ?? process.cwd());
  const spec: DetachSpec = {
    version: 1,
    release: target.name,
    namespace: ns,
    revision,
    job,
    strategy: input.strategy,
    args: layout.args,
    flags: layout.flags,
    staleMs,
    ...(files[PROMETHEUS_CA_KEY] ? { files: { prometheusCaFile: PROMETHEUS_CA_KEY } } : {}),
    manifestSha256: createHash('sha256').update(rendered.manifest).digest('hex'),
    startedBy: localUser(),
  };
  const specBytes = Buffer.byteLength(JSON.stringify(spec, null, 2)) + 1;
  let packed;
  try {
    packed = await packFiles(layout.entries, { extraBytes: specBytes + SPEC_KEY.length + DETACH_BUNDLE_KEY.length + 4096, what: 'the bundle for the detached rollout (chart, values, rel.yaml)', holder: 'Secret' });
  } catch (e) {
    if (e instanceof BundleTooLargeError) throw new UserError(e.message);
    throw e;
  }
  const env: Record<string, string> = {};
  if (process.env.HELM_DRIVER) env.HELM_DRIVER = process.env.HELM_DRIVER;
  // The Prometheus bearer token named by rel.yaml travels in the Secret, not in the Job's spec.
  const secretEnv: Record<string, string> = {};
  const tokenEnv = target.settings.analysis?.prometheus?.bearerTokenEnv;
  if (tokenEnv && process.env[tokenEnv]) secretEnv[tokenEnv] = process.env[tokenEnv]!;
  else if (tokenEnv) log(`  warning: analysis.prometheus.bearerTokenEnv names ${tokenEnv}, which is not set here: the Job will query Prometheus without a token`);
  const built = buildDetachObjects({
    spec,
    image: input.image,
    rules,
    tgz: packed.tgz,
    activeDeadlineSeconds: detachDeadlineSeconds({ strategy: input.strategy, steps: input.rollout.steps, stepIntervalMs: input.rollout.stepIntervalMs, timeoutMs: input.timeoutMs, scaleDownDelayMs: input.rollout.scaleDownDelayMs, manualGate: input.rollout.manualGate }),
    env,
    secretEnv,
    files,
  });
  const result = (objects: KubeObject[], extra: Partial<DetachStarted> = {}): DeployResult & { detached: DetachStarted } => ({
    release: previewRelease(target.name, ns, revision, isInstall, job),
    strategy: input.strategy,
    detached: { job, namespace: ns, revision, image: input.image, strategy: input.strategy, objects, ...extra },
  });
  if (flags['dry-run'] === 'server' && !nsMissing) {
    // The API server checks the Job, RBAC and Secret too (e.g. that you may grant the Role's rules).
    for (const o of [built.job, ...built.helpers]) await kube.create(o, { dryRun: true });
  }
  if (flags['dry-run']) return result([built.job, ...built.helpers], { dryRun: true });

  // 4. Create: the Job suspended, its helpers owned by it, then resume it.
  if (nsMissing) await kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const created = await kube.create(built.job);
  const helpers: KubeObject[] = [];
  try {
    for (const h of built.helpers) helpers.push(await kube.create(ownedByJob(h, created)));
    // A merge patch of spec.suspend only (an update would resend the defaulted, immutable pod template).
    await kube.objects.patch({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: job, namespace: ns }, spec: { suspend: false } }, undefined, undefined, 'rel', undefined, PatchStrategy.MergePatch);
  } catch (e) {
    await kube.delete({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: job, namespace: ns } }).catch(() => false);
    for (const h of helpers) await kube.delete(h).catch(() => false);
    throw e;
  }
  log(`created Job ${job} in namespace ${ns} (image ${input.image}) to drive the ${input.strategy === 'canary' ? 'canary' : 'blue-green'} rollout of revision ${revision}`);

  // 5. Wait (a little) for the Job to start the rollout.
  const seen = await waitForStart(input, job, revision, isInstall, input.startWaitMs ?? START_WAIT_MS);
  return result([created, ...helpers], seen);
}

/** 'Complete' | 'Failed' for a finished Job, else undefined. */
export function jobOutcome(j: KubeObject): 'Complete' | 'Failed' | undefined {
  const conds = ((j.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []);
  if (conds.some((c) => c.type === 'Failed' && c.status === 'True')) return 'Failed';
  if (conds.some((c) => c.type === 'Complete' && c.status === 'True')) return 'Complete';
  return undefined;
}

type PodStatus = { phase?: string; containerStatuses?: { state?: { waiting?: { reason?: string; message?: string }; terminated?: { exitCode?: number; message?: string } } }[] };

async function podsOf(ctx: ReleaseContext, job: KubeObject): Promise<KubeObject[]> {
  const labels = ((job.spec as { template?: { metadata?: { labels?: Record<string, string> } } }).template?.metadata?.labels) ?? {};
  const sel = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
  const pods = await ctx.kube.list('v1', 'Pod', ctx.namespace, sel);
  return pods.filter((p) => p.metadata?.ownerReferences?.some((r) => r.uid === job.metadata?.uid)).sort((a, b) => String(a.metadata?.creationTimestamp).localeCompare(String(b.metadata?.creationTimestamp)));
}

const STUCK = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError']);

async function waitForStart(input: DetachInput, job: string, revision: number, isInstall: boolean, waitMs: number): Promise<Partial<DetachStarted>> {
  const { ctx, target } = input;
  const store = new RolloutStateStore(ctx.kube, ctx.namespace);
  const until = Date.now() + waitMs;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  while (!input.signal?.aborted) {
    const j = await ctx.kube.get('batch/v1', 'Job', job, ctx.namespace);
    if (!j) throw new UserError(`Job ${job} in namespace ${ctx.namespace} was deleted before it started the rollout`);
    const outcome = jobOutcome(j);
    if (outcome === 'Failed') {
      const pods = await podsOf(ctx, j);
      const term = pods.map((p) => (p.status as PodStatus | undefined)?.containerStatuses?.[0]?.state?.terminated).filter(Boolean).pop();
      const code = term?.exitCode;
      const why = (term?.message ?? '').trim().split('\n').filter((l) => /^(Error|Hint):/.test(l)).join('\n') || (term?.message ?? '').trim().split('\n').slice(-3).join('\n');
      const reason = ((j.status as { conditions?: { type: string; message?: string }[] }).conditions ?? []).find((c) => c.type === 'Failed')?.message;
      throw new UserError(`the detached rollout's Job ${job} failed${code !== undefined ? ` (exit code ${code})` : ''}: ${why || reason || 'no message'}`, {
        exitCode: code === ExitCode.ROLLED_BACK || code === ExitCode.OUTSIDE_WINDOW ? code : ExitCode.ERROR,
        hint: `See \`kubectl logs job/${job} -n ${ctx.namespace}\` and \`rel history ${target.name} -n ${ctx.namespace}\`.`,
      });
    }
    const state = await store.load(target.name);
    // A canary has started once its first weight is set (the state is written at 0% just before).
    if (state && state.revision === revision && (state.strategy !== 'canary' || state.weight > 0 || state.phase !== 'progressing' || Date.now() >= until)) {
      return { progress: `the ${state.strategy === 'canary' ? 'canary' : 'blue-green'} rollout is ${state.phase} at ${state.weight}% (step ${state.stepIndex + 1}/${state.steps.length})` };
    }
    const last = await ctx.storage.last(target.name);
    if (last && last.version === revision && (outcome === 'Complete' || !last.info.status?.startsWith('pending'))) {
      return { progress: `revision ${revision} is already ${last.info.status}${last.info.description ? ` (${last.info.description})` : ''}` };
    }
    // A first install has nothing to canary against: it is applied directly, with no rollout state.
    if (isInstall && last && last.version === revision) return { progress: `revision ${revision} is ${last.info.status} (a first install is applied directly)` };
    if (outcome === 'Complete') {
      throw new UserError(`the detached rollout's Job ${job} completed without recording revision ${revision} of ${target.name}: its image (${input.image}) does not seem to run rel`, {
        hint: 'Pass --detach-image with an image built from rel\'s Dockerfile (or set REL_IMAGE).',
      });
    }
    const pods = await podsOf(ctx, j);
    for (const p of pods) {
      const w = (p.status as PodStatus | undefined)?.containerStatuses?.[0]?.state?.waiting;
      if (w?.reason && STUCK.has(w.reason)) {
        await ctx.kube.delete({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: job, namespace: ctx.namespace } });
        throw new UserError(`the detached rollout's pod cannot start: ${w.reason}${w.message ? `: ${w.message}` : ''}. Job ${job} was deleted; nothing was deployed`, {
          hint: 'Push the rel image where the cluster can pull it (see the Dockerfile) and pass --detach-image REGISTRY/rel:VERSION (or set REL_IMAGE).',
        });
      }
    }
    if (Date.now() >= until) return { notStarted: `the Job has not started the rollout within ${Math.round(waitMs / 1000)} s (its pod may still be pulling the image)` };
    await sleep(500);
  }
  return { notStarted: 'stopped waiting for the Job (interrupted); it keeps running' };
}

function previewRelease(name: string, namespace: string, version: number, isInstall: boolean, job: string): Release {
  const now = new Date().toISOString();
  return {
    name,
    namespace,
    version,
    info: { first_deployed: now, last_deployed: now, status: isInstall ? 'pending-install' : 'pending-upgrade', description: `Detached: driven by Job ${job}` },
  } as Release;
}

export { DETACH_MOUNT };
