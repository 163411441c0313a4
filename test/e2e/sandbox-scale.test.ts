// Scale: 1,000 Deployments (each rolled out to a pod) and 10,000 Secrets, listed over HTTP (whole and paged)
// and watched, with list latency and memory reported.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ port: 0, podStartMs: 200 });
});
afterAll(async () => {
  await sb?.stop();
});

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await fn();
  return [v, performance.now() - t0];
}

describe('sandbox at scale', () => {
  it('holds 1,000 Deployments and 10,000 Secrets, lists and watches them', async () => {
    const c = sb.cluster;
    const depR = c.kind('apps/v1', 'Deployment');
    const secR = c.kind('v1', 'Secret');
    for (const ns of ['apps', 'vault']) await c.create(c.kind('v1', 'Namespace'), undefined, { metadata: { name: ns } });
    const heap0 = process.memoryUsage().heapUsed;
    const [, createSecrets] = await timed(async () => {
      for (let i = 0; i < 10_000; i++) {
        await c.create(secR, 'vault', { metadata: { name: `s-${i}`, labels: { shard: String(i % 10) } }, stringData: { password: `p${i}`, user: `u${i}` } });
      }
    });
    const [, createDeps] = await timed(async () => {
      for (let i = 0; i < 1000; i++) {
        await c.create(depR, 'apps', { metadata: { name: `d-${i}`, labels: { app: `d-${i}` } }, spec: { replicas: 1, selector: { matchLabels: { app: `d-${i}` } }, template: { metadata: { labels: { app: `d-${i}` } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } } } });
      }
    });
    // wait for the controllers: every Deployment available
    const t0 = Date.now();
    let ready = 0;
    while (Date.now() - t0 < 40_000) {
      ready = [...c.store.iterate('apps/deployments', 'apps')].filter((d) => (d.status as { availableReplicas?: number } | undefined)?.availableReplicas === 1).length;
      if (ready === 1000) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(ready).toBe(1000);
    const settle = Date.now() - t0;

    // watch all Secrets over HTTP from the current version, then change some
    const rv = c.store.currentResourceVersion();
    const ac = new AbortController();
    const events: string[] = [];
    const watchDone = (async () => {
      const res = await fetch(`${sb.url}/api/v1/secrets?watch=true&resourceVersion=${rv}`, { signal: ac.signal });
      const reader = res.body!.getReader();
      let buf = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += Buffer.from(value).toString('utf8');
          let nl;
          while ((nl = buf.indexOf('\n')) >= 0) {
            events.push(JSON.parse(buf.slice(0, nl)).type);
            buf = buf.slice(nl + 1);
          }
        }
      } catch {
        /* aborted */
      }
    })();

    const [, idle] = await timed(async () => fetch(`${sb.url}/version`));
    const [list, listSecrets] = await timed(async () => (await fetch(`${sb.url}/api/v1/namespaces/vault/secrets`)).json() as Promise<{ items: unknown[] }>);
    expect(list.items).toHaveLength(10_000);
    const [sel, listSelected] = await timed(async () => (await fetch(`${sb.url}/api/v1/secrets?labelSelector=shard%3D3`)).json() as Promise<{ items: unknown[] }>);
    expect(sel.items).toHaveLength(1000);
    const [deps, listDeps] = await timed(async () => (await fetch(`${sb.url}/apis/apps/v1/deployments`)).json() as Promise<{ items: unknown[] }>);
    expect(deps.items).toHaveLength(1000);
    // paged like kubectl --chunk-size=500
    const [pages, paged] = await timed(async () => {
      let cont = '';
      let n = 0;
      let count = 0;
      do {
        const page = (await (await fetch(`${sb.url}/api/v1/secrets?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`)).json()) as { items: unknown[]; metadata: { continue?: string } };
        count += page.items.length;
        cont = page.metadata.continue ?? '';
        n++;
      } while (cont);
      return { n, count };
    });
    expect(pages).toEqual({ n: 20, count: 10_000 });

    for (let i = 0; i < 100; i++) {
      const cur = c.get(secR, 'vault', `s-${i}`);
      await c.update(secR, 'vault', `s-${i}`, { ...cur, metadata: { ...cur.metadata, labels: { ...cur.metadata.labels, rotated: 'yes' } } });
    }
    for (let i = 0; i < 20 && events.length < 100; i++) await new Promise((r) => setTimeout(r, 50));
    ac.abort();
    await watchDone;
    expect(events.filter((e) => e === 'MODIFIED')).toHaveLength(100);

    const heapMiB = (process.memoryUsage().heapUsed - heap0) / 1048576;
    const report = { createSecretsMs: Math.round(createSecrets), createDeploymentsMs: Math.round(createDeps), rolloutSettleMs: settle, list10kSecretsMs: Math.round(listSecrets), listSelected1kMs: Math.round(listSelected), list1kDeploymentsMs: Math.round(listDeps), paged20x500Ms: Math.round(paged), heapGrowthMiB: Math.round(heapMiB), idleRequestMs: Math.round(idle) };
    console.log('sandbox scale:', JSON.stringify(report));
    expect(listSecrets).toBeLessThan(3000);
    expect(listDeps).toBeLessThan(3000);
  });
});
