import { UserError } from '../cli/errors.js';
import { formatTime } from '../cli/output.js';
import { parseManifest, withOwnership } from '../release/manifest.js';
import type { ReleaseContext } from '../release/operations.js';
import { readiness } from '../release/ready.js';
import type { Release } from '../storage/release.js';

export function chartLabel(r: Release): string {
  const m = r.chart?.metadata as { name?: string; version?: string } | undefined;
  return m ? `${m.name}-${m.version}` : '';
}

export function appVersion(r: Release): string {
  return String((r.chart?.metadata as { appVersion?: string } | undefined)?.appVersion ?? '');
}

/** One revision (default: the newest), or a clear error. */
export async function getRevision(ctx: ReleaseContext, name: string, revision?: number): Promise<Release> {
  const history = await ctx.storage.history(name);
  if (history.length === 0) {
    throw new UserError(`release "${name}" not found in namespace ${ctx.namespace}`, { hint: 'See `rel list -A` for the releases in every namespace.' });
  }
  if (revision === undefined) return history[history.length - 1]!;
  const r = history.find((x) => x.version === revision);
  if (!r) throw new UserError(`release "${name}" has no revision ${revision}`, { hint: `Revisions: ${history.map((x) => x.version).join(', ')}.` });
  return r;
}

export interface HistoryRow {
  revision: number;
  updated: string;
  status: string;
  chart: string;
  appVersion: string;
  description: string;
}

export async function history(ctx: ReleaseContext, name: string, max = 256): Promise<HistoryRow[]> {
  const h = await ctx.storage.history(name);
  if (h.length === 0) throw new UserError(`release "${name}" not found in namespace ${ctx.namespace}`);
  return h.slice(-max).map((r) => ({
    revision: r.version,
    updated: r.info.last_deployed ?? '',
    status: r.info.status ?? 'unknown',
    chart: chartLabel(r),
    appVersion: appVersion(r),
    description: r.info.description ?? '',
  }));
}

export interface ListRow {
  name: string;
  namespace: string;
  revision: number;
  updated: string;
  status: string;
  chart: string;
  appVersion: string;
}

/** The newest revision of each release, filtered like `helm list`. */
export async function listReleases(ctx: ReleaseContext, opts: { filter?: string; statuses?: string[] }): Promise<ListRow[]> {
  const latest = new Map<string, Release>();
  for (const r of await ctx.storage.driver.listLatest()) latest.set(`${r.namespace}/${r.name}`, r);
  let re: RegExp | undefined;
  if (opts.filter) {
    try {
      re = new RegExp(opts.filter);
    } catch (e) {
      throw new UserError(`invalid --filter regular expression: ${(e as Error).message}`);
    }
  }
  const statuses = opts.statuses?.length ? opts.statuses : ['deployed', 'failed', 'pending-install', 'pending-upgrade', 'pending-rollback'];
  return [...latest.values()]
    .filter((r) => (!re || re.test(r.name)) && statuses.includes(r.info.status ?? 'unknown'))
    .sort((a, b) => a.name.localeCompare(b.name) || a.namespace.localeCompare(b.namespace))
    .map((r) => ({
      name: r.name,
      namespace: r.namespace,
      revision: r.version,
      updated: r.info.last_deployed ?? '',
      status: r.info.status ?? 'unknown',
      chart: chartLabel(r),
      appVersion: appVersion(r),
    }));
}

export interface StatusReport {
  name: string;
  namespace: string;
  revision: number;
  status: string;
  description: string;
  lastDeployed: string;
  chart: string;
  resources: { kind: string; name: string; state: string; message: string }[];
  rollout?: Record<string, unknown>;
  analysis?: Record<string, unknown>[];
  notes?: string;
  /** the Job driving (or that drove) a detached rollout of this revision, with its state */
  driver?: string;
}

