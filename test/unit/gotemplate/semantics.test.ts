import { describe, expect, it } from 'vitest';
import { Template, TemplateError } from '../../../src/engine/gotemplate/index.js';
import { GoError, GoFunction, GoStruct, GoValue, newMap } from '../../../src/engine/types.js';
import { errorOf, goData, render, testFuncs } from './helpers.js';

class Caps extends GoStruct {
  readonly goTypeName = '*chartutil.Capabilities';
  static goMethods = { Has: { params: ['string' as const], returns: 'bool' }, Join: { params: ['string' as const], variadic: 'string' as const } };
  Version = 'v1.35.0';
  private hidden = 1;
  constructor(private readonly apis: string[]) {
    super();
  }
  Has(v: string): boolean {
    return this.apis.includes(v);
  }
  Join(sep: string, ...parts: string[]): string {
    return parts.join(sep);
  }
  Fail(): string {
    throw new GoError('method failed');
  }
  String(): string {
    return 'caps(' + this.Version + ')';
  }
  hiddenMethod(): number {
    return this.hidden;
  }
}

class VersionSet extends GoStruct {
  readonly goTypeName = 'common.VersionSet';
  constructor(private readonly v: string[]) {
    super();
  }
  goUnderlying(): GoValue {
    return this.v;
  }
  Has(x: string): boolean {
    return this.v.includes(x);
  }
}

class FileMap extends GoStruct {
  readonly goTypeName = 'common.Files';
  constructor(private readonly m: Record<string, GoValue>) {
    super();
  }
  goUnderlying(): GoValue {
    return this.m;
  }
  Get(n: string): string {
    return String(this.m[n] ?? '');
  }
}

class Plain extends GoStruct {
  readonly goTypeName = 'chart.Metadata';
  Name = 'c';
  Version = '1.0';
  get Upper(): string {
    return this.Name.toUpperCase();
  }
}

// Expected outputs follow Go's documented text/template behaviour.
const outputs: [string, string, GoValue?][] = [
  ['{{ .missing }}', '<no value>'],
  ['{{ .missing.deeper }}', '<no value>'],
  ['{{ $x := .missing }}{{ $x.y }}|', '<no value>|'],
  ['{{ .Values.nul }}', '<no value>'],
  ['{{ print .Values.nul }}', '<nil>'],
  ['{{ .Values.list }}', '[a b c]'],
  ['{{ 1e6 }} {{ 1.5 }} {{ 123456.0 }} {{ 1234567.0 }}', '1e+06 1.5 123456 1.234567e+06'],
  ['{{ slice "hello" 1 3 }}|{{ slice .Values.list 1 }}|{{ slice .Values.list 0 1 2 }}|{{ slice "héllo" 1 3 }}', 'el|[b c]|[a]|é'],
  ['{{ range 0 }}x{{ else }}none{{ end }}', 'none'],
  ['{{ range $i, $c := .Values.list }}{{ if eq $i 1 }}{{ continue }}{{ end }}{{ $c }}{{ end }}', 'ac'],
  ['{{ define "x" }}[{{ . }}]{{ end }}{{ template "x" 1 }}{{ template "x" }}', '[1][<no value>]'],
  ['{{ $x := 1 }}{{ range .Values.list }}{{ $x = . }}{{ end }}{{ $x }}', 'c'],
  ['{{ with $x := .Values.s }}{{ $x }}{{ . }}{{ end }}', 'hellohello'],
  ['{{ .caps.Has "apps/v1" }} {{ .caps.Has "x/v9" }} {{ .caps.Version }} {{ .caps }}', 'true false v1.35.0 caps(v1.35.0)'],
  ['{{ .caps.Join "-" "a" "b" }}|{{ "z" | .caps.Join "+" "y" }}', 'a-b|y+z'],
  ['{{ if .caps.Has "apps/v1" }}yes{{ end }}', 'yes'],
  ['{{ .plain }} {{ .plain.Name }} {{ printf "%+v" .plain }} {{ .plain.Upper }}', '{c 1.0} c {Name:c Version:1.0} C'],
  ['{{ call .fn 2 3 }}', '5'],
  ['{{ js "\\u2028x" }}', '\\u2028x'],
  ['{{ urlquery "a b" "c" }}', 'a+bc'],
  ['{{ index .bytes 1 }} {{ len .bytes }} {{ .bytes }} {{ printf "%s" .bytes }}', '105 2 [104 105] hi'],
  ['{{ 3 | printf "%d %s" "x" }}', '%!d(string=x) %!s(int=3)'],
  ['{{ range .vs }}{{ . }},{{ end }} {{ len .vs }} {{ index .vs 1 }} {{ .vs }} {{ .vs.Has "b" }} {{ if .empty }}x{{ else }}empty{{ end }} {{ slice .vs 1 }}', 'a,b, 2 b [a b] true empty [b]'],
  ['{{ .files.Get "f" }} {{ .files.f }} {{ range $k, $v := .files }}{{ $k }}={{ $v }};{{ end }} {{ index .files "f" }}', 'x x f=x;g=y; x'],
];

