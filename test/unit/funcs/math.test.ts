import { describe, expect, it } from 'vitest';
import { call, errorOf, show } from './helpers.js';
import { GoInt, goInt } from '../../../src/engine/types.js';

// Expected strings were printed by helm v4.1.4.
describe('math functions', () => {
  const cases: [string, unknown[], string][] = [
    ['addf', [0.1, 0.2], '0.3'],
    ['divf', [1n, 3n], '0.3333333333333333'],
    ['divf', [2n, 3n], '0.6666666666666667'],
    ['mulf', [1.1, 3n], '3.3'],
    ['subf', [1n, 0.9], '0.1'],
    ['add1f', [1.5], '2.5'],
    ['round', [1.555, 2n], '1.56'],
    ['round', [-1.5, 0n], '-2'],
    ['round', [2.5, 0n, 0.6], '2'],
    ['ceil', [1.1], '2'],
    ['floor', [-1.1], '-2'],
    ['maxf', [1n, 2.5, '3'], '3'],
    ['minf', [1n, 2.5], '1'],
    ['max', [1n, '5', 3.9], '5'],
    ['min', [4n, -2n], '-2'],
    ['seq', [5n], '1 2 3 4 5'],
    ['seq', [-2n], '1 0 -1 -2'],
    ['seq', [2n, 5n], '2 3 4 5'],
    ['seq', [5n, 2n], '5 4 3 2'],
    ['seq', [0n, 2n, 10n], '0 2 4 6 8 10'],
    ['seq', [10n, -3n, 0n], '10 7 4 1'],
    ['seq', [10n, 3n, 0n], ''],
    ['until', [3n], '[0 1 2]'],
    ['until', [-3n], '[0 -1 -2]'],
    ['untilStep', [0n, 10n, 3n], '[0 3 6 9]'],
    ['toDecimal', ['0777'], '511'],
    ['toDecimal', [777n], '511'],
    ['toDecimal', ['8'], '0'],
    ['atoi', ['12a'], '0'],
    ['atoi', [' 1'], '0'],
    ['atoi', ['+5'], '5'],
    ['int64', ['abc'], '0'],
    ['float64', ['1.5e2'], '150'],
    ['int', ['1e3'], '0'],
    ['int', ['0x10'], '16'],
    ['int', ['010'], '8'],
    ['int', ['5.0'], '5'],
    ['int64', ['1_000'], '1000'],
    ['int', [3.9], '3'],
    ['int', [-3.9], '-3'],
    ['int', [true], '1'],
    ['mod', [-7n, 3n], '-1'],
    ['div', [-7n, 2n], '-3'],
    ['mul', [2n, 3n, 4n], '24'],
    ['sub', [1n, 5n], '-4'],
    ['add', [1n, 2.9, '3'], '6'],
    ['add1', ['x'], '1'],
    ['float64', ['inf'], '+Inf'],
    ['float64', ['0x1p4'], '16'],
    ['int', ['  5'], '0'],
  ];
  it.each(cases)('%s case %#', (name, args, want) => {
    expect(show(name, ...(args as never[]))).toBe(want);
  });

  it('returns Go types: int64 as bigint, int as GoInt, floats as number', () => {
    expect(call('add', 1n, 2n)).toBe(3n);
    expect(call('add', goInt(1), 2n)).toBe(3n);
    expect(call('add1', 1.5)).toBe(2n);
    expect(call('float64', 3n)).toBe(3);
    expect(call('float64', goInt(3))).toBe(3);
    expect(call('divf', 10n, 4n)).toBe(2.5);
    expect(call('atoi', '42')).toEqual(goInt(42));
    expect(call('int', '42')).toEqual(goInt(42));
    expect(call('int64', goInt(42))).toBe(42n);
    expect(call('until', 2n)).toEqual([goInt(0), goInt(1)]);
  });

  it('wraps int64 overflow like Go', () => {
    expect(call('add', 9223372036854775807n, 1n)).toBe(-9223372036854775808n);
  });

  it('reports division by zero', () => {
    expect(errorOf('div', 1n, 0n)).toBe('runtime error: integer divide by zero');
    expect(errorOf('mod', 1n, 0n)).toBe('runtime error: integer divide by zero');
    expect(errorOf('divf', 1n, 0n)).toBe('decimal division by 0');
    expect(errorOf('randInt', 5n, 5n)).toBe('invalid argument to Intn');
  });

  it('randInt stays in range', () => {
    for (let i = 0; i < 50; i++) {
      const v = call('randInt', 3n, 6n) as bigint;
      expect(v >= 3n && v < 6n).toBe(true);
    }
  });
});
