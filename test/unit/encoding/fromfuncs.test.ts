// fromYamlArray / fromJson / fromJsonArray behaviour recorded from helm (fixtures/fromfuncs-golden.json).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseYamlArray, YamlError } from '../../../src/encoding/yaml.js';
import { marshalJson, unmarshalJsonAs } from '../../../src/encoding/json.js';
import type { GoValue } from '../../../src/engine/types.js';

const cases: { fn: string; input: string; helm: string }[] = JSON.parse(
  readFileSync(new URL('./fixtures/fromfuncs-golden.json', import.meta.url), 'utf8'),
);

/** The helm functions as thin wrappers, errors folded in the way helm folds them. */
const fns: Record<string, (s: string) => GoValue> = {
  fromYamlArray: (s) => {
    try {
      return parseYamlArray(s);
    } catch (e) {
      if (e instanceof YamlError) return [e.message];
      throw e;
    }
  },
  fromJson: (s) => {
    try {
      return unmarshalJsonAs(s, 'map');
    } catch (e) {
      return { Error: (e as Error).message };
    }
  },
  fromJsonArray: (s) => {
    try {
      return unmarshalJsonAs(s, 'array');
    } catch (e) {
      return [(e as Error).message];
    }
  },
};

describe('from* functions match helm', () => {
  cases.forEach((c, i) => {
    it(`${i} ${c.fn} ${JSON.stringify(c.input)}`, () => {
      expect(marshalJson(fns[c.fn](c.input))).toBe(c.helm);
    });
  });
});