function data(): GoValue {
  const d = goData({ Values: { s: 'hello', nul: null, list: ['a', 'b', 'c'] } }) as Record<string, GoValue>;
  d.caps = new Caps(['apps/v1', 'v1']);
  d.plain = new Plain();
  d.fn = new GoFunction({ params: ['int', 'int'], fn: (a: bigint, b: bigint) => a + b });
  d.bytes = new Uint8Array([104, 105]);
  d.vs = new VersionSet(['a', 'b']);
  d.empty = new VersionSet([]);
  d.files = new FileMap(goData({ f: 'x', g: 'y' }) as Record<string, GoValue>);
  return d;
}

describe('execution', () => {
  it.each(outputs)('%s', (tpl, want, d) => {
    expect(render(tpl, d ?? data())).toBe(want);
  });
});

const execErrors: [string, string, string[]?][] = [
  ['{{ .missing }}', 'template: t:1:3: executing "t" at <.missing>: map has no entry for key "missing"', ['missingkey=error']],
  ['{{ .missing.x }}', 'template: t:1:11: executing "t" at <.missing.x>: map has no entry for key "missing"', ['missingkey=error']],
  ['{{ $x := index . "missing" }}{{ $x.y }}', 'template: t:1:34: executing "t" at <$x.y>: nil data; no entry for key "y"', ['missingkey=error']],
  ['{{ .Values.missing.x }}', 'template: t:1:10: executing "t" at <.Values.missing.x>: nil pointer evaluating interface {}.x', ['missingkey=zero']],
  ['{{ .caps.Has 1 }}', 'template: t:1:13: executing "t" at <1>: expected string; found 1'],
  ['{{ .caps.Has }}', 'template: t:1:8: executing "t" at <.caps.Has>: wrong number of args for Has: want 1 got 0'],
  ['{{ .caps.Fail }}', 'template: t:1:8: executing "t" at <.caps.Fail>: error calling Fail: method failed'],
  ['{{ .caps.hidden }}', 'template: t:1:8: executing "t" at <.caps.hidden>: hidden is an unexported field of struct type interface {}'],
  ['{{ .caps.Nope }}', 'template: t:1:8: executing "t" at <.caps.Nope>: can\'t evaluate field Nope in type interface {}'],
  ['{{ .caps.Version 1 }}', 'template: t:1:8: executing "t" at <.caps.Version>: Version has arguments but cannot be invoked as function'],
  ['{{ .Values.s 1 }}', 'template: t:1:10: executing "t" at <.Values.s>: s is not a method but has arguments'],
  ['{{ slice .Values.list 2 1 }}', 'template: t:1:3: executing "t" at <slice .Values.list 2 1>: error calling slice: invalid slice index: 2 > 1'],
  ['{{ slice "abc" 1 2 3 }}', 'template: t:1:3: executing "t" at <slice "abc" 1 2 3>: error calling slice: cannot 3-index slice a string'],
  ['{{ slice .Values.list 0 9 }}', 'template: t:1:3: executing "t" at <slice .Values.list 0 9>: error calling slice: index out of range: 9'],
  ['{{ slice 3 }}', 'template: t:1:3: executing "t" at <slice 3>: error calling slice: can\'t slice item of type int'],
  ['{{ index "abc" 3 }}', 'template: t:1:3: executing "t" at <index "abc" 3>: error calling index: reflect: string index out of range'],
  ['{{ call .fn 1 }}', 'template: t:1:3: executing "t" at <call .fn 1>: error calling call: wrong number of args for .fn: got 1 want 2'],
  ['{{ call .fn 1 "x" }}', 'template: t:1:3: executing "t" at <call .fn 1 "x">: error calling call: arg 1: value has type string; should be int'],
  ['{{ call .Values.s }}', 'template: t:1:3: executing "t" at <call .Values.s>: error calling call: non-function .Values.s of type string'],
  ['{{ call .nope }}', 'template: t:1:3: executing "t" at <call .nope>: error calling call: call of nil'],
  ['{{ .fn }}', 'template: t:1:3: executing "t" at <{{.fn}}>: can\'t print {{.fn}} of type func'],
  ['{{ range 1.5 }}{{ end }}', 'template: t:1:9: executing "t" at <1.5>: range can\'t iterate over 1.5'],
  ['{{ range $i, $v := 3 }}{{ end }}', 'template: t:1:19: executing "t" at <3>: can\'t use 3 to iterate over more than one variable'],
  ['{{ 9223372036854775808 }}', 'template: t:1:3: executing "t" at <9223372036854775808>: 9223372036854775808 overflows int'],
];

