import { describe, expect, it } from 'vitest';
import type { Kube, KubeObject } from '../../../src/kube/client.js';
import { GatewayRouter } from '../../../src/routers/gateway.js';
import { labelValue, routedName } from '../../../src/routers/names.js';
import { NginxRouter } from '../../../src/routers/nginx.js';
import { ReplicaRouter } from '../../../src/routers/replicas.js';
import { isConflict, updateWithRetry } from '../../../src/routers/update.js';

/** In-memory objects with resourceVersions; replace() answers 409 on a stale version or when told to. */
class FakeKube {
  objects = new Map<string, KubeObject>();
  version = 0;
  replaces = 0;
  /** Before the next N replace calls, another writer changes the object (so they conflict). */
  interfere = 0;
  interferer: (o: KubeObject) => void = () => {};
  deleted: string[] = [];
  private key = (kind: string | undefined, name: string | undefined) => `${kind}/${name}`;
  put(o: KubeObject): KubeObject {
    const stored = structuredClone(o);
    stored.metadata = { ...stored.metadata, resourceVersion: String(++this.version) };
    this.objects.set(this.key(o.kind, o.metadata?.name), stored);
    return structuredClone(stored);
  }
  async get(_v: string, kind: string, name: string): Promise<KubeObject | undefined> {
    const o = this.objects.get(this.key(kind, name));
    return o && structuredClone(o);
  }
  async apply(o: KubeObject): Promise<KubeObject> {
    return this.put(o);
  }
  async replace(o: KubeObject): Promise<KubeObject> {
    this.replaces++;
    const k = this.key(o.kind, o.metadata?.name);
    if (this.interfere > 0) {
      this.interfere--;
      const cur = this.objects.get(k)!;
      this.interferer(cur);
      this.put(cur);
    }
    const cur = this.objects.get(k);
    if (!cur) throw Object.assign(new Error('not found'), { code: 404 });
    if (cur.metadata?.resourceVersion !== o.metadata?.resourceVersion) {
      // Like the kube client: a UserError-like wrapper whose cause carries the HTTP status.
      throw new Error(`update ${o.kind} ${o.metadata?.name}: the object has been modified (HTTP 409)`, { cause: Object.assign(new Error('Conflict'), { code: 409 }) });
    }
    return this.put(o);
  }
  async delete(o: KubeObject): Promise<boolean> {
    const k = this.key(o.kind, o.metadata?.name);
    this.deleted.push(k);
    return this.objects.delete(k);
  }
  asKube(): Kube {
    return this as unknown as Kube;
  }
}

const ingress = (name: string, paths: [string, string][]): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name, namespace: 'ns' },
  spec: { ingressClassName: 'nginx', rules: [{ host: 'shop.test', http: { paths: paths.map(([path, svc]) => ({ path, pathType: 'Prefix', backend: { service: { name: svc, port: { number: 80 } } } })) } }] },
});
const target = (stable: string) => ({ namespace: 'ns', release: 'shop', stableService: stable, canaryService: `${stable}-canary` });
type Ing = { metadata: { name: string; annotations: Record<string, string>; labels: Record<string, string> }; spec: { rules: { http: { paths: { path: string; backend: { service: { name: string } } }[] } }[] } };

describe('names of objects rel creates beside an Ingress', () => {
  it('keep the old name when the Service is named like the Ingress, else include the Service', () => {
    expect(routedName('shop', 'shop', '-canary')).toBe('shop-canary');
    expect(routedName('shop', 'shop-api', '-canary')).toBe('shop-shop-api-canary');
    expect(routedName('shop', 'shop-web', '-canary')).not.toBe(routedName('shop', 'shop-api', '-canary'));
  });

  it('stay within the limit deterministically, and long names that differ only at the end stay different', () => {
    const long = 'a'.repeat(200);
    const one = routedName(long, `${'s'.repeat(100)}-one`, '-canary');
    const two = routedName(long, `${'s'.repeat(100)}-two`, '-canary');
    expect(one.length).toBeLessThanOrEqual(253);
    expect(one).toMatch(/^a{200}-s+-[0-9a-f]{8}-canary$/);
    expect(one).not.toBe(two);
    expect(routedName(long, `${'s'.repeat(100)}-one`, '-canary')).toBe(one);
    expect(routedName('x'.repeat(60), 'y', '-preview', 63)).toHaveLength(63);
  });

  it('label values are cut to 63 characters with a hash, ending in an alphanumeric', () => {
    expect(labelValue('shop')).toBe('shop');
    const v = labelValue(`${'a'.repeat(53)}-.${'b'.repeat(20)}`);
    expect(v.length).toBeLessThanOrEqual(63);
    expect(v).toMatch(/^a{53}-[0-9a-f]{8}$/);
    expect(labelValue('c'.repeat(70))).not.toBe(labelValue(`${'c'.repeat(69)}d`));
  });
});

