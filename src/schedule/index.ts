/**
 * `rel schedule`: the CronJob, RBAC and ConfigMap objects for scheduled runs of a release in an environment
 * (planSchedule), applying them (applySchedule, which also removes CronJobs of windows that no longer exist),
 * listing (listSchedules) and deleting them (deleteSchedules). `rel run-scheduled` is in run.ts.
 */
import { dirname, resolve } from 'node:path';
import { UserError } from '../cli/errors.js';
import { ExitCode } from '../cli/exit-codes.js';
import { Kube, type KubeObject } from '../kube/client.js';
import { findProjectFile, loadProject } from '../project/load.js';
import { resolveRelease } from '../project/resolve.js';
import { parseManifest } from '../release/manifest.js';
import { versionInfo } from '../version.js';
import { BundleTooLargeError, makeBundle } from './bundle.js';
import { ScheduleError, buildScheduleObjects, selectorFor } from './objects.js';
import { ClusterScopedKindError, type KindRef, type ResourceResolver, rulesForKinds } from './rbac.js';

export { buildScheduleObjects, selectorFor, baseName, labelsFor } from './objects.js';
export { rulesForKinds, type PolicyRule } from './rbac.js';
export { toKubeCron } from './cron.js';
export { makeBundle, openBundle, CONFIGMAP_LIMIT } from './bundle.js';

export interface PlanOptions {
  release?: string;
  env: string;
  /** Project file (default: rel.yaml in cwd or a parent). */
  file?: string;
  cwd?: string;
  /** Container image with rel (default REL_IMAGE, else rel:<version>). */
  image?: string;
  /** Asked first for a kind's resource and scope (e.g. cluster discovery). */
  resolve?: ResourceResolver;
  startingDeadlineSeconds?: number;
}

export interface SchedulePlan {
  release: string;
  env: string;
  namespace: string;
  objects: KubeObject[];
  /** Kinds the chart renders (manifest and hooks), for the report. */
  kinds: KindRef[];
  bundleBytes: number;
}

export function defaultImage(): string {
  return process.env.REL_IMAGE?.trim() || `rel:${versionInfo().version}`;
}