describe('execution errors', () => {
  it.each(execErrors)('%s', (tpl, want, opts) => {
    expect(errorOf(() => render(tpl, data(), opts ?? []))).toBe(want);
  });
});

const parseErrors: [string, string][] = [
  ["{{ 'ab' }}", 'template: t:1: malformed character constant: \'ab\''],
  ['{{ 0x }}', 'template: t:1: illegal number syntax: "0x"'],
  // strconv.ParseFloat reports ErrRange beyond float64: not a number for text/template
  ['{{ 1e400 }}', 'template: t:1: illegal number syntax: "1e400"'],
  ['{{ -1e400 }}', 'template: t:1: illegal number syntax: "-1e400"'],
  ['{{ 0x1p99999 }}', 'template: t:1: illegal number syntax: "0x1p99999"'],
  ['{{ 99999999999999999999 }}', 'template: t:1: integer overflow: "99999999999999999999"'],
  ['{{ "\\q" }}', 'template: t:1: invalid syntax'],
  ['{{ nosuch }}', 'template: t:1: function "nosuch" not defined'],
  ['{{ if true }}x', 'template: t:1: unexpected EOF'],
  ['{{ .a', 'template: t:1: unclosed action'],
  ['{{ .a\n\n', 'template: t:3: unclosed action started at t:1'],
  ['a\n{{ "x }}', 'template: t:2: unterminated quoted string'],
  ['{{ $u }}', 'template: t:1: undefined variable "$u"'],
  ['{{ define "a" }}1{{ end }}{{ define "a" }}2{{ end }}', 'template: t:1: multiple definition of template "a"'],
  ['{{ break }}', 'template: t:1: {{break}} outside {{range}}'],
  ['{{ continue }}', 'template: t:1: {{continue}} outside {{range}}'],
  ['{{ end }}', 'template: t:1: unexpected {{end}}'],
  ['{{ else }}', 'template: t:1: unexpected {{else}}'],
  ['{{ if 1 }}{{ else }}{{ else }}{{ end }}', 'template: t:1: expected end; found {{else}}'],
  ['{{ range $a, $b, $c := 1 }}{{ end }}', 'template: t:1: too many declarations in range'],
  ['{{ "a" | "b" }}', 'template: t:1: non executable command in pipeline stage 2'],
  ['{{ 1 ) }}', 'template: t:1: unexpected right paren'],
  ['{{ ( 1 }}', 'template: t:1: unclosed left paren'],
  ['{{ .a# }}', "template: t:1: bad character U+0023 '#'"],
  ['{{ @ }}', 'template: t:1: unexpected "@" in command'],
  ['{{ € }}', "template: t:1: unrecognized character in action: U+20AC '€'"],
  ['{{/* x', 'template: t:1: unclosed comment'],
  ['{{/* x */ 1 }}', 'template: t:1: comment ends before closing delimiter'],
  ['{{ 1.x }}', 'template: t:1: bad number syntax: "1.x"'],
  ['{{ "a".x }}', 'template: t:1: unexpected . after term "\\"a\\""'],
  ['{{ }}', 'template: t:1: missing value for command'],
  ['{{ template 1 }}', 'template: t:1: unexpected "1" in template clause'],
];

describe('parse errors', () => {
  it.each(parseErrors)('%s', (tpl, want) => {
    const e = errorOf(() => new Template('t').funcs(testFuncs).parse(tpl));
    expect(e).toBe(want);
  });
  it('reports structured positions', () => {
    try {
      new Template('t').parse('a\n{{ .x');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TemplateError);
      expect((e as TemplateError).kind).toBe('parse');
      expect((e as TemplateError).location?.line).toBe(2);
    }
  });
});

