import { describe, expect, it } from 'vitest';
import { formatFloat, formatValue, quote, sprint, sprintf, sprintln } from '../../../src/engine/gofmt.js';
import { GoInt, GoStruct, goInt, type GoValue } from '../../../src/engine/types.js';

class Version extends GoStruct {
  readonly goTypeName = '*semver.Version';
  constructor(readonly Major: bigint) {
    super();
  }
  String(): string {
    return `v${this.Major}.0.0`;
  }
}
class Plain extends GoStruct {
  readonly goTypeName = 'chartutil.KubeVersion';
  Version = 'v1.35.0';
  Major = '1';
}

// Expectations checked against helm v4.1.4 (Go's fmt) with `printf` in a chart.
const cases: [string, GoValue[], string][] = [
  ['%05s', ['ab'], '000ab'],
  ['%-05d', [42n], '42   '],
  ['%05d', [-42n], '-0042'],
  ['%x', [255.5], '0x1.ffp+07'],
  ['%#v', [1.0], '1'],
  ['%v', [1e6], '1e+06'],
  ['%v', [123456], '123456'],
  ['%v', [1234567], '1.234567e+06'],
  ['%v', [1.5], '1.5'],
  ['%v', [1e-5], '1e-05'],
  ['%v', [0.0001], '0.0001'],
  ['%e', [12345.678], '1.234568e+04'],
  ['%+.3g', [1e21], '+1e+21'],
  ['%8.3f', [3.14159], '   3.142'],
  ['%-8.2f|', [2.5], '2.50    |'],
  ['%U', [0x41n], 'U+0041'],
  ['%#U', [0x41n], "U+0041 'A'"],
  ['%q', ['a\tb'], '"a\\tb"'],
  ['%c', [65n], 'A'],
  ['%#g', [1.0], '1.00000'],
  ['%#.3e', [2.0], '2.000e+00'],
  ['%#x', [255n], '0xff'],
  ['%#o', [8n], '010'],
  ['%#b', [5n], '0b101'],
  ['%O', [8n], '0o10'],
  ['%x', ['hi'], '6869'],
  ['% x', ['hi'], '68 69'],
  ['%#X', ['hi'], '0X6869'],
  ['%5t', [true], ' true'],
  ['%v', [[1n, 'a', null]], '[1 a <nil>]'],
  ['%d', [[1n, 2n]], '[1 2]'],
  ['%s', [['a', goInt(1)]], '[a %!s(int=1)]'],
  ['%s', [['a', 1n]], '[a %!s(int64=1)]'],
  ['%d %s', [1n], '1 %!s(MISSING)'],
  ['%d', [1n, goInt(2), 'x'], '1%!(EXTRA int=2, string=x)'],
  ['%[2]d %[1]s', ['a', 3n], '3 a'],
  ['%*d|%-*d|%.*f', [5n, 1n, 5n, 2n, 2n, 3.14159], '    1|2    |3.14'],
  ['%!', [], '%!!(MISSING)'],
  ['%', [], '%!(NOVERB)'],
  ['%[3]d', [1n], '%!d(BADINDEX)'],
  ['%z', [goInt(1)], '%!z(int=1)'],
  ['%*d', [1.5, 2n], '%!(BADWIDTH)2'],
  ['%#v', [1234567.0], '1.234567e+06'],
  ['%#v', ['a'], '"a"'],
  ['%#v', [[1n, 'a', null]], '[]interface {}{1, "a", interface {}(nil)}'],
  ['%#v', [{ a: 1n }], 'map[string]interface {}{"a":1}'],
  ['%+v', [{ a: 1n }], 'map[a:1]'],
  ['%.2s', ['héllo'], 'hé'],
  ['%5.1q', ['abc'], '  "a"'],
  ['%x', [-255n], '-ff'],
  ['%.0f', [2.5], '2'],
  ['%.0f', [0.5], '0'],
  ['%.2f', [0.125], '0.12'],
  ['%.2f', [1.005], '1.00'],
  ['%g', [1e21], '1e+21'],
  ['%G', [1e-7], '1E-07'],
  ['%.3g', [1234567.0], '1.23e+06'],
  ['%s', [null], '%!s(<nil>)'],
  ['%d', [null], '%!d(<nil>)'],
  ['%v', [null], '<nil>'],
  ['%T', [null], '<nil>'],
  ['%T', [goInt(1)], 'int'],
  ['%T', [1n], 'int64'],
  ['%T', [new GoInt(1n, 'uint8')], 'uint8'],
  ['%T', [[]], '[]interface {}'],
  ['%10T', ['x'], '    string'],
  ['%d', ['x'], '%!d(string=x)'],
  ['%d', [1.5], '%!d(float64=1.5)'],
  ['%s', [3], '%!s(float64=3)'],
  ['%6.2f%%', [99.5], ' 99.50%'],
  ['%+d', [5n], '+5'],
  ['% d', [5n], ' 5'],
  ['%08.3f', [-3.14159], '-003.142'],
  ['%x', [new Uint8Array([1, 255])], '01ff'],
  ['%v', [new Uint8Array([104, 105])], '[104 105]'],
  ['%s', [new Uint8Array([104, 105])], 'hi'],
  ['%v', [new Version(2n)], 'v2.0.0'],
  ['%s', [[new Version(3n)]], '[v3.0.0]'],
  ['%v', [new Plain()], '{v1.35.0 1}'],
  ['%+v', [new Plain()], '{Version:v1.35.0 Major:1}'],
  ['%v', [NaN], 'NaN'],
  ['%v', [Infinity], '+Inf'],
  ['%5.1f', [-Infinity], ' -Inf'],
  ['%q', [0x263an], "'☺'"],
  ['%+q', ['☺'], '"\\u263a"'],
  ['%#q', ['a"b'], '`a"b`'],
  ['%.3d', [7n], '007'],
  ['%10.3d|', [-7n], '      -007|'],
  ['%e', [0], '0.000000e+00'],
  ['%v', [-0], '-0'],
  ['%v', [100000000000000000000], '1e+20'],
  ['%v', [0.1 + 0.2], '0.30000000000000004'],
];

