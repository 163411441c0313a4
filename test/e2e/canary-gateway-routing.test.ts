import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeOptions, releaseContext } from '../../src/actions/context.js';
import { runDeploy } from '../../src/actions/deploy.js';
import type { RequestRecord } from '../../src/sandbox/traffic/index.js';
import { RolloutStateStore } from '../../src/rollout/state.js';
import { type TestCluster, root, testCluster } from './support/env.js';

const chart = join(root, 'test/e2e/fixtures/web-gateway');
const RPS = 'route.annotations.sandbox\\.rel\\.dev/requests-per-second=200';

type Rule = { matches?: { headers?: { type: string; name: string; value: string }[] }[]; backendRefs: { name: string; weight?: number }[] };
/** The HTTPRoute without the fields the API server manages. */
const bare = (o: { metadata: Record<string, unknown>; spec: unknown }) => {
  const { resourceVersion: _r, uid: _u, creationTimestamp: _c, generation: _g, managedFields: _m, ...metadata } = o.metadata;
  return { metadata, spec: o.spec };
};

/**
 * Canary by header and by cookie through the Gateway API router (`--router gateway`, an HTTPRoute chart): the
 * sandbox's traffic simulator routes the HTTPRoute's rules by the Gateway API precedence, sends 10% of the host's
 * requests with the header (or cookie) the added rules match, and we look at every request it routes.
 */