describe('Template set API', () => {
  it('shares definitions between associated templates, later parses override', () => {
    const root = new Template('root').funcs(testFuncs);
    root.new('a.tpl').parse('{{ define "x" }}A{{ end }}');
    const b = root.new('b.yaml').parse('{{ template "x" }}{{ include "x" }}'.replace('{{ include "x" }}', ''));
    expect(b.execute(null)).toBe('A');
    root.new('c.tpl').parse('{{ define "x" }}C{{ end }}');
    expect(b.execute(null)).toBe('C');
    // an empty redefinition does not replace a template
    root.new('d.tpl').parse('{{ define "x" }}{{ end }}');
    expect(b.execute(null)).toBe('C');
    expect(root.lookup('x')?.name).toBe('x');
    expect(root.definedTemplates()).toBe('; defined templates are: "a.tpl", "b.yaml", "c.tpl", "d.tpl", "x"');
    expect(root.templates().length).toBe(5);
  });

  it('executeTemplate reports missing templates like Go', () => {
    const t = new Template('gotpl');
    expect(errorOf(() => t.executeTemplate('nope', null))).toBe('template: no template "nope" associated with template "gotpl"');
  });

  it('execute of an unparsed template', () => {
    expect(errorOf(() => new Template('e').execute(null))).toBe('template: e: "e" is an incomplete or empty template');
  });

  it('clone copies the set; parsing into the clone leaves the original alone', () => {
    const t = new Template('main').parse('{{ define "d" }}1{{ end }}{{ template "d" }}');
    const c = t.clone();
    c.new('tpl').parse('{{ define "d" }}2{{ end }}');
    expect(t.execute(null)).toBe('1');
    expect(c.execute(null)).toBe('2');
    expect(c.lookup('main')).toBe(c);
  });

  it('custom delimiters', () => {
    expect(new Template('t').delims('[[', ']]').parse('[[ .a ]] {{ .a }} [[- " x " -]]').execute(goData({ a: 1 }))).toBe('1 {{ .a }} x ');
  });

  it('rejects unknown options', () => {
    expect(() => new Template('t').option('missingkey=bogus')).toThrow('unrecognized option: missingkey=bogus');
    expect(() => new Template('t').option('foo')).toThrow('unrecognized option: foo');
  });

  it('functions override builtins and need no keywords', () => {
    const t = new Template('t').funcs({ len: { params: ['any'], fn: () => 'mine' } });
    expect(t.parse('{{ len 1 }}').execute(null)).toBe('mine');
  });

  it('wraps errors of functions, including nested template errors', () => {
    const root = new Template('root').option('missingkey=zero');
    root.funcs({
      include: { params: ['string', 'any'], fn: (n: string, d: GoValue) => root.executeTemplate(n, d) },
    });
    root.new('h').parse('{{ define "bad" }}{{ .x.y }}{{ end }}');
    const t = root.new('main').parse('{{ include "bad" . }}');
    expect(errorOf(() => t.execute(newMap()))).toBe(
      'template: main:1:3: executing "main" at <include "bad" .>: error calling include: template: h:1:23: executing "bad" at <.x.y>: nil pointer evaluating interface {}.y'.replace(
        'nil pointer evaluating interface {}.y',
        'nil pointer evaluating interface {}.y',
      ),
    );
  });
});

describe('limits', () => {
  it('turns runaway recursion into a clear error', () => {
    const t = new Template('r').parse('{{ define "loop" }}{{ template "loop" . }}{{ end }}{{ template "loop" . }}');
    const e = errorOf(() => t.execute(null));
    expect(e).toBe('template: r:1:31: executing "loop" at <{{template "loop" .}}>: exceeded maximum template depth (100000)');
  });

  it('turns runaway include recursion into a clear error', () => {
    const root = new Template('root');
    root.funcs({ include: { params: ['string', 'any'], fn: (n: string, d: GoValue) => root.executeTemplate(n, d) } });
    root.new('h').parse('{{ define "loop" }}{{ include "loop" . }}{{ end }}');
    const t = root.new('main').parse('{{ include "loop" . }}');
    const e = errorOf(() => t.execute(null));
    expect(e).toMatch(/template recursion too deep/);
    expect(e.length).toBeLessThan(500);
  });

  it('bounds the output size', () => {
    const t = new Template('big').setOptions({ maxOutputBytes: 1000 }).parse('{{ range 100000 }}xxxxxxxxxx{{ end }}');
    const e = errorOf(() => t.execute(null));
    expect(e).toBe('template: big: output exceeds the limit of 1000 bytes');
  });
});