describe('NginxRouter with two changed Services behind one Ingress', () => {
  it('an Ingress with one Service keeps the name `<ingress>-canary`, whatever the Service is called', () => {
    const main = ingress('shop-api', [['/', 'shop-app'], ['/v2', 'shop-app']]);
    expect(new NginxRouter(new FakeKube().asKube(), target('shop-app'), [main]).canaryNames).toEqual(['shop-api-canary']);
  });

  it('creates one canary Ingress per Service, each routing only its own paths', async () => {
    const kube = new FakeKube();
    const main = ingress('shop', [['/', 'shop-web'], ['/api', 'shop-api']]);
    kube.put(main);
    const web = new NginxRouter(kube.asKube(), target('shop-web'), [main]);
    const api = new NginxRouter(kube.asKube(), target('shop-api'), [main]);
    expect([...web.canaryNames, ...api.canaryNames]).toEqual(['shop-shop-web-canary', 'shop-shop-api-canary']);
    await web.setWeight(10);
    await api.setWeight(30);
    const w = (await kube.get('', 'Ingress', web.canaryNames[0]!)) as unknown as Ing;
    const a = (await kube.get('', 'Ingress', api.canaryNames[0]!)) as unknown as Ing;
    expect(w.metadata.annotations['nginx.ingress.kubernetes.io/canary-weight']).toBe('10');
    expect(a.metadata.annotations['nginx.ingress.kubernetes.io/canary-weight']).toBe('30');
    expect(w.spec.rules[0]!.http.paths.map((p) => [p.path, p.backend.service.name])).toEqual([['/', 'shop-web-canary']]);
    expect(a.spec.rules[0]!.http.paths.map((p) => [p.path, p.backend.service.name])).toEqual([['/api', 'shop-api-canary']]);
    expect(await web.currentWeight()).toBe(10);
    await web.reset();
    expect(await kube.get('', 'Ingress', web.canaryNames[0]!)).toBeUndefined();
    expect(await api.currentWeight()).toBe(30);
  });

  it('finds and removes a canary Ingress a rollout started under the legacy name `<ingress>-canary`', async () => {
    const kube = new FakeKube();
    const main = ingress('shop', [['/', 'shop-web'], ['/api', 'shop-api']]);
    kube.put(main);
    // Left by an older rel for shop-web, at weight 25.
    kube.put({ ...ingress('shop-canary', [['/', 'shop-web-canary']]), metadata: { name: 'shop-canary', namespace: 'ns', annotations: { 'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-weight': '25' } } });
    const web = new NginxRouter(kube.asKube(), target('shop-web'), [main]);
    const api = new NginxRouter(kube.asKube(), target('shop-api'), [main]);
    expect(await web.currentWeight()).toBe(25);
    expect(await api.currentWeight()).toBe(0); // it routes to another canary Service: not api's
    await api.reset();
    expect(await kube.get('', 'Ingress', 'shop-canary')).toBeDefined();
    await web.setWeight(50); // takeover: the new name replaces the legacy one
    expect(await kube.get('', 'Ingress', 'shop-canary')).toBeUndefined();
    expect(await web.currentWeight()).toBe(50);
    kube.put({ ...ingress('shop-canary', [['/', 'shop-web-canary']]), metadata: { name: 'shop-canary', namespace: 'ns' } });
    await web.reset();
    expect(await kube.get('', 'Ingress', 'shop-canary')).toBeUndefined();
    expect(await kube.get('', 'Ingress', web.canaryNames[0]!)).toBeUndefined();
  });

  it('a long Ingress name still gives a valid canary-of label', async () => {
    const kube = new FakeKube();
    const name = `shop-${'x'.repeat(80)}`;
    const main = ingress(name, [['/', name]]);
    const r = new NginxRouter(kube.asKube(), target(name), [main]);
    await r.setWeight(5);
    const c = (await kube.get('', 'Ingress', r.canaryNames[0]!)) as unknown as Ing;
    expect(c.metadata.name).toBe(`${name}-canary`);
    expect(c.metadata.labels['rel.dev/canary-of']!.length).toBeLessThanOrEqual(63);
  });
});

