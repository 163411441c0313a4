import type { Kube, KubeObject } from '../kube/client.js';
import { statusOf } from '../kube/retry.js';

/** True for an HTTP 409 Conflict (the object changed since it was read), raw or wrapped by the kube client. */
export function isConflict(e: unknown): boolean {
  return statusOf(e) === 409 || statusOf((e as { cause?: unknown })?.cause) === 409;
}

export interface UpdateOptions {
  /** Tries in all (the first included). Default 5. */
  attempts?: number;
  /** Pause before re-reading after a conflict; grows linearly. Default 50 ms. */
  pauseMs?: number;
}

/**
 * Read-modify-update of one object that survives concurrent writers: on 409 Conflict the object is read
 * again, changed again and sent again, a few times. `change` edits the live object in place and returns
 * false when it has nothing to change (then no update is sent). Resolves the stored object, or undefined
 * when `read` finds none.
 */
export async function updateWithRetry(
  kube: Pick<Kube, 'replace'>,
  read: () => Promise<KubeObject | undefined>,
  change: (live: KubeObject) => boolean | void,
  opts: UpdateOptions = {},
): Promise<KubeObject | undefined> {
  const attempts = Math.max(1, opts.attempts ?? 5);
  const pause = opts.pauseMs ?? 50;
  for (let i = 1; ; i++) {
    const live = await read();
    if (!live) return undefined;
    if (change(live) === false) return live;
    try {
      return await kube.replace(live);
    } catch (e) {
      if (!isConflict(e) || i >= attempts) {
        if (isConflict(e)) throw new Error(`${live.kind} ${live.metadata?.name} kept changing under rel (409 Conflict ${attempts} times); another controller is writing it: try again`, { cause: e });
        throw e;
      }
      await new Promise((r) => setTimeout(r, pause * i));
    }
  }
}
