import { UserError } from '../cli/errors.js';
import type { Kube, KubeObject } from '../kube/client.js';
import { encodeRelease } from '../storage/codec.js';
import { type HookJSON, type RelExtra, type Release, type ReleaseStatus, isPending } from '../storage/release.js';
import type { Storage } from '../storage/storage.js';
import { type HookEvent, deletePolicies, hooksFor } from './hooks.js';
import { RELEASE_NAME_ANNOTATION, RELEASE_NAMESPACE_ANNOTATION, objectKey, parseManifest, removedObjects, withOwnership } from './manifest.js';
import { objectRef, waitForReady } from './wait.js';

/** What a chart renders to for one revision (see render adapter). */
export interface Rendered {
  /** Release manifest: non-hook documents in install order, `---\n# Source: …` framed, as Helm stores it. */
  manifest: string;
  hooks: HookJSON[];
  notes: string;
  /** Documents from crds/ folders (installed first on install, never upgraded, as Helm does). */
  crds: { filename: string; text: string }[];
  chart: Release['chart'];
  /** User-supplied values (Helm's `config`). */
  config: Record<string, unknown>;
}

export type RenderFn = (args: { isInstall: boolean; isUpgrade: boolean; revision: number }) => Promise<Rendered>;

export interface ReleaseContext {
  kube: Kube;
  storage: Storage;
  namespace: string;
  log: (line: string) => void;
  now?: () => Date;
  signal?: AbortSignal;
}

export interface DeployOptions {
  name: string;
  render: RenderFn;
  wait?: boolean;
  waitForJobs?: boolean;
  timeoutMs?: number;
  atomic?: boolean;
  dryRun?: 'client' | 'server';
  historyMax?: number;
  createNamespace?: boolean;
  description?: string;
  labels?: Record<string, string>;
  extra?: RelExtra;
  /** Apply the objects of this revision; default is the plain apply of all objects. Progressive strategies replace it. */
  applyObjects?: (objs: KubeObject[], rls: Release, previous: Release | undefined) => Promise<void>;
  /**
   * Refuses the deploy before the release record is written and before anything in the cluster changes (after the
   * ownership check, before a server dry run): progressive strategies check that their rollout can run.
   */
  preflight?: (objs: KubeObject[], current: Release | undefined) => Promise<void>;
  /** Continue this pending revision (left by a process that died) instead of starting a new one. */
  resume?: Release;
  /** Analysis measurements to keep with the revision (progressive strategies). */
  recordMeasurements?: () => unknown[];
}

/** Helm's limit: a Secret (or ConfigMap) holds at most 1 MiB; leave room for metadata. */
export const MAX_RECORD_BYTES = 1024 * 1024 - 16 * 1024;

const iso = (ctx: ReleaseContext) => (ctx.now?.() ?? new Date()).toISOString();

/** Refuses to start while another operation holds the release (a pending revision). */
export function assertNotPending(last: Release | undefined): void {
  if (last && isPending(last.info.status)) {
    throw new UserError(
      `release "${last.name}" has an operation in progress: revision ${last.version} is ${last.info.status} (since ${last.info.last_deployed ?? 'unknown'})`,
      {
        hint: `Wait for it to finish. If no rel or helm process is working on it any more (for example it was killed), run \`rel recover ${last.name}\` to mark it failed, then retry or roll back.`,
      },
    );
  }
}