describe('updates retried on 409 Conflict', () => {
  it('isConflict sees raw and wrapped 409s only', () => {
    expect(isConflict(Object.assign(new Error('x'), { code: 409 }))).toBe(true);
    expect(isConflict(new Error('x', { cause: { code: 409 } }))).toBe(true);
    expect(isConflict(Object.assign(new Error('x'), { code: 422 }))).toBe(false);
  });

  it('re-reads and re-applies the change, keeping the other writer\'s change', async () => {
    const kube = new FakeKube();
    kube.put({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' } } });
    kube.interfere = 2;
    kube.interferer = (o) => ((o.metadata as Record<string, unknown>).labels = { touched: 'yes' });
    const out = await updateWithRetry(kube.asKube(), () => kube.get('v1', 'Service', 'web'), (live) => {
      (live.spec as Record<string, unknown>).selector = { app: 'web', 'rel.dev/track': 'preview' };
    }, { pauseMs: 1 });
    expect(kube.replaces).toBe(3);
    expect((out!.spec as { selector: unknown }).selector).toEqual({ app: 'web', 'rel.dev/track': 'preview' });
    expect(out!.metadata?.labels).toEqual({ touched: 'yes' });
  });

  it('gives up after the attempts with a clear message; other errors are not retried', async () => {
    const kube = new FakeKube();
    kube.put({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: {} });
    kube.interfere = 100;
    await expect(updateWithRetry(kube.asKube(), () => kube.get('v1', 'Service', 'web'), () => {}, { attempts: 3, pauseMs: 1 })).rejects.toThrow(
      /Service web kept changing under rel \(409 Conflict 3 times\)/,
    );
    expect(kube.replaces).toBe(3);
    const failing = { replace: async () => Promise.reject(Object.assign(new Error('forbidden'), { code: 403 })) } as unknown as Kube;
    let reads = 0;
    await expect(updateWithRetry(failing, async () => (reads++, { kind: 'Service', metadata: { name: 'web' } }), () => {})).rejects.toThrow('forbidden');
    expect(reads).toBe(1);
  });

  it('no change, no update', async () => {
    const kube = new FakeKube();
    kube.put({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' } });
    await updateWithRetry(kube.asKube(), () => kube.get('v1', 'Service', 'web'), () => false);
    expect(kube.replaces).toBe(0);
  });

  it('Gateway API weights and the replica-ratio scale survive a concurrent writer', async () => {
    const kube = new FakeKube();
    const route: KubeObject = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'shop', namespace: 'ns' },
      spec: { rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] },
    };
    kube.put(route);
    const gw = new GatewayRouter(kube.asKube(), target('web'), [route]);
    kube.interfere = 1;
    await gw.setWeight(20);
    expect(kube.replaces).toBe(2);
    expect(await gw.currentWeight()).toBe(20);
    kube.interfere = 1;
    await gw.reset();
    const live = (await kube.get('', 'HTTPRoute', 'shop')) as { spec: { rules: { backendRefs: unknown[] }[] } };
    expect(live.spec.rules[0]!.backendRefs).toEqual([{ name: 'web', port: 80 }]);

    kube.put({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web-canary' }, spec: { replicas: 1 } });
    const rr = new ReplicaRouter(kube.asKube(), { ...target('web'), canaryDeployment: 'web-canary', stableDeployment: 'web', totalReplicas: 4 }, []);
    kube.interfere = 2;
    await rr.setWeight(50);
    expect(await rr.currentWeight()).toBe(50);
  });
});
