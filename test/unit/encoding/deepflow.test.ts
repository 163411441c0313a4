import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../../src/encoding/yaml.js';
import { marshalJson } from '../../../src/encoding/json.js';

describe('deeply nested flow collections (go-yaml accepts up to 10000 levels)', () => {
  it('parses 5000 nested sequences', () => {
    const v = parseYaml('deep: ' + '['.repeat(5000) + ']'.repeat(5000) + '\nother: 1\n') as Record<string, unknown>;
    expect(v.other).toBe(1);
    expect(marshalJson(v.deep as never).length).toBe(10000);
  });
  it('parses 3000 nested mappings with scalars of every kind', () => {
    let s = '';
    for (let i = 0; i < 3000; i++) s += `{k${i}: [yes, 0x10, 1.5, "q\\tx", 'it''s', plain words, ~], next: `;
    s += '1' + '}'.repeat(3000);
    const v = parseYaml('a: ' + s + '\n') as Record<string, unknown>;
    let cur = v.a as Record<string, unknown>;
    expect(cur.k0).toEqual([true, 16, 1.5, 'q\tx', "it's", 'plain words', null]);
    for (let i = 0; i < 2999; i++) cur = cur.next as Record<string, unknown>;
    expect(cur.next).toBe(1);
  });
  it('single-pair mappings and quoted keys inside deep sequences', () => {
    const v = parseYaml('x: ' + '['.repeat(300) + 'a: 1, "b":2, c' + ']'.repeat(300) + '\n') as Record<string, unknown>;
    let cur: unknown = v.x;
    for (let i = 0; i < 299; i++) cur = (cur as unknown[])[0];
    expect(cur).toEqual([{ a: 1 }, { b: 2 }, 'c']);
  });
  it('more than 10000 levels is go-yaml\'s error', () => {
    expect(() => parseYaml('a: ' + '['.repeat(10001) + ']'.repeat(10001))).toThrow('exceeded max depth of 10000');
  });
  it('aliases inside a deep segment give a clear error', () => {
    expect(() => parseYaml('b: &x 1\na: ' + '['.repeat(300) + '*x' + ']'.repeat(300))).toThrow('nested too deeply');
  });
});