/** Install or upgrade. Records pending → deployed/failed; with atomic, a failure puts the previous revision back. */
export async function deploy(ctx: ReleaseContext, opts: DeployOptions): Promise<Release> {
  const history = await ctx.storage.history(opts.name);
  const last = history[history.length - 1];
  if (opts.resume) return resumeDeploy(ctx, opts, history);
  assertNotPending(last);
  const current = [...history].reverse().find((r) => r.info.status === 'deployed');
  const isInstall = !last || last.info.status === 'uninstalled' || !current && history.every((r) => r.info.status === 'failed' && r.version === 1);
  const revision = (last?.version ?? 0) + 1;
  const rendered = await opts.render({ isInstall, isUpgrade: !isInstall, revision });
  const docs = parseManifest(rendered.manifest);
  const objects = docs.map((d) => withOwnership(d.object, opts.name, ctx.namespace));
  const now = iso(ctx);
  const rls: Release = {
    name: opts.name,
    namespace: ctx.namespace,
    version: revision,
    info: {
      first_deployed: isInstall ? now : (history[0]?.info.first_deployed ?? now),
      last_deployed: now,
      status: isInstall ? 'pending-install' : 'pending-upgrade',
      description: isInstall ? 'Initial install underway' : 'Preparing upgrade',
      notes: rendered.notes || undefined,
    },
    chart: rendered.chart,
    config: rendered.config,
    manifest: rendered.manifest,
    hooks: rendered.hooks.length ? rendered.hooks : undefined,
    // rel applies server-side (field manager "rel"), but records "csa": helm 4 picks its next
    // upgrade's method from this field, and a server-side helm upgrade without --force-conflicts
    // would stop on rel's field ownership; a client-side one patches over it (README, "Helm interop").
    apply_method: 'csa',
    labels: opts.labels,
    rel: opts.extra,
  };
  const size = encodeRelease(rls).length;
  if (size > MAX_RECORD_BYTES) {
    throw new UserError(
      `release "${opts.name}" revision ${revision} encodes to ${size} bytes, more than a Secret can hold (1 MiB)`,
      { hint: 'Make the chart smaller (large files under the chart folder count; use .helmignore) or split it into several releases.' },
    );
  }
  if (opts.dryRun === 'client') return { ...rls, info: { ...rls.info, status: 'pending-install', description: 'Dry run complete' } };

  await checkOwnership(ctx, objects, opts.name);
  if (opts.preflight) await opts.preflight(objects, current);
  if (opts.dryRun === 'server') {
    for (const o of objects) await ctx.kube.apply(o, { dryRun: true });
    return { ...rls, info: { ...rls.info, description: 'Dry run complete' } };
  }

  if (opts.createNamespace) await ensureNamespace(ctx);
  await ctx.storage.create(rls);
  ctx.log(`${isInstall ? 'installing' : 'upgrading'} ${opts.name} (revision ${revision}, namespace ${ctx.namespace})`);
  const timeoutMs = opts.timeoutMs ?? 300_000;
  try {
    await runHooks(ctx, rls, isInstall ? 'pre-install' : 'pre-upgrade', timeoutMs);
    if (isInstall && rendered.crds.length) await installCrds(ctx, rendered.crds, timeoutMs);
    if (opts.applyObjects) await opts.applyObjects(objects, rls, current);
    else await applyAll(ctx, objects);
    if (current) await deleteRemoved(ctx, current, objects);
    if (opts.wait) {
      await waitFor(ctx, objects, opts.waitForJobs ?? false, timeoutMs);
    }
    await runHooks(ctx, rls, isInstall ? 'post-install' : 'post-upgrade', timeoutMs);
  } catch (err) {
    const msg = (err as Error).message;
    rls.info.status = 'failed';
    rls.info.description = `${isInstall ? 'Release' : 'Upgrade'} "${opts.name}" failed: ${msg}`;
    rls.info.last_deployed = iso(ctx);
    keepMeasurements(rls, opts);
    await ctx.storage.update(rls);
    if (opts.atomic) {
      ctx.log(`${isInstall ? 'install' : 'upgrade'} failed: ${msg}; --atomic: ${isInstall ? 'uninstalling' : `rolling back to revision ${current?.version}`}`);
      try {
        if (isInstall || !current) await uninstall(ctx, { name: opts.name, keepHistory: true, timeoutMs, description: 'Uninstalled after a failed install (--atomic)' });
        else await rollback(ctx, { name: opts.name, revision: current.version, wait: true, timeoutMs, description: `Rollback to ${current.version} after a failed upgrade (--atomic): ${msg}` });
      } catch (rbErr) {
        throw new UserError(`${rls.info.description}; the automatic rollback failed too: ${(rbErr as Error).message}`, { cause: err });
      }
      throw new UserError(`${rls.info.description} (rolled back: ${isInstall ? 'uninstalled' : `revision ${current!.version} is running`})`, { cause: err });
    }
    throw err instanceof UserError ? err : new UserError(rls.info.description, { cause: err });
  }
  return finishDeployed(ctx, opts, rls, current, isInstall);
}

function keepMeasurements(rls: Release, opts: DeployOptions): void {
  const m = opts.recordMeasurements?.();
  if (m?.length) rls.rel = { ...(rls.rel ?? {}), analysis: m.slice(-200) as Record<string, unknown>[] };
}

