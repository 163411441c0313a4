import { UserError } from '../cli/errors.js';
import { RolloutRolledBack } from '../rollout/progressive.js';
import { RolloutStateStore, driverGone } from '../rollout/state.js';
import { type ClusterFlags, kubeOptions, releaseContext } from './context.js';
import { runDeploy } from './deploy.js';

/**
 * rel promote / rel abort: ask the driving process through the rollout state; when it is gone
 * (stale heartbeat), take over with the request already set and drive the rollout to its end here.
 */
export async function controlRollout(
  release: string,
  request: 'promote' | 'promote-full' | 'abort',
  flags: ClusterFlags,
  log: (l: string) => void,
  reason?: string,
): Promise<string> {
  const ctx = releaseContext(kubeOptions(flags), log);
  const store = new RolloutStateStore(ctx.kube, ctx.namespace);
  const state = await store.load(release);
  if (!state) throw new UserError(`release "${release}" has no canary or blue-green rollout in progress in namespace ${ctx.namespace}`);
  const settings = state.settings as { analysisIntervalMs?: number };
  const stale = 3 * (settings.analysisIntervalMs ?? 10_000) + 15_000;
  await store.request(release, request, reason);
  if (!driverGone(state, stale)) {
    log(`asked the running rollout (pid ${state.driverPid}) to ${request}; waiting for it`);
    const deadline = Date.now() + 10 * 60_000;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      if (!(await store.load(release))) {
        const last = await ctx.storage.last(release);
        return `release "${release}" revision ${last?.version}: ${last?.info.status} (${last?.info.description})`;
      }
    }
    return `request sent; the rollout of "${release}" is still running (see rel status ${release})`;
  }
  log(`the rel process driving "${release}" is gone (last heartbeat ${state.heartbeat}); taking over`);
  try {
    const r = await runDeploy({ release }, { ...flags, resume: true }, log);
    return `release "${release}" revision ${r.release.version}: ${r.release.info.status} (${r.release.info.description})`;
  } catch (e) {
    if (request === 'abort' && e instanceof RolloutRolledBack) return `release "${release}" aborted: traffic is on the previous revision`;
    throw e;
  }
}