/** Resolves the release in rel.yaml, renders its chart for the kinds, packs the project and builds the objects. */
export async function planSchedule(opts: PlanOptions): Promise<SchedulePlan> {
  const cwd = opts.cwd ?? process.cwd();
  const projectFile = opts.file ? resolve(cwd, opts.file) : findProjectFile(cwd);
  if (!projectFile) {
    throw new UserError(`rel schedule needs a rel.yaml (none in ${cwd} or its parents)`, { hint: 'Run it in your project, pass --file PATH, or create one with `rel init`.', exitCode: ExitCode.USAGE });
  }
  const project = loadProject(projectFile);
  const r = resolveRelease(project, projectFile, { release: opts.release, env: opts.env });
  const { loadWindows, WindowConfigError } = await import('../windows/config.js');
  let allow;
  try {
    allow = loadWindows({ file: projectFile, env: opts.env, release: r.name }).spec.allow;
  } catch (e) {
    if (e instanceof WindowConfigError) throw new UserError(e.message, { exitCode: e.exitCode === 2 ? ExitCode.USAGE : ExitCode.ERROR });
    throw e;
  }

  // The kinds the chart renders, with the values of this environment (no cluster: helm's default capabilities).
  const { renderRelease } = await import('../actions/render-release.js');
  const rendered = await renderRelease({
    releaseName: r.name,
    namespace: r.settings.namespace,
    chart: r.chart,
    values: { valueFiles: r.valueFiles.map((v) => v.file), set: Object.entries(r.settings.set ?? {}).map(([k, v]) => `${k}=${v}`) },
    revision: 1,
    isInstall: true,
    isUpgrade: false,
    cwd: dirname(projectFile),
  });
  const objs = parseManifest(rendered.manifest).map((d) => d.object);
  for (const h of rendered.hooks) if (h.manifest) objs.push(...parseManifest(`---\n# Source: ${h.path}\n${h.manifest}`).map((d) => d.object));
  const elsewhere = objs.filter((o) => o.metadata?.namespace && o.metadata.namespace !== r.settings.namespace);
  if (elsewhere.length) {
    throw new UserError(
      `the chart puts ${elsewhere.map((o) => `${o.kind} ${o.metadata!.name} in namespace ${o.metadata!.namespace}`).join(', ')}, outside the release namespace ${r.settings.namespace}: ` +
        'a scheduled run only gets a Role in the release namespace',
    );
  }
  const kinds: KindRef[] = [];
  const seen = new Set<string>();
  for (const o of objs) {
    const k = `${o.apiVersion}|${o.kind}`;
    if (!seen.has(k)) {
      seen.add(k);
      kinds.push({ apiVersion: o.apiVersion!, kind: o.kind! });
    }
  }
  if (rendered.crds.length) kinds.push({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' });
  try {
    const rules = await rulesForKinds(kinds, opts.resolve);
    const bundle = await makeBundle({ projectFile, chart: r.chart, valueFiles: r.valueFiles.map((v) => v.file) });
    const objects = buildScheduleObjects({
      release: r.name,
      env: opts.env,
      namespace: r.settings.namespace,
      windows: allow,
      rules,
      bundle,
      image: opts.image ?? defaultImage(),
      startingDeadlineSeconds: opts.startingDeadlineSeconds,
    });
    return { release: r.name, env: opts.env, namespace: r.settings.namespace, objects, kinds, bundleBytes: bundle.size };
  } catch (e) {
    if (e instanceof ClusterScopedKindError || e instanceof ScheduleError || e instanceof BundleTooLargeError) throw new UserError(e.message);
    if (e instanceof UserError) throw e;
    throw new UserError(`rel schedule: ${(e as Error).message}`);
  }
}

/** A resolver that asks the cluster's discovery (for custom resources). */
export function discoveryResolver(kube: Kube): ResourceResolver {
  return async (apiVersion, kind) => {
    try {
      const info = await kube.objects.resourceInfo(apiVersion, kind);
      if (!info) return undefined;
      return { group: apiVersion.includes('/') ? apiVersion.split('/')[0]! : '', plural: info.plural, namespaced: info.namespaced };
    } catch {
      return undefined;
    }
  };
}

const KINDS: [string, string][] = [
  ['batch/v1', 'CronJob'],
  ['v1', 'ConfigMap'],
  ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
  ['rbac.authorization.k8s.io/v1', 'Role'],
  ['v1', 'ServiceAccount'],
];

/** Applies the plan (server-side apply, field manager rel) and deletes this release/env's CronJobs that are no longer planned. */
export async function applySchedule(kube: Kube, plan: SchedulePlan, log: (l: string) => void = () => {}): Promise<{ applied: string[]; removed: string[] }> {
  const applied: string[] = [];
  for (const o of plan.objects) {
    await kube.apply(o);
    applied.push(`${o.kind}/${o.metadata!.name}`);
    log(`applied ${o.kind} ${plan.namespace}/${o.metadata!.name}`);
  }
  const keep = new Set(plan.objects.filter((o) => o.kind === 'CronJob').map((o) => o.metadata!.name));
  const removed: string[] = [];
  for (const cj of await kube.list('batch/v1', 'CronJob', plan.namespace, selectorFor(plan.release, plan.env))) {
    if (keep.has(cj.metadata!.name)) continue;
    await kube.delete({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: cj.metadata!.name, namespace: plan.namespace } });
    removed.push(`CronJob/${cj.metadata!.name}`);
    log(`deleted CronJob ${plan.namespace}/${cj.metadata!.name} (its window is gone)`);
  }
  return { applied, removed };
}

export interface ScheduleRow {
  namespace: string;
  name: string;
  release: string;
  env: string;
  window: string;
  schedule: string;
  timeZone: string;
  suspended: boolean;
  lastSchedule?: string;
  active: number;
}

/** rel's CronJobs (label app.kubernetes.io/managed-by=rel), in one namespace or all (namespace undefined). */
export async function listSchedules(kube: Kube, namespace: string | undefined, release?: string, env?: string): Promise<ScheduleRow[]> {
  const items = await kube.list('batch/v1', 'CronJob', namespace, selectorFor(release, env));
  return items
    .map((cj) => {
      const spec = (cj as { spec?: { schedule?: string; timeZone?: string; suspend?: boolean } }).spec ?? {};
      const status = (cj as { status?: { lastScheduleTime?: string; active?: unknown[] } }).status ?? {};
      const labels = cj.metadata?.labels ?? {};
      return {
        namespace: cj.metadata!.namespace ?? '',
        name: cj.metadata!.name!,
        release: labels['rel.dev/release'] ?? '',
        env: labels['rel.dev/env'] ?? '',
        window: cj.metadata?.annotations?.['rel.dev/window'] ?? '',
        schedule: spec.schedule ?? '',
        timeZone: spec.timeZone ?? 'UTC',
        suspended: Boolean(spec.suspend),
        lastSchedule: status.lastScheduleTime,
        active: status.active?.length ?? 0,
      };
    })
    .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
}

/** Deletes rel's CronJobs, ConfigMap, RoleBinding, Role and ServiceAccount for a release (and environment). */
export async function deleteSchedules(kube: Kube, namespace: string, release: string, env?: string, log: (l: string) => void = () => {}): Promise<string[]> {
  const deleted: string[] = [];
  for (const [apiVersion, kind] of KINDS) {
    for (const o of await kube.list(apiVersion, kind, namespace, selectorFor(release, env))) {
      if (await kube.delete({ apiVersion, kind, metadata: { name: o.metadata!.name, namespace } })) {
        deleted.push(`${kind}/${o.metadata!.name}`);
        log(`deleted ${kind} ${namespace}/${o.metadata!.name}`);
      }
    }
  }
  return deleted;
}
