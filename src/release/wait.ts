import * as k8s from '@kubernetes/client-node';
import { UserError } from '../cli/errors.js';
import type { Kube, KubeObject } from '../kube/client.js';
import { type Readiness, readiness } from './ready.js';

export interface WaitOptions {
  timeoutMs: number;
  onProgress?: (pending: { ref: string; status: Readiness }[], readyCount: number, total: number) => void;
  signal?: AbortSignal;
}

export function objectRef(o: { kind?: string; metadata?: { name?: string; namespace?: string } }): string {
  return `${o.kind}/${o.metadata?.name}${o.metadata?.namespace ? ` (namespace ${o.metadata.namespace})` : ''}`;
}

/**
 * Waits until every object is ready, using watches on the objects' collections (no blind
 * sleeps). Fails at once when an object reports a terminal failure; on timeout says which
 * objects were not ready and why.
 */
export async function waitForReady(kube: Kube, objects: KubeObject[], opts: WaitOptions): Promise<void> {
  if (objects.length === 0) return;
  const state = new Map<string, Readiness>();
  const key = (o: KubeObject) => `${o.apiVersion}|${o.kind}|${o.metadata?.namespace ?? ''}|${o.metadata?.name}`;
  for (const o of objects) state.set(key(o), { state: 'progress', message: 'not observed yet' });

  const groups = new Map<string, { apiVersion: string; kind: string; namespace?: string; names: Set<string> }>();
  for (const o of objects) {
    const g = `${o.apiVersion}|${o.kind}|${o.metadata?.namespace ?? ''}`;
    if (!groups.has(g)) groups.set(g, { apiVersion: o.apiVersion!, kind: o.kind!, namespace: o.metadata?.namespace, names: new Set() });
    groups.get(g)!.names.add(o.metadata!.name!);
  }

  const watcher = new k8s.Watch(kube.config);
  const aborts: AbortController[] = [];
  let settle!: (err?: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    settle = (err) => (err ? reject(err) : resolve());
  });
  let finished = false;

  const report = () => {
    if (finished) return;
    const entries = [...state.entries()];
    const failedOne = entries.find(([, r]) => r.state === 'failed');
    const pending = entries.filter(([, r]) => r.state !== 'ready');
    opts.onProgress?.(
      pending.map(([k, status]) => ({ ref: refFromKey(k), status })),
      entries.length - pending.length,
      entries.length,
    );
    if (failedOne) {
      finished = true;
      settle(new UserError(`${refFromKey(failedOne[0])} failed: ${failedOne[1].message}`));
    } else if (pending.length === 0) {
      finished = true;
      settle();
    }
  };

  const startWatch = async (g: { apiVersion: string; kind: string; namespace?: string; names: Set<string> }, attempt = 0): Promise<void> => {
    if (finished) return;
    const path = await kube.objects.collectionPath(g.apiVersion, g.kind, g.namespace);
    kube.requests++;
    const ac = await watcher.watch(
      path,
      { allowWatchBookmarks: true },
      (phase, obj: KubeObject) => {
        const name = obj?.metadata?.name;
        if (!name || !g.names.has(name)) return;
        const k = `${g.apiVersion}|${g.kind}|${g.namespace ?? ''}|${name}`;
        state.set(k, phase === 'DELETED' ? { state: 'progress', message: 'deleted' } : readiness(obj as Parameters<typeof readiness>[0]));
        report();
      },
      (err: unknown) => {
        if (finished) return;
        // The server closes watches from time to time; open a new one (with backoff on errors).
        const delay = err ? Math.min(5000, 200 * 2 ** attempt) : 0;
        setTimeout(() => void startWatch(g, err ? attempt + 1 : 0).catch((e: Error) => fail(e)), delay);
      },
    );
    aborts.push(ac);
  };

  const fail = (e: Error) => {
    if (finished) return;
    finished = true;
    settle(e);
  };

  const timer = setTimeout(() => {
    if (finished) return;
    const pending = [...state.entries()].filter(([, r]) => r.state !== 'ready');
    fail(
      new UserError(
        `timed out after ${Math.round(opts.timeoutMs / 1000)}s waiting for ${pending.length} of ${state.size} resources:\n` +
          pending.map(([k, r]) => `  ${refFromKey(k)}: ${r.message}`).join('\n'),
        { hint: 'Raise --timeout, or look at the pods: `kubectl describe` / `rel status`.' },
      ),
    );
  }, opts.timeoutMs);
  const onAbort = () => fail(new UserError('interrupted while waiting for resources'));
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    await Promise.all([...groups.values()].map((g) => startWatch(g)));
    await done;
  } finally {
    finished = true;
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    for (const ac of aborts) ac.abort();
  }
}

function refFromKey(k: string): string {
  const [, kind, ns, name] = k.split('|');
  return `${kind}/${name}${ns ? ` (namespace ${ns})` : ''}`;
}