async function finishDeployed(ctx: ReleaseContext, opts: DeployOptions, rls: Release, current: Release | undefined, isInstall: boolean): Promise<Release> {
  if (current) {
    current.info.status = 'superseded';
    await ctx.storage.update(current);
  }
  rls.info.status = 'deployed';
  rls.info.description = opts.description ?? (isInstall ? 'Install complete' : 'Upgrade complete');
  keepMeasurements(rls, opts);
  await ctx.storage.update(rls);
  await ctx.storage.prune(opts.name, opts.historyMax ?? 10);
  return rls;
}

/** Continues a pending upgrade whose driving process died (rel deploy --resume). */
async function resumeDeploy(ctx: ReleaseContext, opts: DeployOptions, history: Release[]): Promise<Release> {
  const rls = opts.resume!;
  const current = [...history].reverse().find((r) => r.info.status === 'deployed' && r.version < rls.version);
  const objects = parseManifest(rls.manifest ?? '').map((d) => withOwnership(d.object, opts.name, ctx.namespace));
  ctx.log(`resuming ${opts.name} revision ${rls.version}`);
  try {
    if (opts.applyObjects) await opts.applyObjects(objects, rls, current);
    else await applyAll(ctx, objects);
    if (current) await deleteRemoved(ctx, current, objects);
    await runHooks(ctx, rls, 'post-upgrade', opts.timeoutMs ?? 300_000);
  } catch (err) {
    rls.info.status = 'failed';
    rls.info.description = `Upgrade "${opts.name}" failed: ${(err as Error).message}`;
    keepMeasurements(rls, opts);
    await ctx.storage.update(rls);
    throw err instanceof UserError ? err : new UserError(rls.info.description, { cause: err });
  }
  return finishDeployed(ctx, opts, rls, current, false);
}

/** Puts the objects of an earlier revision back as a new revision ("Rollback to N"). */
export async function rollback(
  ctx: ReleaseContext,
  opts: { name: string; revision?: number; wait?: boolean; timeoutMs?: number; description?: string; extra?: RelExtra },
): Promise<Release> {
  const history = await ctx.storage.history(opts.name);
  if (history.length === 0) throw new UserError(`release "${opts.name}" not found in namespace ${ctx.namespace}`);
  const last = history[history.length - 1]!;
  assertNotPending(last);
  const current = [...history].reverse().find((r) => r.info.status === 'deployed') ?? last;
  let target: Release | undefined;
  if (opts.revision !== undefined) {
    target = history.find((r) => r.version === opts.revision);
    if (!target) {
      throw new UserError(`release "${opts.name}" has no revision ${opts.revision}`, {
        hint: `Revisions: ${history.map((r) => r.version).join(', ')} (see \`rel history ${opts.name}\`).`,
      });
    }
  } else {
    target = [...history]
      .reverse()
      .find((r) => r.version < current.version && (r.info.status === 'superseded' || r.info.status === 'deployed'));
    if (!target) throw new UserError(`release "${opts.name}" has no earlier successful revision to roll back to`);
  }
  const revision = last.version + 1;
  const now = iso(ctx);
  const rls: Release = {
    ...structuredClone(target),
    version: revision,
    info: {
      first_deployed: history[0]!.info.first_deployed ?? now,
      last_deployed: now,
      status: 'pending-rollback',
      description: `Rollback to ${target.version}`,
      notes: target.info.notes,
    },
    rel: opts.extra ?? { trigger: { via: 'rollback' } },
  };
  await ctx.storage.create(rls);
  ctx.log(`rolling back ${opts.name} to revision ${target.version} (new revision ${revision})`);
  const timeoutMs = opts.timeoutMs ?? 300_000;
  const objects = parseManifest(rls.manifest ?? '').map((d) => withOwnership(d.object, opts.name, ctx.namespace));
  try {
    await runHooks(ctx, rls, 'pre-rollback', timeoutMs);
    await applyAll(ctx, objects);
    await deleteRemoved(ctx, current, objects);
    if (opts.wait) await waitFor(ctx, objects, false, timeoutMs);
    await runHooks(ctx, rls, 'post-rollback', timeoutMs);
  } catch (err) {
    rls.info.status = 'failed';
    rls.info.description = `Rollback "${opts.name}" failed: ${(err as Error).message}`;
    await ctx.storage.update(rls);
    throw err instanceof UserError ? err : new UserError(rls.info.description, { cause: err });
  }
  for (const r of history) {
    if (r.info.status === 'deployed') {
      r.info.status = 'superseded';
      await ctx.storage.update(r);
    }
  }
  rls.info.status = 'deployed';
  rls.info.description = opts.description ?? `Rollback to ${target.version}`;
  await ctx.storage.update(rls);
  return rls;
}

