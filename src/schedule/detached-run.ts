/**
 * `rel run-detached`: what the Job made by `rel deploy --detach` runs. It reads deploy.json and bundle.tgz
 * from the mounted Secret (--from, default /etc/rel), unpacks the chart, values and rel.yaml, talks to the API
 * server with the pod's service account, and drives the rollout with `rel deploy`'s own logic.
 *
 * Resume-safe: the revision it creates records `via: job/<JOB>` in its trigger. A retried pod (the first
 * one died) finds that revision and
 *   - pending with rollout state: waits until the dead driver's heartbeat is stale, then resumes it
 *     (`rel deploy --resume`), so the rollout continues at its current step;
 *   - already deployed or failed: reports that and exits 0 or 3 without deploying again.
 * A revision at or past the expected number made by someone else stops it (exit 1): the detached rollout is
 * void, nothing is deployed twice.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../cli/errors.js';
import { ExitCode } from '../cli/exit-codes.js';
import { kubeOptions, releaseContext } from '../actions/context.js';
import { type DeployFlags, type DeployResult, runDeploy } from '../actions/deploy.js';
import { RolloutStateStore, driverGone } from '../rollout/state.js';
import { unpackFiles } from './bundle.js';
import { DETACH_BUNDLE_KEY, DETACH_MOUNT, type DetachSpec, SPEC_KEY } from './detach.js';
import { inCluster, writeInClusterKubeconfig } from './incluster.js';

export interface RunDetachedOptions {
  /** Folder with deploy.json and bundle.tgz (the mounted Secret), default /etc/rel. */
  from?: string;
  /** Cluster access; default: the pod's service account. */
  kubeconfig?: string;
  kubeContext?: string;
  log?: (line: string) => void;
  signal?: AbortSignal;
  /** Poll interval while waiting for a dead driver's heartbeat to go stale (tests). */
  pollMs?: number;
}

export interface RunDetachedResult {
  action: 'deployed' | 'resumed' | 'already-deployed';
  message: string;
  deployed?: DeployResult;
}

export function readSpec(from: string): DetachSpec {
  let spec: DetachSpec;
  try {
    spec = JSON.parse(readFileSync(join(from, SPEC_KEY), 'utf8')) as DetachSpec;
  } catch (e) {
    throw new UserError(`cannot read ${join(from, SPEC_KEY)}: ${(e as Error).message}`, { hint: 'rel run-detached runs in the Job made by `rel deploy --detach`, with its Secret mounted at --from.', exitCode: ExitCode.USAGE });
  }
  if (spec.version !== 1) throw new UserError(`${join(from, SPEC_KEY)} has version ${spec.version}; this rel reads version 1: use the same rel image as the one that started the rollout`, { exitCode: ExitCode.USAGE });
  return spec;
}

