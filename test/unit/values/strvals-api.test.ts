import { describe, expect, it } from 'vitest';
import { mergeMaps, parseSet, parseSetFile, parseSetJSON, parseSetString, StrvalsError } from '../../../src/values/strvals.js';
import { loadValues, readValuesFile, splitYamlDocuments, ValuesError } from '../../../src/values/files.js';
import { newMap } from '../../../src/engine/types.js';

describe('strvals API', () => {
  it('infers Go types: int64 as bigint, bool, nil, strings', () => {
    expect(parseSet('a=1,b=true,c=null,d=1.5,e=0,f=-3')).toEqual({ a: 1n, b: true, c: null, d: '1.5', e: 0n, f: -3n });
    expect(parseSetString('a=1')).toEqual({ a: '1' });
  });
  it('writes into the given map and returns it', () => {
    const into = newMap();
    into.x = { y: 1 };
    const out = parseSet('x.z=2', into);
    expect(out).toBe(into);
    expect(into).toEqual({ x: { y: 1, z: 2n } });
  });
  it('errors carry the bare text and helm\'s full text', () => {
    try {
      parseSet('a');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(StrvalsError);
      expect((e as StrvalsError).message).toBe('key "a" has no value');
      expect((e as StrvalsError).helmMessage).toBe('failed parsing --set data: key "a" has no value');
    }
    try {
      parseSetJSON('a={bad');
      expect.unreachable();
    } catch (e) {
      expect((e as StrvalsError).helmMessage).toBe('failed parsing --set-json data a={bad');
    }
    // a number beyond float64 is json.Unmarshal's type error, not a nil value (helm 4.1.4 fails)
    for (const expr of ['a=1e309', 'a=[1,-1e999]']) {
      try {
        parseSetJSON(expr);
        expect.unreachable();
      } catch (e) {
        expect((e as StrvalsError).helmMessage).toBe(`failed parsing --set-json data ${expr}`);
      }
    }
  });
  it('caps list indexes at 65536', () => {
    expect(() => parseSet('a[65537]=1')).toThrow('index of 65537 is greater than maximum supported index of 65536');
  });
  it('--set-file with a synchronous and an asynchronous reader', async () => {
    expect(parseSetFile('a=p1,b={p2}', newMap(), (p) => `<${p}>`)).toEqual({ a: '<p1>', b: ['<p2>'] });
    const r = parseSetFile('a=p1', newMap(), async (p) => `<${p}>`);
    expect(r).toBeInstanceOf(Promise);
    expect(await r).toEqual({ a: '<p1>' });
    const missing = parseSetFile('a=/nope', newMap(), async () => {
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    });
    await expect(missing).rejects.toThrow('open /nope: no such file or directory');
  });
  it('mergeMaps merges maps, replaces lists and scalars, keeps inputs intact', () => {
    const a = { m: { x: 1, l: [1, 2] }, s: 1 };
    const b = { m: { y: 2, l: [3] }, s: { t: 1 } };
    expect(mergeMaps(a as never, b as never)).toEqual({ m: { x: 1, y: 2, l: [3] }, s: { t: 1 } });
    expect(a).toEqual({ m: { x: 1, l: [1, 2] }, s: 1 });
  });
});

describe('values files', () => {
  it('splits documents like the Kubernetes YAMLReader', () => {
    expect(splitYamlDocuments('---\na: 1\n--- # c\nb: 2\n').map((d) => d.text)).toEqual(['a: 1\n', 'b: 2\n']);
  });
  it('merges every document', () => {
    expect(loadValues('a: {x: 1}\n---\na: {z: 2}\n')).toEqual({ a: { x: 1, z: 2 } });
  });
  it('reports the line of the failing document within the file', () => {
    try {
      readValuesFile('v.yaml', { readFile: () => 'a: 1\n---\nb: 1\nc: [1\n' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValuesError);
      expect((e as ValuesError).message).toBe(
        "failed to parse v.yaml: cannot unmarshal yaml document: error converting YAML to JSON: yaml: line 2: did not find expected ',' or ']'",
      );
      expect((e as ValuesError).file).toBe('v.yaml');
    }
  });
  it('a missing file reads like Go', () => {
    expect(() => readValuesFile('/definitely/not/here.yaml')).toThrow('open /definitely/not/here.yaml: no such file or directory');
  });
});
