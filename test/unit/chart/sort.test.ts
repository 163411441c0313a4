import { describe, expect, it } from 'vitest';
import { sortManifests, splitManifests } from '../../../src/release/sort.js';
import { parseYaml } from '../../../src/encoding/yaml.js';

const parse = (t: string) => parseYaml(t);

describe('splitManifests', () => {
  it('splits on --- like helm, trimming documents and dropping empty ones', () => {
    expect(splitManifests('\n\na: 1\n---\nb: 2  \n\n---\n')).toEqual(['a: 1', 'b: 2']);
    // a '---' right after a consumed separator is kept in the next document, as in helm
    expect(splitManifests('a: 1\n---\n\n\n\n---\n# c\n---\nb: 2')).toEqual(['a: 1', '---\n# c', 'b: 2']);
  });
});

describe('sortManifests', () => {
  it('orders by kind (stable), unknown kinds last alphabetically, hooks apart', () => {
    const files = new Map([
      ['c/templates/b.yaml', 'kind: Service\nmetadata:\n  name: zz\n---\nkind: Service\nmetadata:\n  name: aa\n---\nkind: Foo\n---\nkind: Bar\n'],
      ['c/templates/a.yaml', 'kind: Deployment\nmetadata:\n  name: d\n---\nkind: Secret\nmetadata:\n  name: s\n'],
      ['c/templates/h.yaml', 'kind: Pod\nmetadata:\n  name: t\n  annotations:\n    helm.sh/hook: test\n    helm.sh/hook-weight: "5"\n---\nkind: Job\nmetadata:\n  name: j\n  annotations:\n    helm.sh/hook: pre-install,post-install\n---\nkind: Job\nmetadata:\n  name: u\n  annotations:\n    helm.sh/hook: unknown-event\n'],
      ['c/templates/_helpers.tpl', 'kind: ConfigMap'],
    ]);
    const { hooks, manifests } = sortManifests(files, parse);
    expect(manifests.map((m) => `${m.head.kind}/${m.head.metadata?.name ?? ''}`)).toEqual(['Secret/s', 'Service/zz', 'Service/aa', 'Deployment/d', 'Bar/', 'Foo/']);
    expect(hooks.map((h) => `${h.kind}/${h.name}:${h.events.join('+')}:${h.weight}`)).toEqual(['Pod/t:test:5', 'Job/j:pre-install+post-install:0']);
  });

  it('reports YAML errors with the file name', () => {
    expect(() => sortManifests(new Map([['c/templates/x.yaml', 'kind: [1]\n']]), parse)).toThrow(
      'YAML parse error on c/templates/x.yaml: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go struct field SimpleHead.kind of type string',
    );
  });
});
