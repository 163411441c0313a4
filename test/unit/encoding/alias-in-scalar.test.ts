// '*x' / '&x' after other text on a line is part of a plain scalar, not an alias or anchor: a later
// syntax error must be reported as such (expected texts are helm 4.1.4's fromYaml answers).
import { describe, expect, it } from 'vitest';
import { parseYamlMap, YamlError } from '../../../src/encoding/yaml.js';
import { marshalJson } from '../../../src/encoding/json.js';

function fromYaml(text: string): string {
  try {
    return marshalJson(parseYamlMap(text));
  } catch (e) {
    if (e instanceof YamlError) return e.message;
    throw e;
  }
}

describe('aliases inside plain scalars', () => {
  it.each([
    ['f: a *b c\ni: {"a":1} x\n', 'error converting YAML to JSON: yaml: line 1: did not find expected key'],
    ['a: b *x\nc: [d] e\n', 'error converting YAML to JSON: yaml: line 1: did not find expected key'],
    ['a: *x\n', "error converting YAML to JSON: yaml: unknown anchor 'x' referenced"],
    ['a: [b, *x]\n', "error converting YAML to JSON: yaml: unknown anchor 'x' referenced"],
    ['a: b *x &y\nc: *y\n', "error converting YAML to JSON: yaml: unknown anchor 'y' referenced"],
    ['a: b *x &y\nc: d\n', '{"a":"b *x \\u0026y","c":"d"}'],
  ])('%j', (text, want) => {
    expect(fromYaml(text)).toBe(want);
  });
});

// go-yaml's scanner reads only [0-9A-Za-z_-] in anchor and alias names (YAML 1.2 parsers take any
// non-space): `*semver.Version` (what `typeOf` prints) fails in helm. Expected texts from helm 4.1.4.
describe('anchor and alias names go-yaml cannot scan', () => {
  it.each([
    ['a: *x.y\n', 'error converting YAML to JSON: yaml: did not find expected alphabetic or numeric character'],
    ['a: 1\nb: &x.y 1\nc: *x.y\n', 'error converting YAML to JSON: yaml: line 2: did not find expected alphabetic or numeric character'],
    ['a: 1\nb: &x@y 1\n', 'error converting YAML to JSON: yaml: line 2: found character that cannot start any token'],
    ['a: 1\nb: *\n', 'error converting YAML to JSON: yaml: line 2: did not find expected alphabetic or numeric character'],
    ['a: & 1\n', 'error converting YAML to JSON: yaml: did not find expected alphabetic or numeric character'],
    ['a: &x-1_y 1\nb: *x-1_y\n', '{"a":1,"b":1}'],
  ])('%j', (text, want) => {
    expect(fromYaml(text)).toBe(want);
  });
});
