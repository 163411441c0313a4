import { describe, expect, it } from 'vitest';
import { Template, TemplateError } from '../../../src/engine/gotemplate/index.js';

const up = { params: ['string' as const], returns: 'string', fn: (s: string) => s.toUpperCase() };

describe('parse trees shared between sets that parse the same text', () => {
  const text = '{{ define "t" }}[{{ up . }}]{{ end }}{{ template "t" .a }}{{ range .l }}{{ if eq . 2 }}{{ break }}{{ end }}{{ . }}{{ end }}';

  it('a second set gets the same trees and renders the same', () => {
    const a = new Template('x').funcs({ up }).parse(text);
    const b = new Template('x').funcs({ up }).parse(text);
    expect(b.tree).toBe(a.tree);
    expect(b.lookup('t')!.tree).toBe(a.lookup('t')!.tree);
    const data = { a: 'q', l: [1n, 3n, 2n, 4n] };
    expect(a.execute(data)).toBe('[Q]13');
    expect(b.execute(data)).toBe(a.execute(data));
  });

  it('a set that lacks a function the text names still fails to parse', () => {
    new Template('y').funcs({ up }).parse(text);
    const e = (() => {
      try {
        new Template('y').parse(text);
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(TemplateError);
    expect((e as Error).message).toBe('template: y:1: function "up" not defined');
  });

  it('break is a function name, not a keyword, where a set defines it: parsed apart', () => {
    const t = '{{ range .l }}{{ break }}{{ end }}';
    expect(new Template('z').parse(t).execute({ l: [1n] })).toBe('');
    const brk = { params: [], returns: 'string', fn: () => 'B' };
    expect(new Template('z').funcs({ break: brk }).parse(t).execute({ l: [1n] })).toBe('B');
  });

  it('the name is part of the key (errors name the template)', () => {
    const t = '{{ .a.b }}';
    new Template('one').parse(t);
    const two = new Template('two').parse(t);
    expect(two.tree!.parseName).toBe('two');
  });
});
