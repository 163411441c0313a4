import { describe, expect, it } from 'vitest';
import { call, errorOf, show } from './helpers.js';

// Expected strings were printed by helm v4.1.4.
describe('regex functions (Go RE2 semantics)', () => {
  it('matches, finds and replaces like Go', () => {
    expect(show('regexFindAll', 'a*', 'baaac', -1n)).toBe('[ aaa ]');
    expect(call('regexFindAll', 'a*', 'baaac', -1n)).toEqual(['', 'aaa', '']);
    expect(call('regexReplaceAll', 'a(x*)b', '-ab-axxb-', '${1}W')).toBe('-W-xxW-');
    expect(call('regexReplaceAll', 'a(x*)b', '-ab-axxb-', '$1W')).toBe('---');
    expect(call('regexSplit', 'a*', 'baaac', -1n)).toEqual(['b', 'c']);
    expect(call('regexSplit', ',', 'a,b,c', 2n)).toEqual(['a', 'b,c']);
    expect(call('regexFind', '[0-9]+', 'ab12cd34')).toBe('12');
    expect(call('regexMatch', '^[a-z]+$', 'abc')).toBe(true);
    expect(call('regexQuoteMeta', 'a.b*c')).toBe('a\\.b\\*c');
    expect(call('regexReplaceAllLiteral', 'a', 'aba', '$1')).toBe('$1b$1');
    expect(call('regexFindAll', '(?i)A', 'aAb', 1n)).toEqual(['a']);
    expect(call('regexMatch', '(', 'x')).toBe(false);
    expect(call('mustRegexMatch', 'a', 'a')).toBe(true);
    expect(call('regexSplit', '', 'abc', -1n)).toEqual(['a', 'b', 'c']);
    expect(call('regexSplit', 'x', '', -1n)).toEqual(['']);
    expect(call('regexReplaceAll', '', 'abc', '-')).toBe('-a-b-c-');
    expect(call('regexFindAll', '[[:alpha:]]+', 'ab1cd', -1n)).toEqual(['ab', 'cd']);
    expect(call('regexReplaceAll', '(?P<first>\\w+) (?P<last>\\w+)', 'John Smith', '${last} $first')).toBe('Smith John');
    expect(call('regexFindAll', '\\s', 'a b\vc', -1n)).toHaveLength(1);
  });

  it('translates Go-only syntax', () => {
    expect(call('regexMatch', '\\Aab\\z', 'ab')).toBe(true);
    expect(call('regexMatch', 'a$', 'a\n')).toBe(false);
    expect(call('regexMatch', '(?m)a$', 'a\nb')).toBe(true);
    expect(call('regexMatch', '(?s)a.b', 'a\nb')).toBe(true);
    expect(call('regexMatch', 'a.b', 'a\nb')).toBe(false);
    expect(call('regexMatch', 'x(?i:AB)y', 'xaby')).toBe(true);
    expect(call('regexMatch', 'x(?i:AB)Y', 'xaby')).toBe(false);
    expect(call('regexMatch', '\\Q.*\\E', 'a.*b')).toBe(true);
    expect(call('regexMatch', '[]a]', ']')).toBe(true);
    expect(call('regexMatch', '\\pL+', 'é')).toBe(true);
    expect(call('regexMatch', '\\p{Greek}', 'α')).toBe(true);
    expect(call('regexMatch', 'a{', 'a{')).toBe(true);
    expect(call('regexMatch', '\\-\\:\\#', '-:#')).toBe(true);
    expect(call('regexMatch', '[^[:digit:]]', '5')).toBe(false);
    expect(call('regexMatch', '\\x{41}\\101', 'AA')).toBe(true);
    expect(call('regexFindAll', '(?U)a+', 'aaa', -1n)).toEqual(['a', 'a', 'a']);
  });

  it('reports Go syntax errors', () => {
    expect(errorOf('mustRegexMatch', '(', 'x')).toBe('error parsing regexp: missing closing ): `(`');
    expect(errorOf('regexFind', '(', 'x')).toBe('regexp: Compile(`(`): error parsing regexp: missing closing ): `(`');
    expect(errorOf('mustRegexFind', 'a)', 'x')).toBe('error parsing regexp: unexpected ): `a)`');
    expect(errorOf('mustRegexFind', '[a', 'x')).toBe('error parsing regexp: missing closing ]: `[a`');
    expect(errorOf('mustRegexFind', 'a**', 'x')).toBe('error parsing regexp: invalid nested repetition operator: `**`');
    expect(errorOf('mustRegexFind', '\\1', 'x')).toBe('error parsing regexp: invalid escape sequence: `\\1`');
    expect(errorOf('mustRegexFind', '(?=a)', 'x')).toBe('error parsing regexp: invalid or unsupported Perl syntax: `(?=`');
    expect(errorOf('mustRegexFind', 'x{2,1}', 'x')).toBe('error parsing regexp: invalid repeat count: `{2,1}`');
    expect(errorOf('mustRegexFind', '*a', 'x')).toBe('error parsing regexp: missing argument to repetition operator: `*`');
  });
});