/** Release record plus the live readiness of every object in its manifest. */
export async function status(ctx: ReleaseContext, name: string, revision?: number): Promise<StatusReport> {
  const r = await getRevision(ctx, name, revision);
  const resources: StatusReport['resources'] = [];
  if (r.info.status !== 'uninstalled') {
    for (const d of parseManifest(r.manifest ?? '')) {
      const o = withOwnership(d.object, r.name, r.namespace);
      const live = await ctx.kube.get(o.apiVersion!, o.kind!, o.metadata!.name!, o.metadata?.namespace);
      const rd = live ? readiness(live as Parameters<typeof readiness>[0]) : { state: 'missing', message: 'not found in the cluster' };
      resources.push({ kind: o.kind!, name: o.metadata!.name!, state: rd.state, message: rd.message });
    }
  }
  const { RolloutStateStore } = await import('../rollout/state.js');
  const live = await new RolloutStateStore(ctx.kube, r.namespace).load(r.name).catch(() => undefined);
  const rollout = live
    ? {
        strategy: live.strategy,
        phase: live.phase,
        revision: live.revision,
        weight: live.weight,
        step: `${Math.min(live.stepIndex + 1, live.steps.length)}/${live.steps.length}`,
        steps: live.steps.join(','),
        heartbeat: live.heartbeat,
        ...(live.pausedReason ? { paused: live.pausedReason } : {}),
        targets: live.targets.map((t) => `${t.deployment} → ${t.canaryDeployment} (${t.router})`).join('; '),
      }
    : r.rel?.rollout;
  const driver = await detachedDriver(ctx, r);
  return {
    name: r.name,
    namespace: r.namespace,
    revision: r.version,
    ...(driver ? { driver } : {}),
    status: r.info.status ?? 'unknown',
    description: r.info.description ?? '',
    lastDeployed: r.info.last_deployed ?? '',
    chart: chartLabel(r),
    resources,
    rollout,
    analysis: (live?.lastMeasurements as Record<string, unknown>[] | undefined) ?? r.rel?.analysis,
    notes: r.info.notes,
  };
}

/** `job/NAME (running)` when the revision was made by a detached rollout's Job (`rel deploy --detach`). */
async function detachedDriver(ctx: ReleaseContext, r: Release): Promise<string | undefined> {
  const via = r.rel?.trigger?.via;
  if (!via?.startsWith('job/')) return undefined;
  const job = await ctx.kube.get('batch/v1', 'Job', via.slice(4), r.namespace).catch(() => undefined);
  if (!job) return `${via} (gone)`;
  const st = (job.status ?? {}) as { active?: number; conditions?: { type: string; status: string }[] };
  const cond = (t: string) => st.conditions?.some((c) => c.type === t && c.status === 'True');
  const state = cond('Failed') ? 'failed' : cond('Complete') ? 'complete' : (job.spec as { suspend?: boolean } | undefined)?.suspend ? 'suspended' : st.active ? 'running' : 'pending';
  return `${via} (${state})`;
}

export function renderStatus(s: StatusReport): string {
  const lines = [
    `NAME: ${s.name}`,
    `LAST DEPLOYED: ${formatTime(s.lastDeployed)}`,
    `NAMESPACE: ${s.namespace}`,
    `STATUS: ${s.status}`,
    `REVISION: ${s.revision}`,
    `CHART: ${s.chart}`,
    `DESCRIPTION: ${s.description}`,
  ];
  if (s.driver) lines.push(`DRIVEN BY: ${s.driver}`);
  if (s.resources.length) {
    lines.push('RESOURCES:');
    const w = Math.max(...s.resources.map((r) => `${r.kind}/${r.name}`.length));
    for (const r of s.resources) lines.push(`  ${`${r.kind}/${r.name}`.padEnd(w)}  ${r.state.padEnd(8)}  ${r.message}`);
  }
  if (s.rollout) lines.push('ROLLOUT:', ...Object.entries(s.rollout).map(([k, v]) => `  ${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`));
  if (s.analysis?.length) {
    lines.push('ANALYSIS:');
    for (const a of s.analysis.slice(-10)) lines.push(`  ${JSON.stringify(a)}`);
  }
  if (s.notes) lines.push('NOTES:', s.notes.trimEnd());
  return `${lines.join('\n')}\n`;
}
