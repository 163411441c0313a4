// Bad and hostile input: clear errors, quickly, with bounded memory.
import { describe, expect, it } from 'vitest';
import { parseYaml, parseYamlExact, toYaml, YamlError } from '../../../src/encoding/yaml.js';
import { marshalJson, unmarshalJson, JsonMarshalError, JsonSyntaxError } from '../../../src/encoding/json.js';

function laughs(levels: number): string {
  const names = 'abcdefghijklmnopqrstuvwxyz';
  let s = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  for (let i = 1; i < levels; i++) s += `${names[i]}: &${names[i]} [${Array(9).fill('*' + names[i - 1]).join(',')}]\n`;
  return s;
}

describe('YAML alias bombs', () => {
  it('refuses a billion laughs quickly (fast path)', () => {
    const t = Date.now();
    expect(() => parseYaml(laughs(20))).toThrow('yaml: document contains excessive aliasing');
    expect(Date.now() - t).toBeLessThan(3000);
  });
  it('refuses a billion laughs quickly (exact path)', () => {
    const t = Date.now();
    expect(() => parseYamlExact(laughs(20))).toThrow('yaml: document contains excessive aliasing');
    expect(Date.now() - t).toBeLessThan(3000);
  });
  it('still accepts moderate alias use', () => {
    const v = parseYaml('base: &b {x: 1, z: [1, 2]}\nc1: *b\nc2: *b\nc3: *b\n') as Record<string, unknown>;
    expect(v.c3).toEqual({ x: 1, z: [1, 2] });
    // Each alias becomes its own value, as in Go.
    expect(v.c1).not.toBe(v.c2);
  });
});

describe('deep nesting', () => {
  it('rejects 10,001 levels of flow nesting with go-yaml\'s message', () => {
    const s = 'a: ' + '['.repeat(10001) + ']'.repeat(10001);
    expect(() => parseYaml(s)).toThrow('error converting YAML to JSON: yaml: exceeded max depth of 10000');
  });
  it('fails cleanly (no crash) on very deep block nesting', () => {
    let s = '';
    for (let i = 0; i < 3000; i++) s += ' '.repeat(i) + 'a:\n';
    let err: unknown;
    try {
      parseYaml(s);
    } catch (e) {
      err = e;
    }
    // Either decoded or a YamlError; never a RangeError escaping.
    if (err !== undefined) expect(err).toBeInstanceOf(YamlError);
  });
  it('JSON nesting beyond 10000 levels is an error', () => {
    expect(() => unmarshalJson('['.repeat(10001) + ']'.repeat(10001))).toThrow(JsonSyntaxError);
  });
  it('toYaml of a value nested too deeply is a YamlError, not a crash; toJson has no depth limit (like Go)', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100000; i++) deep = [deep];
    expect(() => toYaml(deep as never)).toThrow(YamlError);
    expect(marshalJson(deep as never).length).toBe(200003);
  });
  it('a cyclic value is json.Marshal\'s cycle error, not a hang', () => {
    const m: Record<string, unknown> = { a: 1 };
    m.self = { inner: m };
    expect(() => marshalJson(m as never)).toThrow('json: unsupported value: encountered a cycle via map[string]interface {}');
  });
});

describe('errors carry position and file', () => {
  it('syntax error: line and file', () => {
    try {
      parseYaml('a: 1\nb: [1, 2\n', { file: 'values.yaml' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(YamlError);
      const ye = e as YamlError;
      expect(ye.file).toBe('values.yaml');
      expect(ye.line).toBeGreaterThan(0);
      expect(ye.message).toBe("error converting YAML to JSON: yaml: line 2: did not find expected ',' or ']'");
    }
  });
  it('U+2028/U+2029/U+0085 break lines for go-yaml: a plain scalar "continued" at column 0 fails', () => {
    // helm 4.1.4: cannot unmarshal yaml document: error converting YAML to JSON: yaml: line 3: could not find expected ':'
    expect(() => parseYaml('a: x\u2028y\n')).toThrow("yaml: line 3: could not find expected ':'");
    expect(() => parseYaml('a: x\u0085y\n')).toThrow("yaml: line 3: could not find expected ':'");
    // inside quotes the character stays (helm: {"a":"x\u2028y"})
    expect(parseYaml('a: "x\u2028y"\n')).toEqual({ a: 'x\u2028y' });
    expect(parseYaml("a: 'x\u2029y'\n")).toEqual({ a: 'x\u2029y' });
  });
  it('control characters are refused like go-yaml', () => {
    expect(() => parseYaml('a: "x\u0007"\n')).toThrow('yaml: control characters are not allowed');
  });
});

describe('stack exhaustion is flagged', () => {
  it('a block document nested beyond the parser stack says so (retry on a bigger stack can work)', () => {
    let s = '';
    for (let i = 0; i < 2000; i++) s += ' '.repeat(i) + 'a:\n';
    try {
      parseYaml(s);
    } catch (e) {
      expect(e).toBeInstanceOf(YamlError);
      expect((e as YamlError).stackExhausted).toBe(true);
      expect((e as YamlError).message).toContain('nested too deeply');
    }
  });
});