describe('canary by header and cookie through a Gateway API HTTPRoute', () => {
  let c: TestCluster;
  const logs: string[] = [];
  const log = (l: string) => logs.push(`${new Date().toISOString()} ${l}`);
  beforeAll(async () => {
    c = await testCluster({ traffic: true });
    await c.kubectl('apply', '-f', join(root, 'test/e2e/fixtures/gateway-api-httproute-crd.yaml'));
  }, 60_000);
  afterAll(async () => c?.stop());

  const route = async (ns: string) => JSON.parse(await c.kubectl('get', 'httproute', `${ns}-web`, '-n', ns, '-o', 'json'));

  /** Deploys v1, starts a header/cookie-only canary of v2 (weight 0), records 3 s of the host's requests during the step. */
  async function routed(ns: string, flags: Record<string, unknown>) {
    const base = { kubeconfig: c.kubeconfig, namespace: ns, 'create-namespace': true, timeout: '30s' };
    await runDeploy({ release: ns, chart }, { ...base, set: [`route.host=${ns}.test`, RPS], wait: true }, log);
    const rendered = bare(await route(ns));
    const done = runDeploy(
      { release: ns, chart },
      { ...base, set: [`route.host=${ns}.test`, RPS, 'image.tag=2.0'], canary: 0, steps: '100', 'step-interval': '8s', router: 'gateway', ...flags },
      log,
    ).catch((e: Error) => e);
    const kube = releaseContext(kubeOptions({ kubeconfig: c.kubeconfig, namespace: ns }), () => {}).kube;
    const store = new RolloutStateStore(kube, ns);
    const deadline = Date.now() + 30_000;
    const hasCanaryRule = async () => ((await route(ns)).spec.rules as Rule[]).some((r) => r.backendRefs.every((b) => b.name === `${ns}-web-canary`));
    while (!(await hasCanaryRule()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect((await store.load(ns))?.weight).toBe(0);
    const live = await route(ns);
    await new Promise((r) => setTimeout(r, 300)); // the simulator picks up the new rules on its next tick
    const seen: RequestRecord[] = [];
    const off = c.traffic!.onRequest((r) => {
      if (r.namespace === ns) seen.push(r);
    });
    await new Promise((r) => setTimeout(r, 3000));
    off();
    return { seen, done, live, rendered, store };
  }

  /** Marked requests reached only the canary's pods, unmarked ones only the stable pods. */
  function expectSplit(ns: string, seen: RequestRecord[], marked: (r: RequestRecord) => boolean) {
    const toCanary = seen.filter(marked);
    const toStable = seen.filter((r) => !marked(r));
    // 200 req/s for 3 s, 10% marked: about 60 and 540.
    expect(toCanary.length).toBeGreaterThan(25);
    expect(toStable.length).toBeGreaterThan(250);
    const where = (rs: RequestRecord[]) => [...new Set(rs.map((r) => `${r.status} ${r.service} ${r.pod?.replace(/-[a-z0-9]+-[a-z0-9]+$/, '')}`))];
    expect(where(toCanary)).toEqual([`200 ${ns}-web-canary ${ns}-web-canary`]);
    expect(where(toStable)).toEqual([`200 ${ns}-web ${ns}-web`]);
    return { toCanary: toCanary.length, toStable: toStable.length };
  }

  it('--canary 0 --canary-header X-Version=v2: only requests with that header reach the canary; after promotion the HTTPRoute is the chart’s', async () => {
    const ns = 'gwhdr';
    const { seen, done, live, rendered } = await routed(ns, { 'canary-header': 'X-Version=v2' });
    const rules = live.spec.rules as Rule[];
    expect(rules).toHaveLength(4);
    expect(rules[0]!.backendRefs.map((b) => [b.name, b.weight])).toEqual([[`${ns}-web`, 100], [`${ns}-web-canary`, 0]]);
    expect(rules.slice(2).map((r) => r.matches!.map((m) => m.headers))).toEqual([
      [[{ type: 'Exact', name: 'X-Version', value: 'v2' }]],
      [[{ type: 'Exact', name: 'X-Version', value: 'v2' }]],
    ]);
    const split = expectSplit(ns, seen, (r) => r.headers?.['X-Version'] === 'v2');
    console.log(`gateway header canary: ${split.toCanary} requests with X-Version: v2 → canary, ${split.toStable} others → stable`);
    const r = (await done) as { release?: { version: number; info: { status: string } } };
    expect(r.release?.info.status, logs.join('\n')).toBe('deployed');
    expect(r.release?.version).toBe(2);
    expect(bare(await route(ns))).toEqual(rendered);
    expect(logs.join('\n')).not.toMatch(/routes by weight only/);
  }, 60_000);

  it('--canary 0 --canary-cookie beta: only requests with beta=always reach the canary; after an abort the HTTPRoute is the chart’s', async () => {
    const ns = 'gwcookie';
    const { seen, done, live, rendered, store } = await routed(ns, { 'canary-cookie': 'beta' });
    const rules = live.spec.rules as Rule[];
    // Chart's two rules, then for each: cookie=always → canary, cookie=never → stable.
    expect(rules).toHaveLength(6);
    expect(rules.slice(2).map((r) => r.backendRefs.map((b) => b.name))).toEqual([[`${ns}-web-canary`], [`${ns}-web`], [`${ns}-web-canary`], [`${ns}-web`]]);
    expect(rules[2]!.matches![0]!.headers).toEqual([{ type: 'RegularExpression', name: 'Cookie', value: '^(.*;\\s*)?beta=always(\\s*;.*)?$' }]);
    const split = expectSplit(ns, seen, (r) => r.cookies?.beta === 'always');
    console.log(`gateway cookie canary: ${split.toCanary} requests with beta=always → canary, ${split.toStable} others → stable`);
    // Abort during the step: traffic back to stable and the HTTPRoute as the chart rendered it.
    await store.request(ns, 'abort', 'test');
    const e = await done;
    expect(e, logs.join('\n')).toBeInstanceOf(Error);
    expect(bare(await route(ns)), logs.join('\n')).toEqual(rendered);
    const history = JSON.parse(await c.helm('history', ns, '-n', ns, '-o', 'json')) as { status: string }[];
    expect(history.map((h) => h.status)).toEqual(['deployed', 'failed']);
  }, 60_000);
  it('the process driving a cookie canary at weight 0 is killed: --resume keeps the cookie rules, then promotes and restores the chart route', async () => {
    const ns = 'gwresume';
    const base = { kubeconfig: c.kubeconfig, namespace: ns, 'create-namespace': true, timeout: '30s' };
    await runDeploy({ release: ns, chart }, { ...base, set: [`route.host=${ns}.test`, RPS], wait: true }, log);
    const rendered = bare(await route(ns));
    const { spawn } = await import('node:child_process');
    const child = spawn(
      process.execPath,
      [join(root, 'bin/run.js'), 'deploy', ns, chart, '-n', ns, '--kubeconfig', c.kubeconfig, '--set', `route.host=${ns}.test`, '--set', RPS, '--set', 'image.tag=2.0', '--canary', '0', '--canary-cookie', 'beta', '--router', 'gateway', '--steps', '100', '--step-interval', '30s'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stderr.on('data', (d) => (out += d));
    child.stdout.on('data', (d) => (out += d));
    const kube = releaseContext(kubeOptions({ kubeconfig: c.kubeconfig, namespace: ns }), () => {}).kube;
    const store = new RolloutStateStore(kube, ns);
    const cookieRules = async () => ((await route(ns)).spec.rules as Rule[]).filter((r) => r.matches?.some((m) => m.headers?.some((h) => h.name === 'Cookie'))).length;
    const deadline = Date.now() + 30_000;
    while (!((await store.load(ns))?.weight === 0 && (await cookieRules()) === 4) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(await cookieRules(), out).toBe(4);
    // Resume: the first step (weight 0) runs again with the cookie rules in place.
    const seen: RequestRecord[] = [];
    const off = c.traffic!.onRequest((r) => {
      if (r.namespace === ns) seen.push(r);
    });
    const resumed = runDeploy({ release: ns }, { kubeconfig: c.kubeconfig, namespace: ns, resume: true, 'step-interval': '4s' }, log).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 2500));
    off();
    expect(await cookieRules(), logs.join('\n')).toBe(4);
    expectSplit(ns, seen, (r) => r.cookies?.beta === 'always');
    const r = await resumed;
    expect(r instanceof Error ? r.message : r.release.info.status, logs.join('\n')).toBe('deployed');
    expect(bare(await route(ns))).toEqual(rendered);
  }, 90_000);
});
