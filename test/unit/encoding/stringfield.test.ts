import { describe, expect, it } from 'vitest';
import { parseYaml, parseYamlExact, type YamlPath } from '../../../src/encoding/yaml.js';

// Chart.yaml-like string fields: appVersion/version at the top, name inside maintainers[*].
const stringField = (p: YamlPath) =>
  (p.length === 1 && ['appVersion', 'version'].includes(String(p[0]))) || (p.length === 3 && p[0] === 'maintainers' && p[2] === 'name');

describe('string fields get Go text like sigs.k8s.io/yaml', () => {
  const text = 'appVersion: 1.10\nversion: 20230101\nother: 1.10\nmaintainers:\n- name: yes\n- name: 3.0\n';
  for (const [label, parse] of [
    ['fast', parseYaml],
    ['exact', parseYamlExact],
  ] as const) {
    it(label, () => {
      expect(parse(text, { stringField })).toEqual({
        appVersion: '1.1',
        version: '20230101',
        other: 1.1,
        maintainers: [{ name: 'true' }, { name: '3' }],
      });
    });
  }
});
