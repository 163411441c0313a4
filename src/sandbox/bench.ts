/**
 * Scale benchmark of the sandbox: N Deployments (rolled out by the controllers) and M Secrets, listed
 * over HTTP whole, by label and in pages, and watched while some change. Reports latencies and memory.
 * Used by test/e2e/sandbox-scale.test.ts; run alone with
 *   node -e "import('./dist/sandbox/bench.js').then((m) => m.benchSandbox()).then((r) => console.log(r))"
 */
import { startSandbox } from './index.js';

export interface SandboxBenchResult {
  deployments: number;
  secrets: number;
  availableDeployments: number;
  createSecretsMs: number;
  createDeploymentsMs: number;
  rolloutSettleMs: number;
  listSecretsMs: number;
  listSecretsItems: number;
  listSelectedMs: number;
  listSelectedItems: number;
  listDeploymentsMs: number;
  listDeploymentsItems: number;
  pagedMs: number;
  pages: number;
  pagedItems: number;
  watchEvents: number;
  changes: number;
  heapGrowthMiB: number;
  rssMiB: number;
}

const ms = (t0: number) => Math.round(performance.now() - t0);

export async function benchSandbox(o: { deployments?: number; secrets?: number; changes?: number; settleTimeoutMs?: number } = {}): Promise<SandboxBenchResult> {
  const nDep = o.deployments ?? 1000;
  const nSec = o.secrets ?? 10_000;
  const changes = o.changes ?? 100;
  const sb = await startSandbox({ port: 0, podStartMs: 200 });
  try {
    const c = sb.cluster;
    const depR = c.kind('apps/v1', 'Deployment');
    const secR = c.kind('v1', 'Secret');
    for (const ns of ['apps', 'vault']) await c.create(c.kind('v1', 'Namespace'), undefined, { metadata: { name: ns } });
    const heap0 = process.memoryUsage().heapUsed;
    let t = performance.now();
    for (let i = 0; i < nSec; i++) await c.create(secR, 'vault', { metadata: { name: `s-${i}`, labels: { shard: String(i % 10) } }, stringData: { password: `p${i}`, user: `u${i}` } });
    const createSecretsMs = ms(t);
    t = performance.now();
    for (let i = 0; i < nDep; i++) {
      await c.create(depR, 'apps', { metadata: { name: `d-${i}`, labels: { app: `d-${i}` } }, spec: { replicas: 1, selector: { matchLabels: { app: `d-${i}` } }, template: { metadata: { labels: { app: `d-${i}` } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } } } });
    }
    const createDeploymentsMs = ms(t);
    t = performance.now();
    let available = 0;
    while (performance.now() - t < (o.settleTimeoutMs ?? 60_000)) {
      available = 0;
      for (const d of c.store.iterate('apps/deployments', 'apps')) if ((d.status as { availableReplicas?: number } | undefined)?.availableReplicas === 1) available++;
      if (available === nDep) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const rolloutSettleMs = ms(t);

    // a watch over HTTP on all Secrets from now on
    const ac = new AbortController();
    let watchEvents = 0;
    const rv = c.store.currentResourceVersion();
    const res = await fetch(`${sb.url}/api/v1/secrets?watch=true&resourceVersion=${rv}`, { signal: ac.signal });
    const pump = (async () => {
      const reader = res.body!.getReader();
      let buf = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buf += Buffer.from(value).toString('utf8');
          let nl;
          while ((nl = buf.indexOf('\n')) >= 0) {
            if (JSON.parse(buf.slice(0, nl)).type === 'MODIFIED') watchEvents++;
            buf = buf.slice(nl + 1);
          }
        }
      } catch {
        /* aborted */
      }
    })();

    const getJson = async (path: string) => (await (await fetch(`${sb.url}${path}`)).json()) as { items: unknown[]; metadata: { continue?: string } };
    t = performance.now();
    const all = await getJson('/api/v1/namespaces/vault/secrets');
    const listSecretsMs = ms(t);
    t = performance.now();
    const sel = await getJson('/api/v1/secrets?labelSelector=shard%3D3');
    const listSelectedMs = ms(t);
    t = performance.now();
    const deps = await getJson('/apis/apps/v1/deployments');
    const listDeploymentsMs = ms(t);
    t = performance.now();
    let cont = '';
    let pages = 0;
    let pagedItems = 0;
    do {
      const page = await getJson(`/api/v1/secrets?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
      pagedItems += page.items.length;
      cont = page.metadata.continue ?? '';
      pages++;
    } while (cont);
    const pagedMs = ms(t);

    for (let i = 0; i < changes; i++) {
      const cur = c.get(secR, 'vault', `s-${i}`);
      await c.update(secR, 'vault', `s-${i}`, { ...cur, metadata: { ...cur.metadata, labels: { ...cur.metadata.labels, rotated: 'yes' } } });
    }
    for (let i = 0; i < 40 && watchEvents < changes; i++) await new Promise((r) => setTimeout(r, 50));
    ac.abort();
    await pump;
    const mem = process.memoryUsage();
    return {
      deployments: nDep,
      secrets: nSec,
      availableDeployments: available,
      createSecretsMs,
      createDeploymentsMs,
      rolloutSettleMs,
      listSecretsMs,
      listSecretsItems: all.items.length,
      listSelectedMs,
      listSelectedItems: sel.items.length,
      listDeploymentsMs,
      listDeploymentsItems: deps.items.length,
      pagedMs,
      pages,
      pagedItems,
      watchEvents,
      changes,
      heapGrowthMiB: Math.round((mem.heapUsed - heap0) / 1048576),
      rssMiB: Math.round(mem.rss / 1048576),
    };
  } finally {
    await sb.stop();
  }
}
