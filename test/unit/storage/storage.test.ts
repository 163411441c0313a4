import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeRelease, encodeRelease } from '../../../src/storage/codec.js';
import { ReleaseExistsError, ReleaseNotFoundError } from '../../../src/storage/driver.js';
import { KubeRecordDriver, type RecordApi, type RecordObject } from '../../../src/storage/kube-records.js';
import { MemoryDriver } from '../../../src/storage/memory.js';
import { type Release, releaseKey } from '../../../src/storage/release.js';
import { Storage } from '../../../src/storage/storage.js';

function rel(version: number, status: Release['info']['status'] = 'superseded'): Release {
  return {
    name: 'shop',
    namespace: 'prod',
    version,
    info: { status, description: `rev ${version}`, first_deployed: '2026-01-01T00:00:00Z', last_deployed: '2026-01-01T00:00:00Z' },
    manifest: '---\n# Source: shop/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\n',
    config: { replicas: 2 },
    labels: { team: 'web' },
    rel: { strategy: 'canary' },
  };
}

/** A RecordApi over a Map, with label-selector filtering like the API server's equality selectors. */
class MapApi implements RecordApi {
  objs = new Map<string, RecordObject>();
  async get(name: string) {
    return this.objs.get(name);
  }
  async list(sel: string) {
    const want = sel.split(',').map((p) => p.split('='));
    return [...this.objs.values()].filter((o) => want.every(([k, v]) => o.metadata.labels?.[k!] === v));
  }
  async create(obj: RecordObject) {
    if (this.objs.has(obj.metadata.name)) throw Object.assign(new Error('exists'), { code: 409 });
    this.objs.set(obj.metadata.name, obj);
  }
  async replace(obj: RecordObject) {
    this.objs.set(obj.metadata.name, obj);
  }
  async delete(name: string) {
    this.objs.delete(name);
  }
}

describe('release codec (Helm format)', () => {
  it('is base64(gzip(json)) with Helm field names, labels kept out of the JSON', () => {
    const enc = encodeRelease(rel(3, 'deployed'));
    const json = JSON.parse(gunzipSync(Buffer.from(enc, 'base64')).toString('utf8'));
    expect(Object.keys(json)).toEqual(['name', 'namespace', 'version', 'info', 'manifest', 'config', 'rel']);
    expect(json.info.status).toBe('deployed');
    expect(json.labels).toBeUndefined();
    expect(decodeRelease(enc).version).toBe(3);
  });

  it('reads the uncompressed form and rejects garbage', () => {
    const plain = Buffer.from(JSON.stringify({ name: 'a', version: 1, info: {} })).toString('base64');
    expect(decodeRelease(plain).name).toBe('a');
    expect(() => decodeRelease(Buffer.from('[1]').toString('base64'))).toThrow(/not a Helm release/);
  });
});

describe.each([
  ['memory', () => new MemoryDriver()],
  ['secret', () => new KubeRecordDriver('Secret', new MapApi())],
  ['configmap', () => new KubeRecordDriver('ConfigMap', new MapApi())],
])('%s driver', (_name, make) => {
  it('creates, gets, queries, updates and deletes', async () => {
    const d = make();
    await d.create(releaseKey('shop', 1), rel(1));
    await expect(d.create(releaseKey('shop', 1), rel(1))).rejects.toBeInstanceOf(ReleaseExistsError);
    const got = await d.get(releaseKey('shop', 1));
    expect(got.labels).toEqual({ team: 'web' });
    expect(got.rel).toEqual({ strategy: 'canary' });
    await d.update(releaseKey('shop', 1), { ...rel(1), info: { status: 'deployed' } });
    expect((await d.query({ name: 'shop', status: 'deployed' })).length).toBe(1);
    await expect(d.query({ name: 'shop', status: 'failed' })).rejects.toBeInstanceOf(ReleaseNotFoundError);
    await d.delete(releaseKey('shop', 1));
    await expect(d.get(releaseKey('shop', 1))).rejects.toBeInstanceOf(ReleaseNotFoundError);
  });
});

describe('Secret records', () => {
  it('look like Helm\'s: type, labels, double base64', async () => {
    const api = new MapApi();
    await new KubeRecordDriver('Secret', api).create(releaseKey('shop', 2), rel(2, 'deployed'));
    const obj = api.objs.get('sh.helm.release.v1.shop.v2')!;
    expect(obj.type).toBe('helm.sh/release.v1');
    expect(obj.metadata.labels).toMatchObject({ name: 'shop', owner: 'helm', status: 'deployed', version: '2', team: 'web' });
    const inner = Buffer.from(obj.data!.release!, 'base64').toString('utf8');
    expect(decodeRelease(inner).version).toBe(2);
  });
});

describe('Storage', () => {
  it('orders history, finds deployed, prunes but keeps the deployed revision', async () => {
    const s = new Storage(new MemoryDriver());
    expect(await s.history('shop')).toEqual([]);
    for (const v of [3, 1, 2, 4]) await s.create(rel(v, v === 2 ? 'deployed' : 'superseded'));
    expect((await s.history('shop')).map((r) => r.version)).toEqual([1, 2, 3, 4]);
    expect((await s.deployed('shop'))!.version).toBe(2);
    expect((await s.last('shop'))!.version).toBe(4);
    expect(await s.prune('shop', 2)).toBe(2);
    expect((await s.history('shop')).map((r) => r.version)).toEqual([2, 4]);
  });
});

describe('listLatest', () => {
  it('returns the newest revision of each release per namespace', async () => {
    const d = new MemoryDriver();
    for (const v of [1, 2, 3]) await d.create(releaseKey('shop', v), rel(v));
    await d.create(releaseKey('blog', 1), { ...rel(1), name: 'blog' });
    const latest = (await d.listLatest()).map((r) => `${r.name}@${r.version}`).sort();
    expect(latest).toEqual(['blog@1', 'shop@3']);
  });
});