/** Deletes the release's objects (hooks around it); keeps the records as `uninstalled` with keepHistory. */
export async function uninstall(
  ctx: ReleaseContext,
  opts: { name: string; keepHistory?: boolean; timeoutMs?: number; description?: string; wait?: boolean },
): Promise<Release> {
  const history = await ctx.storage.history(opts.name);
  if (history.length === 0) throw new UserError(`release "${opts.name}" not found in namespace ${ctx.namespace}`);
  const last = history[history.length - 1]!;
  const current = [...history].reverse().find((r) => r.info.status === 'deployed') ?? last;
  const timeoutMs = opts.timeoutMs ?? 300_000;
  current.info.status = 'uninstalling';
  await ctx.storage.update(current);
  await runHooks(ctx, current, 'pre-delete', timeoutMs);
  const objects = parseManifest(current.manifest ?? '').map((d) => withOwnership(d.object, opts.name, ctx.namespace));
  for (const o of [...objects].reverse()) {
    if (o.metadata?.annotations?.['helm.sh/resource-policy'] === 'keep') continue;
    await ctx.kube.delete(o);
  }
  await runHooks(ctx, current, 'post-delete', timeoutMs);
  if (opts.keepHistory) {
    current.info.status = 'uninstalled';
    current.info.deleted = iso(ctx);
    current.info.description = opts.description ?? 'Uninstallation complete';
    await ctx.storage.update(current);
  } else {
    for (const r of history) await ctx.storage.delete(r.name, r.version);
  }
  return current;
}

/** Marks a pending revision left by a killed process as failed, so the release can be used again. */
export async function recover(ctx: ReleaseContext, name: string): Promise<Release | undefined> {
  const last = await ctx.storage.last(name);
  if (!last) throw new UserError(`release "${name}" not found in namespace ${ctx.namespace}`);
  if (!isPending(last.info.status)) return undefined;
  const was = last.info.status as ReleaseStatus;
  last.info.status = 'failed';
  last.info.description = `Marked failed by rel recover: the operation (${was}) did not finish`;
  await ctx.storage.update(last);
  return last;
}

export async function applyAll(ctx: ReleaseContext, objects: KubeObject[]): Promise<void> {
  for (const o of objects) {
    ctx.log(`  apply ${objectRef(o)}`);
    await ctx.kube.apply(o);
  }
}

async function deleteRemoved(ctx: ReleaseContext, previous: Release, now: KubeObject[]): Promise<void> {
  const before = parseManifest(previous.manifest ?? '').map((d) => withOwnership(d.object, previous.name, ctx.namespace));
  for (const o of removedObjects(before, now, ctx.namespace).reverse()) {
    ctx.log(`  delete ${objectRef(o)} (no longer in the chart)`);
    await ctx.kube.delete(o);
  }
}

async function waitFor(ctx: ReleaseContext, objects: KubeObject[], jobs: boolean, timeoutMs: number): Promise<void> {
  const watched = objects.filter((o) => jobs || o.kind !== 'Job');
  let lastLine = '';
  await waitForReady(ctx.kube, watched, {
    timeoutMs,
    signal: ctx.signal,
    onProgress: (pending, readyN, total) => {
      const line = pending.length ? `  waiting: ${readyN}/${total} ready; ${pending[0]!.ref}: ${pending[0]!.status.message}` : `  all ${total} resources ready`;
      if (line !== lastLine) ctx.log(line);
      lastLine = line;
    },
  });
}

async function ensureNamespace(ctx: ReleaseContext): Promise<void> {
  const ns = await ctx.kube.get('v1', 'Namespace', ctx.namespace);
  if (!ns) {
    ctx.log(`creating namespace ${ctx.namespace}`);
    await ctx.kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ctx.namespace } });
  }
}