describe('sprintf', () => {
  it.each(cases)('%s', (fmt, args, want) => {
    expect(sprintf(fmt, ...args)).toBe(want);
  });
});

describe('sprint / sprintln / formatValue', () => {
  it('adds spaces only between non-string operands', () => {
    expect(sprint('a', 1n, 2n, 'b', 'c')).toBe('a1 2bc');
    expect(sprint(null, null)).toBe('<nil> <nil>');
    expect(sprint(1.5, true)).toBe('1.5 true');
  });
  it('sprintln separates every operand', () => {
    expect(sprintln('a', 'b', 1n)).toBe('a b 1\n');
  });
  it('formats maps with sorted keys and nested values', () => {
    const m = { z: 1, a: ['x', 'y'], m: { k: null } };
    expect(formatValue(m)).toBe('map[a:[x y] m:map[k:<nil>] z:1]');
  });
  it('prints bigints as ints and floats in %g', () => {
    expect(formatValue(12345678901234567890n)).toBe('12345678901234567890');
    expect(formatValue(3)).toBe('3');
    expect(formatValue(1e6)).toBe('1e+06');
  });
  it('prints an invalid value the way fmt prints an invalid reflect.Value', () => {
    expect(formatValue(undefined)).toBe('<invalid reflect.Value>');
  });
});

describe('formatFloat (strconv.FormatFloat)', () => {
  const ff: [number, 'e' | 'E' | 'f' | 'g' | 'G', number, string][] = [
    [1.5, 'f', -1, '1.5'],
    [1e21, 'f', -1, '1000000000000000000000'],
    [123.456, 'e', -1, '1.23456e+02'],
    [123.456, 'e', 2, '1.23e+02'],
    [0.000012345, 'g', -1, '1.2345e-05'],
    [100, 'g', 2, '1e+02'],
    [100, 'g', 3, '100'],
    [2.675, 'f', 2, '2.67'],
    [1, 'f', 0, '1'],
    [9.999, 'f', 2, '10.00'],
    [5e-324, 'g', -1, '5e-324'],
    [1.7976931348623157e308, 'g', -1, '1.7976931348623157e+308'],
  ];
  it.each(ff)('%d %s %d', (f, fmt, prec, want) => {
    expect(formatFloat(f, fmt, prec)).toBe(want);
  });
  it('handles float32 shortest', () => {
    expect(formatFloat(0.1, 'g', -1, 32)).toBe('0.1');
  });
});

describe('quote', () => {
  it('escapes like strconv.Quote', () => {
    expect(quote('a"b\\c\n\x01\x7fé\u00a0')).toBe('"a\\"b\\\\c\\n\\x01\\x7fé\\u00a0"');
    expect(quote('😀')).toBe('"😀"');
  });
});
