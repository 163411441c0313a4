import { describe, expect, it } from 'vitest';
import { call, errorOf, show } from './helpers.js';
import { GoInt, goInt } from '../../../src/engine/types.js';

// Expected strings were printed by helm v4.1.4.
describe('list, dict, default and reflection functions', () => {
  const d = (...kv: unknown[]) => call('dict', ...(kv as never[]));
  const cases: [string, unknown[], string][] = [
    ['chunk', [2n, [1n, 2n, 3n, 4n, 5n]], '[[1 2] [3 4] [5]]'],
    ['concat', [[1n], [2n, 3n]], '[1 2 3]'],
    ['uniq', [[1n, 1n, 'a', 'a', 1]], '[1 a 1]'],
    ['without', [[1n, 2n, 3n, 1n], 1n], '[2 3]'],
    ['compact', [[0n, '', 'a', null, false, 1n]], '[a 1]'],
    ['reverse', [[1n, 2n, 3n]], '[3 2 1]'],
    ['initial', [[1n, 2n, 3n]], '[1 2]'],
    ['rest', [[1n, 2n, 3n]], '[2 3]'],
    ['has', [1n, [1n, 2n]], 'true'],
    ['has', [1, [1n, 2n]], 'false'],
    ['has', [1n, null], 'false'],
    ['slice', [[1n, 2n, 3n, 4n], 1n, 3n], '[2 3]'],
    ['slice', [[1n, 2n, 3n, 4n], 2n], '[3 4]'],
    ['slice', [[], 0n, 1n], '<nil>'],
    ['last', [[]], '<nil>'],
    ['first', [[7n]], '7'],
    ['append', [[1n], 2n], '[1 2]'],
    ['prepend', [[1n], 2n], '[2 1]'],
    ['default', ['d', 0n], 'd'],
    ['default', ['d', ''], 'd'],
    ['default', ['d', false], 'd'],
    ['default', ['d', []], 'd'],
    ['default', ['d', 'x'], 'x'],
    ['default', ['d'], 'd'],
    ['empty', [0], 'true'],
    ['coalesce', [0n, '', 'x'], 'x'],
    ['all', [1n, ''], 'false'],
    ['any', [0n, 'a'], 'true'],
    ['ternary', ['a', 'b', true], 'a'],
    ['typeOf', [[]], '[]interface {}'],
    ['typeOf', [{}], 'map[string]interface {}'],
    ['typeOf', [1.5], 'float64'],
    ['kindOf', [{}], 'map'],
    ['kindOf', [null], 'invalid'],
    ['typeOf', [null], '<nil>'],
    ['kindIs', ['slice', []], 'true'],
    ['typeIsLike', ['int', goInt(3)], 'true'],
    ['typeIsLike', ['int64', 3n], 'true'],
    ['deepEqual', [[1n, 2n], [1n, 2n]], 'true'],
    ['deepEqual', [1n, 1], 'false'],
  ];
  it.each(cases)('%s case %#', (name, args, want) => {
    expect(show(name, ...(args as never[]))).toBe(want);
  });

  it('dict functions', () => {
    expect(show('pluck', 'a', d('a', 1n), d('b', 2n), d('a', 3n))).toBe('[1 3]');
    expect(show('pick', d('a', 1n, 'b', 2n), 'a', 'c')).toBe('map[a:1]');
    expect(show('omit', d('a', 1n, 'b', 2n), 'a')).toBe('map[b:2]');
    expect(call('get', d('a', 1n), 'b')).toBe('');
    expect(show('dict', 'a')).toBe('map[a:]');
    expect(show('dict', 1n, 2n)).toBe('map[1:2]');
    expect(call('hasKey', d('a', null), 'a')).toBe(true);
    const m = d('a', 1n);
    expect(call('set', m, 'b', 2n)).toBe(m);
    expect(show('unset', m, 'a')).toBe('map[b:2]');
    expect(call('keys', d('a', 1n), d('b', 1n))).toEqual(['a', 'b']);
    expect(show('values', d('a', 1n))).toBe('[1]');
    expect(errorOf('set', null, 'a', 1n)).toBe('assignment to entry in nil map');
    // keys such as __proto__ are ordinary keys
    expect(Object.keys(d('__proto__', 1n) as object)).toEqual(['__proto__']);
  });

  it('merge and mergeOverwrite follow mergo', () => {
    const j = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x));
    const a = call('merge', d('a', 'x', 'b', 0n, 'c', d('d', 1n)), d('a', 'y', 'b', 5n, 'c', d('e', 2n), 'z', null));
    expect(j(a)).toBe('{"a":"x","b":5,"c":{"d":1,"e":2}}');
    const b = call(
      'mergeOverwrite',
      d('a', 'x', 'b', 0n, 'c', d('d', 1n), 's', 'str'),
      d('a', '', 'b', false, 'c', d('e', 2n), 'z', null, 's', d('q', 1n)),
    );
    expect(j(b)).toBe('{"a":"","b":false,"c":{"d":1,"e":2},"s":{"q":1},"z":null}');
    expect(j(call('mergeOverwrite', d('a', 'x', 'c', d('d', 1n)), d('a', [1n], 'c', 'str')))).toBe('{"a":[1],"c":"str"}');
    expect(j(call('merge', d('a', [], 'c', d()), d('a', [1n], 'c', d('x', 1n))))).toBe('{"a":[1],"c":{"x":1}}');
    // dst is modified in place and returned
    const dst = d('k', 1n);
    expect(call('merge', dst, d('n', 2n))).toBe(dst);
  });

  it('dig', () => {
    expect(call('dig', 'a', 'x', d('a', 1n))).toBe(1n);
    expect(call('dig', 'a', 'b', 'def', d('a', d()))).toBe('def');
    expect(call('dig', 'a', 'b', 'def', d('a', d('b', 'v')))).toBe('v');
    expect(errorOf('dig', 'a', 1n)).toBe('dig needs at least three arguments');
    expect(errorOf('dig', 'a', 'b', 'x', d('a', 'str'))).toBe(
      'interface conversion: interface {} is string, not map[string]interface {}',
    );
  });

  it('deepCopy copies maps and lists', () => {
    const src = d('a', [d('b', 1n)]);
    const c = call('deepCopy', src) as Record<string, unknown>;
    expect(show('deepCopy', src)).toBe('map[a:[map[b:1]]]');
    expect(c).not.toBe(src);
    expect((c.a as unknown[])[0]).not.toBe(((src as Record<string, unknown>).a as unknown[])[0]);
    expect(errorOf('deepCopy', null)).toBe('reflect: call of reflect.Value.Type on zero Value');
  });

  it('list errors match Sprig', () => {
    expect(errorOf('first', null)).toBe('runtime error: invalid memory address or nil pointer dereference');
    expect(errorOf('first', 'abc')).toBe('Cannot find first on type string');
    expect(errorOf('mustFirst', 'abc')).toBe('Cannot find first on type string');
    expect(errorOf('slice', [1n, 2n, 3n], 2n, 1n)).toBe('reflect.Value.Slice: slice index out of bounds');
    expect(errorOf('concat', [1n], 'x')).toBe('Cannot concat type string as list');
    expect(errorOf('append', null, 1n)).toBe('runtime error: invalid memory address or nil pointer dereference');
    // Sprig: a nil []interface{} for an empty list (prints "[]", typeOf "[]interface {}", toJson null)
    expect(show('rest', [])).toBe('[]');
    expect(show('initial', [])).toBe('[]');
    expect(show('typeOf', call('mustRest', []))).toBe('[]interface {}');
    expect(call('toJson', call('initial', []))).toBe('null');
  });
});

describe('chunk edge cases', () => {
  it('matches Go for non-positive sizes and empty lists', () => {
    expect(errorOf('chunk', 0n, [1n])).toBe('runtime error: makeslice: len out of range');
    expect(errorOf('chunk', -1n, [1n])).toBe('runtime error: makeslice: len out of range');
    expect(call('chunk', 2n, [])).toEqual([]);
  });
});