async function installCrds(ctx: ReleaseContext, crds: Rendered['crds'], timeoutMs: number): Promise<void> {
  const objs: KubeObject[] = [];
  for (const c of crds) {
    for (const d of parseManifest(`---\n# Source: ${c.filename}\n${c.text}`)) {
      if (await ctx.kube.get(d.object.apiVersion!, d.object.kind!, d.object.metadata!.name!)) continue; // Helm never upgrades CRDs
      ctx.log(`  create CRD ${d.object.metadata?.name}`);
      await ctx.kube.create(d.object);
      objs.push(d.object);
    }
  }
  if (objs.length) await waitForReady(ctx.kube, objs, { timeoutMs, signal: ctx.signal });
}

/** Refuses to take over objects that exist and belong to another release (or to no release), like Helm. */
async function checkOwnership(ctx: ReleaseContext, objects: KubeObject[], name: string): Promise<void> {
  const problems: string[] = [];
  for (const o of objects) {
    const live = await ctx.kube.get(o.apiVersion!, o.kind!, o.metadata!.name!, o.metadata?.namespace);
    if (!live) continue;
    const ann = (live.metadata?.annotations ?? {}) as Record<string, string>;
    const owner = ann[RELEASE_NAME_ANNOTATION];
    const ownerNs = ann[RELEASE_NAMESPACE_ANNOTATION];
    if (owner === name && ownerNs === ctx.namespace) continue;
    problems.push(
      owner
        ? `${objectRef(o)} belongs to release "${owner}" in namespace ${ownerNs}`
        : `${objectRef(o)} exists and is not managed by a release`,
    );
  }
  if (problems.length) {
    throw new UserError(`cannot deploy "${name}": objects already exist:\n  ${problems.join('\n  ')}`, {
      hint: 'Delete them, rename them in the chart, or add the annotations meta.helm.sh/release-name and meta.helm.sh/release-namespace to adopt them.',
    });
  }
}

/** Runs the hooks of one event in order, honouring delete policies; a failed hook fails the operation. */
export async function runHooks(ctx: ReleaseContext, rls: Release, event: HookEvent, timeoutMs: number): Promise<void> {
  const hooks = hooksFor(rls.hooks ?? [], event);
  if (hooks.length === 0) return;
  ctx.log(`  running ${hooks.length} ${event} hook${hooks.length > 1 ? 's' : ''}`);
  for (const h of hooks) {
    const docs = parseManifest(`---\n# Source: ${h.path}\n${h.manifest ?? ''}`);
    const doc = docs[0];
    if (!doc) continue;
    const obj = withOwnership(doc.object, rls.name, ctx.namespace);
    const policies = deletePolicies(h);
    if (policies.includes('before-hook-creation')) await deleteAndWait(ctx, obj, timeoutMs);
    h.last_run = { started_at: iso(ctx), phase: 'Running' };
    ctx.log(`    hook ${objectRef(obj)} (${event}, weight ${h.weight ?? 0})`);
    await ctx.kube.apply(obj);
    try {
      if (obj.kind === 'Job' || obj.kind === 'Pod') await waitForReady(ctx.kube, [obj], { timeoutMs, signal: ctx.signal });
      h.last_run = { ...h.last_run, completed_at: iso(ctx), phase: 'Succeeded' };
      if (policies.includes('hook-succeeded')) await ctx.kube.delete(obj);
    } catch (err) {
      h.last_run = { ...h.last_run, completed_at: iso(ctx), phase: 'Failed' };
      if (policies.includes('hook-failed')) await ctx.kube.delete(obj);
      throw new UserError(`${event} hook ${objectRef(obj)} failed: ${(err as Error).message}`, { cause: err });
    }
  }
}

async function deleteAndWait(ctx: ReleaseContext, obj: KubeObject, timeoutMs: number): Promise<void> {
  if (!(await ctx.kube.delete(obj, 'Background'))) return;
  const deadline = Date.now() + Math.min(timeoutMs, 60_000);
  while (Date.now() < deadline) {
    if (!(await ctx.kube.get(obj.apiVersion!, obj.kind!, obj.metadata!.name!, obj.metadata?.namespace))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new UserError(`${objectRef(obj)} was not deleted within ${Math.round(Math.min(timeoutMs, 60_000) / 1000)}s`);
}

export { objectKey };