export async function runDetached(opts: RunDetachedOptions): Promise<RunDetachedResult> {
  const log = opts.log ?? (() => {});
  const from = opts.from ?? DETACH_MOUNT;
  const spec = readSpec(from);
  const bundle = await unpackFiles(join(from, DETACH_BUNDLE_KEY)).catch((e: Error) => {
    throw new UserError(e.message, { exitCode: ExitCode.USAGE });
  });
  const scratch = mkdtempSync(join(tmpdir(), 'rel-detached-kube-'));
  try {
    let kubeconfig = opts.kubeconfig;
    let kubeContext = opts.kubeContext;
    if (!kubeconfig) {
      if (!inCluster()) throw new UserError('rel run-detached runs inside the Job made by `rel deploy --detach`; outside a pod pass --kubeconfig', { exitCode: ExitCode.USAGE });
      const k = writeInClusterKubeconfig(scratch);
      kubeconfig = k.file;
      kubeContext = k.context;
    }
    const ctx = releaseContext(kubeOptions({ kubeconfig, 'kube-context': kubeContext, namespace: spec.namespace }), log);
    const via = `job/${spec.job}`;
    const flags: DeployFlags = {
      ...(spec.flags as DeployFlags),
      kubeconfig,
      'kube-context': kubeContext,
      namespace: spec.namespace,
      cwd: bundle.dir,
      trigger: { by: spec.startedBy, via },
      // Files named by rel.yaml settings came in the Secret: the settings point at the mounted copies.
      ...(spec.files?.prometheusCaFile ? { 'prometheus-ca-file': join(from, spec.files.prometheusCaFile) } : {}),
    };
    const deployHere = async (f: DeployFlags): Promise<DeployResult> => {
      const previous = process.cwd();
      process.chdir(bundle.dir); // chart, -f and --set-file paths are relative to the bundle
      try {
        return await runDeploy(spec.args, f, log, opts.signal);
      } finally {
        process.chdir(previous);
      }
    };
    const store = new RolloutStateStore(ctx.kube, spec.namespace);
    const pollMs = opts.pollMs ?? 2000;
    for (;;) {
      if (opts.signal?.aborted) throw new UserError('interrupted');
      const history = await ctx.storage.history(spec.release);
      const mine = [...history].reverse().find((r) => r.version >= spec.revision && r.rel?.trigger?.via === via);
      const last = history[history.length - 1];
      if (!mine) {
        if (last && last.version >= spec.revision) {
          throw new UserError(
            `revision ${last.version} of ${spec.release} (${last.info.status}) was made by another operation after this rollout was handed to Job ${spec.job}: nothing was deployed`,
            { hint: `See \`rel history ${spec.release} -n ${spec.namespace}\`.` },
          );
        }
        log(`Job ${spec.job}: deploying ${spec.release} revision ${spec.revision} (${spec.strategy}) in namespace ${spec.namespace}`);
        const r = await deployHere(flags);
        const sha = r.release.manifest !== undefined ? createHash('sha256').update(r.release.manifest).digest('hex') : undefined;
        if (spec.manifestSha256 && sha && sha !== spec.manifestSha256) {
          log(`warning: the manifest rendered in the Job differs from the one rendered where --detach ran (the chart uses lookup, random or time functions, or the cluster changed in between); the Job's render was deployed`);
        }
        return { action: 'deployed', message: `revision ${r.release.version} ${r.release.info.status}`, deployed: r };
      }
      const status = mine.info.status ?? '';
      if (status === 'deployed' || status === 'superseded') {
        const message = `revision ${mine.version} of ${spec.release} was already ${status} by an earlier pod of Job ${spec.job}`;
        log(message);
        return { action: 'already-deployed', message };
      }
      if (status === 'failed') {
        throw new UserError(`revision ${mine.version} of ${spec.release} failed in an earlier pod of Job ${spec.job}: ${mine.info.description ?? ''}`, { exitCode: mine.rel?.strategy && mine.rel.strategy !== 'rolling' ? ExitCode.ROLLED_BACK : ExitCode.ERROR });
      }
      if (!status.startsWith('pending')) throw new UserError(`revision ${mine.version} of ${spec.release} is ${status}: nothing to continue`);
      // Pending: an earlier pod of this Job died while driving it.
      const state = await store.load(spec.release);
      if (!state || state.revision !== mine.version) {
        throw new UserError(`revision ${mine.version} of ${spec.release} is ${status} but has no rollout state: the earlier pod died before the rollout started`, {
          hint: `Run \`rel recover ${spec.release} -n ${spec.namespace}\` (marks it failed), then deploy again.`,
        });
      }
      if (!driverGone(state, spec.staleMs)) {
        log(`Job ${spec.job}: revision ${mine.version} is ${state.phase} at ${state.weight}%; waiting for the previous driver's heartbeat (${state.heartbeat}) to be ${Math.round(spec.staleMs / 1000)} s old before resuming`);
        await new Promise((r) => setTimeout(r, Math.max(200, Math.min(pollMs, Date.parse(state.heartbeat) + spec.staleMs - Date.now() + 100))));
        continue;
      }
      log(`Job ${spec.job}: resuming the ${state.strategy} rollout of revision ${mine.version} at ${state.weight}% (step ${state.stepIndex + 1}/${state.steps.length})`);
      const r = await deployHere({ ...flags, resume: true });
      return { action: 'resumed', message: `revision ${r.release.version} ${r.release.info.status}`, deployed: r };
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    bundle.cleanup();
  }
}
