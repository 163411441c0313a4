// Bad input over HTTP: proper Kubernetes Status errors, never a crash.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../../src/sandbox/index.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ port: 0, controllers: false });
  await sb.cluster.create(sb.cluster.kind('v1', 'Namespace'), undefined, { metadata: { name: 'default' } });
});
afterAll(async () => {
  await sb?.stop();
});

async function req(method: string, path: string, body?: string | Buffer, contentType = 'application/json') {
  const res = await fetch(`${sb.url}${path}`, { method, body, headers: body === undefined ? {} : { 'Content-Type': contentType } });
  const text = await res.text();
  let json: { kind?: string; code?: number; reason?: string; message?: string } = {};
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, json };
}

const CM = '/api/v1/namespaces/default/configmaps';

describe('HTTP error handling', () => {
  it.each([
    ['malformed JSON', 'POST', CM, '{"metadata": {"name": ', 400],
    ['malformed YAML', 'POST', CM, 'metadata: {name: [x', 400, 'application/yaml'],
    ['empty body', 'POST', CM, '', 400],
    ['array body', 'POST', CM, '[1,2]', 400],
    ['wrong kind in body', 'POST', CM, '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}}', 400],
    ['wrong apiVersion in body', 'POST', CM, '{"apiVersion":"v2","kind":"ConfigMap","metadata":{"name":"x"}}', 400],
    ['invalid name', 'POST', CM, '{"metadata":{"name":"UPPER"}}', 422],
    ['metadata not an object', 'POST', CM, '{"metadata":"x"}', 400],
    ['unknown resource', 'GET', '/api/v1/frobnicators', undefined, 404],
    ['unknown group', 'GET', '/apis/nope.example.com/v1/things', undefined, 404],
    ['unknown version', 'GET', '/apis/apps/v9/deployments', undefined, 404],
    ['missing object', 'GET', `${CM}/nope`, undefined, 404],
    ['bad label selector', 'GET', `${CM}?labelSelector=a%20in%20b`, undefined, 400],
    ['bad field selector', 'GET', `${CM}?fieldSelector=nonsense`, undefined, 400],
    ['bad continue token', 'GET', `${CM}?limit=1&continue=zzz`, undefined, 400],
    ['bad limit', 'GET', `${CM}?limit=-3`, undefined, 400],
    ['unsupported patch type', 'PATCH', `${CM}/x`, '{}', 415, 'text/plain'],
    ['protobuf of an unknown kind', 'POST', CM, Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0x02, 0x0a, 0x00]), 415, 'application/vnd.kubernetes.protobuf'],
    ['garbage protobuf', 'POST', CM, Buffer.from([0x6b, 0x38, 0x73, 0x00, 0xff, 0xff]), 400, 'application/vnd.kubernetes.protobuf'],
    ['method not allowed', 'PUT', CM, '{}', 405],
    ['bad fieldValidation', 'POST', `${CM}?fieldValidation=Loose`, '{"metadata":{"name":"x"}}', 400],
    ['bad propagationPolicy', 'DELETE', `${CM}/x?propagationPolicy=Sometimes`, undefined, 422],
  ])('%s → %i', async (_name, method, path, body, want, ct?: string) => {
    const r = await req(method as string, path as string, body as string | undefined, ct);
    expect(r.status).toBe(want);
    if (want !== 405 || r.json.kind) {
      expect(r.json.kind).toBe('Status');
      expect(r.json.code).toBe(want);
      expect(r.json.message).toBeTruthy();
    }
  });

  it('refuses bodies over the request limit (413) and objects over 1.5 MiB', async () => {
    const huge = await req('POST', CM, JSON.stringify({ metadata: { name: 'h' }, data: { x: 'y'.repeat(3_200_000) } }));
    expect(huge.status).toBe(413);
    const big = await req('POST', CM, JSON.stringify({ metadata: { name: 'b' }, data: { x: 'y'.repeat(1_600_000) } }));
    expect(big.status).toBe(413);
    expect(big.json.reason).toBe('RequestEntityTooLarge');
  });

  it('requires fieldManager for apply, and decodes YAML apply bodies', async () => {
    const noManager = await req('PATCH', `${CM}/ssa`, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\n', 'application/apply-patch+yaml');
    expect(noManager.status).toBe(422);
    expect(noManager.json.message).toContain('fieldManager: Required value');
    const ok = await req('PATCH', `${CM}/ssa?fieldManager=t`, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {a: "1"}\n', 'application/apply-patch+yaml');
    expect(ok.status).toBe(201);
    const again = await req('PATCH', `${CM}/ssa?fieldManager=t`, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {a: "2"}\n', 'application/apply-patch+yaml');
    expect(again.status).toBe(200);
    const badYaml = await req('PATCH', `${CM}/ssa?fieldManager=t`, 'data: [', 'application/apply-patch+yaml');
    expect(badYaml.status).toBe(400);
  });

  it('answers a watch from a compacted resourceVersion with a 410 ERROR event', async () => {
    await req('POST', CM, JSON.stringify({ metadata: { name: 'w1' } }));
    const rv = sb.cluster.store.currentResourceVersion();
    await req('POST', CM, JSON.stringify({ metadata: { name: 'w2' } }));
    sb.cluster.store.compact();
    const res = await fetch(`${sb.url}${CM}?watch=1&resourceVersion=${Number(rv) - 1}`);
    const text = await res.text();
    const ev = JSON.parse(text.trim().split('\n')[0]!);
    expect(ev.type).toBe('ERROR');
    expect(ev.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
    expect(ev.object.message).toContain('too old resource version');
  });

  it('survives random bodies: only 4xx answers, the server keeps serving', async () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pieces = ['{', '}', '[', ']', '"metadata"', ':', ',', '"name"', '"x-1"', 'null', '1e999', '"\\u0000"', '{"name":{"a":1}}', '"spec"', '"data"', '[{"op":"add"}]', 'true', '-1', '"' + 'a'.repeat(300) + '"'];
    const types = ['application/json', 'application/yaml', 'application/merge-patch+json', 'application/json-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];
    for (let i = 0; i < 300; i++) {
      const n = 1 + Math.floor(rnd() * 12);
      let body = '';
      for (let j = 0; j < n; j++) body += pieces[Math.floor(rnd() * pieces.length)];
      const ct = types[Math.floor(rnd() * types.length)]!;
      const method = ct.includes('patch') ? 'PATCH' : 'POST';
      const path = method === 'PATCH' ? `${CM}/w1?fieldManager=fuzz` : CM;
      const r = await req(method, path, body, ct);
      expect(r.status, `${method} ${ct} ${body}`).toBeGreaterThanOrEqual(200);
      expect(r.status, `${method} ${ct} ${body}`).toBeLessThan(500);
    }
    expect((await fetch(`${sb.url}/version`)).status).toBe(200);
  });
});
