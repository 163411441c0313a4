import { describe, expect, it } from 'vitest';
import { call, errorOf, show } from './helpers.js';

// Expected values were printed by helm v4.1.4 for the same calls.
describe('string functions', () => {
  const cases: [string, unknown[], string][] = [
    ['b64dec', ['abc'], 'illegal base64 data at input byte 0'],
    ['b64dec', ['a'], 'illegal base64 data at input byte 0'],
    ['b64dec', ['ab!d'], 'illegal base64 data at input byte 2'],
    ['b64dec', ['YWJj\nZA=='], 'abcd'],
    ['b64dec', ['YQ='], 'illegal base64 data at input byte 3'],
    ['b64dec', ['YQ==YQ=='], 'illegal base64 data at input byte 4'],
    ['b64dec', ['YR=='], 'a'],
    ['b64enc', ['hello'], 'aGVsbG8='],
    ['b32dec', ['MFRGG'], 'illegal base32 data at input byte 0'],
    ['b32dec', ['MFRGG==='], 'abc'],
    ['b32dec', ['M!'], 'illegal base32 data at input byte 1'],
    ['b32enc', ['abc'], 'MFRGG==='],
    ['snakecase', ['HTTPServer'], 'http_server'],
    ['snakecase', ['FirstName'], 'first_name'],
    ['snakecase', ['NoHTTPS'], 'no_https'],
    ['snakecase', ['GO_PATH'], 'go_path'],
    ['snakecase', ['GO PATH'], 'go_path'],
    ['snakecase', ['http2xx'], 'http_2xx'],
    ['snakecase', ['HTTP20xOK'], 'http_20x_ok'],
    ['snakecase', ['Duration2m3s'], 'duration_2m3s'],
    ['snakecase', ['Bld4Floor3rd'], 'bld4_floor_3rd'],
    ['snakecase', ['a.b-c d'], 'a.b_c_d'],
    ['snakecase', ['fooBar_baz'], 'foo_bar_baz'],
    ['camelcase', ['some_words'], 'SomeWords'],
    ['camelcase', ['http_server'], 'HttpServer'],
    ['camelcase', ['_complex__case_'], '_Complex_Case_'],
    ['camelcase', ['foo-bar baz'], 'FooBarBaz'],
    ['camelcase', ['FOO_BAR'], 'FooBar'],
    ['camelcase', ['a'], 'A'],
    ['kebabcase', ['HTTPServer'], 'http-server'],
    ['kebabcase', ['FirstName'], 'first-name'],
    ['kebabcase', ['foo_bar'], 'foo-bar'],
    ['kebabcase', ['Bld4Floor3rd'], 'bld4-floor-3rd'],
    ['title', ["hello wORLD foo_bar o'neil x-y"], "Hello WORLD Foo_bar O'Neil X-Y"],
    ['untitle', ['Hello World'], 'hello world'],
    ['initials', ['First Try'], 'FT'],
    ['swapcase', ['Hello World'], 'hELLO wORLD'],
    ['nospace', [' a b  c '], 'abc'],
    ['wrap', [5n, 'Hello World there long-long-word x'], 'Hello\nWorld\nthere\nlong-long-word\nx'],
    ['wrapWith', [5n, '\t', 'Hello World'], 'Hello\tWorld'],
    ['abbrev', [5n, 'hello world'], 'he...'],
    ['abbrevboth', [5n, 10n, '1234 5678 9123'], '...5678...'],
    ['abbrev', [3n, 'hello'], 'hello'],
    ['abbrevboth', [0n, 4n, 'abcdefg'], 'a...'],
    ['substr', [1n, 3n, 'hello'], 'el'],
    ['substr', [-1n, 3n, 'hello'], 'hel'],
    ['substr', [2n, -1n, 'hello'], 'llo'],
    ['substr', [2n, 10n, 'hello'], 'llo'],
    ['trunc', [-2n, 'hello'], 'lo'],
    ['trunc', [10n, 'hi'], 'hi'],
    ['trunc', [3n, 'hello'], 'hel'],
    ['trim', ['  a b \n'], 'a b'],
    ['trimAll', ['$', '$$a$'], 'a'],
    ['trimSuffix', ['-', 'a-'], 'a'],
    ['trimPrefix', ['-', '-a'], 'a'],
    ['upper', ['straße'], 'STRAßE'],
    ['lower', ['ABC'], 'abc'],
    ['lower', ['ǈ İ'], 'ǉ i'],
    ['replace', [' ', '-', 'Me First'], 'Me-First'],
    ['replace', ['', '-', 'ab'], '-a-b-'],
    ['indent', [2n, 'a\nb'], '  a\n  b'],
    ['nindent', [2n, 'a'], '\n  a'],
    ['plural', ['one', 'many', 1n], 'one'],
    ['plural', ['one', 'many', 2n], 'many'],
    ['quote', [1n, null, 'a', 2], '"1" "a" "2"'],
    ['squote', [1n, null, 'a'], "'1' 'a'"],
    ['cat', [1n, null, 'a', 2.5], '1 a 2.5'],
    ['toString', [1.5], '1.5'],
    ['toString', [{ a: 1, b: { c: 2 } }], 'map[a:1 b:map[c:2]]'],
    ['split', ['.', 'a.b.c'], 'map[_0:a _1:b _2:c]'],
    ['splitn', ['.', 2n, 'a.b.c'], 'map[_0:a _1:b.c]'],
    ['splitList', ['', 'ab'], '[a b]'],
    ['toStrings', [[1n, null, 'a', 2.5]], '[1 a 2.5]'],
    ['join', ['-', [1n, 2n, null, 'x']], '1-2-x'],
    ['join', [',', 'abc'], 'abc'],
    ['sortAlpha', [['b', 10n, 'a']], '[10 a b]'],
    ['sortAlpha', [5n], '[5]'],
    ['contains', ['ab', 'cabd'], 'true'],
    ['hasPrefix', ['ca', 'cabd'], 'true'],
    ['hasSuffix', ['x', 'cabd'], 'false'],
    ['repeat', [3n, 'ab'], 'ababab'],
  ];
  it.each(cases)('%s case %#', (name, args, want) => {
    expect(show(name, ...(args as never[]))).toBe(want);
  });

  it('reports Go runtime errors', () => {
    expect(errorOf('substr', 4n, 2n, 'hello')).toBe('runtime error: slice bounds out of range [4:2]');
    expect(errorOf('repeat', -1n, 'x')).toBe('strings: negative Repeat count');
    expect(errorOf('repeat', 2000000000n, 'x')).toMatch(/limit/);
  });

  it('makes random strings from the right alphabets', () => {
    expect(call('randAlphaNum', 40n)).toMatch(/^[a-zA-Z0-9]{40}$/);
    expect(call('randAlpha', 40n)).toMatch(/^[a-zA-Z]{40}$/);
    expect(call('randNumeric', 40n)).toMatch(/^[0-9]{40}$/);
    expect(call('randAscii', 40n)).toMatch(/^[\x20-\x7e]{40}$/);
    expect(call('randAlphaNum', 0n)).toBe('');
    expect(call('randAlphaNum', 16n)).not.toBe(call('randAlphaNum', 16n));
    const s = call('shuffle', 'abcdef') as string;
    expect([...s].sort().join('')).toBe('abcdef');
  });
});

describe('camelcase edge cases (helm output)', () => {
  it.each([
    ['fooBar', 'FooBar'],
    ['foo_barBaz', 'FooBarBaz'],
    ['ABC', 'Abc'],
    ['__', '___'],
    ['x1_y2', 'X1Y2'],
    ['_a', '_A'],
    ['ab_', 'Ab_'],
    ['a__b', 'A_B'],
  ])('%s', (input, want) => {
    expect(call('camelcase', input)).toBe(want);
  });
});

describe('byte-oriented goutils functions (helm output)', () => {
  it('nospace drops space bytes and turns other non-ASCII bytes into Latin-1 runes', () => {
    expect(Buffer.from(call('nospace', 'a\u00a0b\u3000c') as string, 'utf8').toString('base64')).toBe('YcOCYsOjwoDCgGM=');
    expect(call('trim', '\u00a0 x \u0085')).toBe('x');
  });
  it('float64 accepts underscores between digits', () => {
    expect(call('float64', '1_000.5')).toBe(1000.5);
    expect(call('float64', '1__0')).toBe(0);
    expect(call('float64', '1e1_0')).toBe(1e10);
  });
});
