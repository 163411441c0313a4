import { describe, expect, it } from 'vitest';
import { call, errorOf, funcs, show } from './helpers.js';
import { GoInt, goInt } from '../../../src/engine/types.js';
import { CONTEXT_FUNCS, helmFuncs, sprigFuncs } from '../../../src/engine/funcs/index.js';

const d = (...kv: unknown[]) => call('dict', ...(kv as never[]));

// Expected strings were printed by helm v4.1.4.
describe('Helm functions', () => {
  it('has exactly the names helm 4 defines (minus context functions)', () => {
    for (const n of ['env', 'expandenv', 'abs', 'mustFromYaml', 'mustToToml']) expect(funcs[n]).toBeUndefined();
    for (const n of ['mustToYaml', 'mustToJson', 'toYamlPretty', 'fromYamlArray', 'fromJsonArray', 'toToml', 'fromToml', 'hello', 'randInt', 'getHostByName', 'buildCustomCert', 'sha512sum', 'kebabcase', 'must_date_modify', 'required', 'fail', 'seq']) {
      expect(funcs[n], n).toBeDefined();
    }
    expect(CONTEXT_FUNCS).toEqual(['include', 'tpl', 'lookup']);
    expect(helmFuncs().fromJson).not.toBe(sprigFuncs().fromJson);
  });

  it('YAML', () => {
    expect(call('toYaml', d('a', [1n, 2n], 'b', d('c', 1n), 's', 'x: y'))).toBe("a:\n- 1\n- 2\nb:\n  c: 1\ns: 'x: y'");
    expect(call('toYamlPretty', d('a', [1n, 2n], 'b', d('c', 1n), 's', 'x: y'))).toBe("a:\n  - 1\n  - 2\nb:\n  c: 1\ns: 'x: y'");
    expect(call('toYamlPretty', d('a', [d('b', [1n], 'c', 'l1\nl2')]))).toBe('a:\n  - b:\n      - 1\n    c: |-\n      l1\n      l2');
    expect(call('toYaml', null)).toBe('null');
    expect(call('mustToYaml', 1n)).toBe('1');
    expect(show('fromYaml', 'a: 1\nb: [x]')).toBe('map[a:1 b:[x]]');
    expect(call('fromYaml', '- a')).toEqual({
      Error: 'error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}',
    });
    expect(show('fromYamlArray', '- a\n- 1')).toBe('[a 1]');
    expect(call('fromYamlArray', 'a: 1')).toEqual([
      'error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}',
    ]);
    expect(show('fromYaml', '')).toBe('map[]');
    expect(show('fromYaml', 'a: 1\n---\nb: 2')).toBe('map[a:1]');
    expect((call('fromYaml', 'a: [') as Record<string, string>).Error).toMatch(/^error converting YAML to JSON: yaml: /);
  });

  it('JSON', () => {
    expect(call('fromJson', '{"a":1}')).toEqual({ a: 1 });
    expect(call('fromJson', '[1]')).toEqual({ Error: 'json: cannot unmarshal array into Go value of type map[string]interface {}' });
    expect(call('fromJsonArray', '[1,"x"]')).toEqual([1, 'x']);
    expect(call('fromJsonArray', '{}')).toEqual(['json: cannot unmarshal object into Go value of type []interface {}']);
    expect(call('mustFromJson', '[1]')).toEqual([1]);
    expect(call('toPrettyJson', d('a', [1n], 'h', '<x>'))).toBe('{\n  "a": [\n    1\n  ],\n  "h": "\\u003cx\\u003e"\n}');
    expect(call('toRawJson', d('h', '<x>'))).toBe('{"h":"<x>"}');
    expect(call('toJson', d('h', '<x>'))).toBe('{"h":"\\u003cx\\u003e"}');
    expect(call('mustToJson', d('a', 1n))).toBe('{"a":1}');
    expect(call('mustToPrettyJson', [])).toBe('[]');
    expect(call('mustToRawJson', '&')).toBe('"&"');
    expect(call('toJson', null)).toBe('null');
    expect(call('toJson', NaN)).toBe('');
    expect(errorOf('mustToJson', NaN)).toMatch(/unsupported value/);
  });

  it('TOML', () => {
    expect(call('toToml', d('a', 1n, 'b', d('c', 'x'), 'l', [1n, 2n]))).toBe('a = 1\nl = [1, 2]\n\n[b]\n  c = "x"\n');
    expect(call('toJson', call('fromToml', 'a = 1\nb = [1,2]\nc = 1.5\nd = 2024-01-02T03:04:05Z'))).toBe(
      '{"a":1,"b":[1,2],"c":1.5,"d":"2024-01-02T03:04:05Z"}',
    );
    expect((call('fromToml', 'a = 1') as Record<string, unknown>).a).toBe(1n);
    expect((call('fromToml', 'a = ') as Record<string, string>).Error).toMatch(/^toml: line 1/);
  });

  it('required and fail', () => {
    expect(errorOf('required', 'need it', null)).toBe('HELM_ERR_STARTneed itHELM_ERR_END');
    expect(errorOf('required', 'need it', '')).toBe('HELM_ERR_STARTneed itHELM_ERR_END');
    expect(call('required', 'need it', 0n)).toBe(0n);
    expect(errorOf('fail', 'boom')).toBe('boom');
    expect(call('hello')).toBe('Hello!');
  });

  it('paths', () => {
    expect(call('base', '/a/b.txt')).toBe('b.txt');
    expect(call('dir', '/a/b.txt')).toBe('/a');
    expect(call('ext', 'x.tar.gz')).toBe('.gz');
    expect(call('clean', 'a//b/../c/.')).toBe('a/c');
    expect(call('isAbs', '/a')).toBe(true);
    expect(call('base', '')).toBe('.');
    expect(call('dir', '')).toBe('.');
    expect(call('clean', '')).toBe('.');
    expect(call('base', '/')).toBe('/');
    expect(call('dir', 'a')).toBe('.');
    expect(call('osBase', 'a/b/')).toBe('b');
    expect(call('osClean', '/../a')).toBe('/a');
  });

  it('urls', () => {
    expect(call('toJson', call('urlParse', 'https://user:pw@host.com:8080/a%20b/c?x=1&y=2#frag'))).toBe(
      '{"fragment":"frag","host":"host.com:8080","hostname":"host.com","opaque":"","path":"/a b/c","query":"x=1\\u0026y=2","scheme":"https","userinfo":"user:pw"}',
    );
    expect(call('toJson', call('urlParse', 'mailto:joe@x.com'))).toBe(
      '{"fragment":"","host":"","hostname":"","opaque":"joe@x.com","path":"","query":"","scheme":"mailto","userinfo":""}',
    );
    expect(call('toJson', call('urlParse', '/rel/path?q'))).toBe(
      '{"fragment":"","host":"","hostname":"","opaque":"","path":"/rel/path","query":"q","scheme":"","userinfo":""}',
    );
    expect((call('urlParse', 'http://[::1]:80/x') as Record<string, string>).hostname).toBe('::1');
    expect(errorOf('urlParse', 'ht tp://x')).toBe(
      'unable to parse url: parse "ht tp://x": first path segment in URL cannot contain colon',
    );
    expect(call('urlJoin', d('scheme', 'https', 'host', 'h.com', 'path', '/a b', 'query', 'x=1', 'fragment', 'f g', 'userinfo', 'u:p'))).toBe(
      'https://u:p@h.com/a%20b?x=1#f%20g',
    );
    expect(call('urlJoin', d('host', 'h', 'path', 'p'))).toBe('//h/p');
    expect(call('urlJoin', d('opaque', 'x@y', 'scheme', 'mailto'))).toBe('mailto:x@y');
  });
});

describe('url errors (helm output)', () => {
  it('matches Sprig and net/url', () => {
    expect(errorOf('urlJoin', d('host', goInt(1)))).toBe('unable to parse host key, must be of type string, but int found');
    expect(errorOf('urlJoin', d('host', 1n))).toBe('unable to parse host key, must be of type string, but int64 found');
    expect(errorOf('urlJoin', d('host', null))).toBe('runtime error: invalid memory address or nil pointer dereference');
    expect(errorOf('urlJoin', d('userinfo', 'a b:%zz'))).toBe(
      'unable to parse userinfo in dict: parse "proto://a b:%zz@host": net/url: invalid userinfo',
    );
    expect(errorOf('urlParse', 'a%zz')).toBe('unable to parse url: parse "a%zz": invalid URL escape "%zz"');
  });
});

describe('toYamlPretty is go-yaml v3 (helm output)', () => {
  it('does not fold long strings', () => {
    const long = 'aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr';
    expect(call('toYamlPretty', d('long', long, 'y', 'y', 'f', 1))).toBe(`f: 1\nlong: ${long}\n"y": "y"`);
    expect(call('toYaml', d('long', long))).toBe('long: aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp\n  qqqq rrrr');
  });
});
