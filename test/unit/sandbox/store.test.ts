import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLabelSelector } from '../../../src/sandbox/selectors.js';
import { ObjectStore, type StoreEvent } from '../../../src/sandbox/store.js';

const cm = (ns: string, name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: ns, name, labels } });

describe('ObjectStore', () => {
  it('indexes by resource and namespace, lists sorted with selectors', () => {
    const s = new ObjectStore();
    s.put('/configmaps', cm('b', 'x', { t: '1' }));
    s.put('/configmaps', cm('a', 'y', { t: '2' }));
    s.put('/configmaps', cm('a', 'x', { t: '1' }));
    s.put('/secrets', cm('a', 'x'));
    expect(s.list('/configmaps', undefined).items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['a/x', 'a/y', 'b/x']);
    expect(s.list('/configmaps', 'a').items).toHaveLength(2);
    expect(s.list('/configmaps', undefined, { labelSelector: parseLabelSelector('t=1') }).items).toHaveLength(2);
    expect(s.count('/secrets')).toBe(1);
  });

  it('pages with limit/continue', () => {
    const s = new ObjectStore();
    for (let i = 0; i < 5; i++) s.put('/configmaps', cm('ns', `c${i}`));
    const p1 = s.list('/configmaps', 'ns', { limit: 2 });
    expect(p1.items.map((o) => o.metadata.name)).toEqual(['c0', 'c1']);
    expect(p1.remainingItemCount).toBe(3);
    const p2 = s.list('/configmaps', 'ns', { limit: 2, continue: p1.continue });
    const p3 = s.list('/configmaps', 'ns', { limit: 2, continue: p2.continue });
    expect([...p2.items, ...p3.items].map((o) => o.metadata.name)).toEqual(['c2', 'c3', 'c4']);
    expect(p3.continue).toBeUndefined();
    expect(() => s.list('/configmaps', 'ns', { continue: '!!' })).toThrow(/continue/);
  });

  it('assigns increasing resourceVersions and hands out copies', () => {
    const s = new ObjectStore();
    const a = s.put('/configmaps', cm('ns', 'a'));
    const b = s.put('/configmaps', cm('ns', 'b'));
    expect(Number(b.metadata.resourceVersion)).toBeGreaterThan(Number(a.metadata.resourceVersion));
    const got = s.get('/configmaps', 'ns', 'a')!;
    got.metadata.name = 'changed';
    expect(s.get('/configmaps', 'ns', 'a')!.metadata.name).toBe('a');
  });

  it('watches from a resourceVersion and answers 410 for compacted history', () => {
    const s = new ObjectStore();
    s.put('/configmaps', cm('ns', 'a'));
    const rv = Number(s.currentResourceVersion());
    s.put('/configmaps', cm('ns', 'b'));
    s.put('/secrets', cm('ns', 's'));
    s.remove('/configmaps', 'ns', 'a');
    const seen: string[] = [];
    const w = s.watch('/configmaps', 'ns', rv, (ev: StoreEvent) => seen.push(`${ev.type} ${ev.object.metadata.name}`));
    s.put('/configmaps', cm('other', 'c'));
    s.put('/configmaps', cm('ns', 'b'));
    w.stop();
    s.put('/configmaps', cm('ns', 'd'));
    expect(seen).toEqual(['ADDED b', 'DELETED a', 'MODIFIED b']);
    s.compact();
    expect(() => s.watch('/configmaps', undefined, rv, () => undefined)).toThrow(expect.objectContaining({ code: 410 }));
  });

  it('persists to a directory and loads again', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rel-store-'));
    try {
      const s = new ObjectStore();
      s.persistTo(dir);
      s.put('/configmaps', cm('ns', 'kept'));
      s.flush();
      const t = new ObjectStore();
      t.persistTo(dir);
      expect(t.get('/configmaps', 'ns', 'kept')?.metadata.name).toBe('kept');
      expect(Number(t.currentResourceVersion())).toBeGreaterThanOrEqual(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('watch over HTTP with a label selector', () => {
  it('sees objects enter and leave the selection', async () => {
    const { startSandbox } = await import('../../../src/sandbox/index.js');
    const sb = await startSandbox({ port: 0, controllers: false });
    try {
      const c = sb.cluster;
      await c.create(c.kind('v1', 'Namespace'), undefined, { metadata: { name: 'default' } });
      const cmR = c.kind('v1', 'ConfigMap');
      const ac = new AbortController();
      const res = await fetch(`${sb.url}/api/v1/namespaces/default/configmaps?watch=1&labelSelector=tier%3Dgold`, { signal: ac.signal });
      const reader = res.body!.getReader();
      const events: string[] = [];
      const pump = (async () => {
        let buf = '';
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) return;
            buf += Buffer.from(value).toString('utf8');
            let nl;
            while ((nl = buf.indexOf('\n')) >= 0) {
              const ev = JSON.parse(buf.slice(0, nl));
              events.push(`${ev.type} ${ev.object.metadata.name}`);
              buf = buf.slice(nl + 1);
            }
          }
        } catch {
          /* aborted */
        }
      })();
      const a = await c.create(cmR, 'default', { metadata: { name: 'a', labels: { tier: 'silver' } } });
      const a2 = await c.update(cmR, 'default', 'a', { ...a, metadata: { ...a.metadata, labels: { tier: 'gold' } } });
      await c.update(cmR, 'default', 'a', { ...a2, metadata: { ...a2.metadata, labels: { tier: 'bronze' } } });
      await new Promise((r) => setTimeout(r, 200));
      ac.abort();
      await pump;
      expect(events).toEqual(['ADDED a', 'DELETED a']);
    } finally {
      await sb.stop();
    }
  });
});
