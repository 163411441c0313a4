/**
 * src/fast/manifest-head.ts: the quick head reader must either decline (undefined) or give
 * exactly the head the full parsers give (js-yaml, which `rel template` used before, and the
 * go-yaml-compatible codec), and must never accept a document either of them rejects.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsyaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../../src/encoding/yaml.js';
import type { GoValue } from '../../../src/engine/types.js';
import { quickManifestHead } from '../../../src/fast/manifest-head.js';
import { decodeHead, splitManifests } from '../../../src/release/sort.js';

const golden = join(import.meta.dirname, '../../fixtures/golden');

function toGo(v: unknown): GoValue {
  if (v === undefined) return null;
  if (v === null || typeof v !== 'object') return v as GoValue;
  if (Array.isArray(v)) return v.map(toGo);
  const m: Record<string, GoValue> = Object.create(null);
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) m[k] = toGo(x);
  return m;
}

type Outcome = { ok: true; head: unknown } | { ok: false };
const outcome = (f: () => GoValue): Outcome => {
  try {
    return { ok: true, head: decodeHead(f()) };
  } catch {
    return { ok: false };
  }
};
const viaJsYaml = (doc: string) => outcome(() => toGo(jsyaml.load(doc, { schema: jsyaml.CORE_SCHEMA, json: true })));
const viaCodec = (doc: string) => outcome(() => parseYaml(doc));

/** When the quick reader answers, both full parsers accept the document and agree with it. */
function check(doc: string): boolean {
  const quick = quickManifestHead(doc);
  if (quick === undefined) return false;
  const head = decodeHead(quick);
  const a = viaJsYaml(doc);
  const b = viaCodec(doc);
  expect(a, `js-yaml rejects a document the quick reader took:\n${doc}`).toEqual({ ok: true, head });
  expect(b, `the codec rejects a document the quick reader took:\n${doc}`).toEqual({ ok: true, head });
  return true;
}

const goldenDocs = (): string[] =>
  readdirSync(golden)
    .filter((f) => f.endsWith('.out'))
    .flatMap((f) => splitManifests(readFileSync(join(golden, f), 'utf8')));

describe('quickManifestHead', () => {
  it('reads typical manifests', () => {
    const doc = [
      '# Source: app/templates/deploy.yaml',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: "web"',
      '  labels:',
      '    app.kubernetes.io/name: web',
      '  annotations:',
      "    helm.sh/hook: 'pre-install,post-install'",
      '    helm.sh/hook-weight: "-5"',
      '    empty:',
      'spec:',
      '  replicas: 3',
      '  template:',
      '    spec:',
      '      containers:',
      '      - name: web',
      '        image: nginx:1.25',
      '        args:',
      '        - --port=80',
      '        -   - nested',
      '        env: []',
      '        resources: {}',
      '      tolerations:',
      '        -',
      '          key: x',
    ].join('\n');
    expect(quickManifestHead(doc)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', annotations: { 'helm.sh/hook': 'pre-install,post-install', 'helm.sh/hook-weight': '-5', empty: null } },
    });
    expect(check(doc)).toBe(true);
  });

  it.each([
    ['block scalars', 'kind: A\ndata:\n  a: |\n    x: 1\n\n    # not a comment\n      deeper\n  b: >-\n    folded\n  c: |+\nlist:\n- |\n  item\n- k: |\n    v\n  j: 2'],
    ['escapes outside the head', 'kind: A\ndata:\n  j: "{\\"a\\":1}\\n"'],
    ['a name starting with a digit', 'kind: A\nmetadata:\n  name: 8m\n  annotations:\n    size: 3-tier'],
  ])('reads %s', (_what, doc) => {
    expect(check(doc)).toBe(true);
  });

  it.each([
    ['a multi-line plain scalar', 'kind: A\nmetadata:\n  name: a\n    b'],
    ['a block scalar with an indentation indicator', 'kind: A\ndata:\n  x: |2\n    text'],
    ['a block scalar ended by a less-indented comment', 'kind: A\ndata:\n  x: |\n    text\n# c\n    more'],
    ['a block scalar with a deep leading blank line', 'kind: A\ndata:\n  x: |\n       \n    text'],
    ['a block scalar as a head value', 'kind: |\n  A'],
    ['a header with a comment', 'kind: A\ndata:\n  x: | # c\n    text'],
    ['a version-like name', 'kind: A\nmetadata:\n  name: 1.0.0'],
    ['an exponent-like name', 'kind: A\nmetadata:\n  name: 1e3'],
    ['an escape in a head value', 'kind: "A\\tB"'],
    ['an unknown escape', 'kind: A\nx: "\\q"'],
    ['a flow mapping', 'kind: A\nmetadata: {name: a}'],
    ['an anchor', 'kind: &k A'],
    ['an alias', 'kind: A\nx: *k'],
    ['a tag', 'kind: !!str A'],
    ['a trailing comment', 'kind: A # the kind'],
    ['a tab', 'kind: A\nx:\tb'],
    ['non-ASCII text', 'kind: A\nx: é'],
    ['a number as kind', 'kind: 12'],
    ['a bool word as name', 'kind: A\nmetadata:\n  name: yes'],
    ['null as kind', 'kind: ~'],
    ['a key without a space after the colon', 'kind:A'],
    ['a duplicate head key', 'kind: A\nkind: B'],
    ['a sequence at the top', '- a\n- b'],
    ['a scalar document', 'hello'],
    ['mapping values in a scalar', 'kind: a: b'],
    ['bad indentation', 'kind: A\nmetadata:\n    name: a\n  x: b'],
    ['a sequence where a map continues', 'kind: A\nx: 1\n- b'],
    ['a document end marker', 'kind: A\n...'],
    ['a merge key', 'kind: A\nx:\n  <<: {a: 1}'],
    ['only comments', '# Source: x'],
  ])('declines %s', (_what, doc) => {
    expect(quickManifestHead(doc)).toBeUndefined();
  });

  it('agrees with the full parsers on every golden manifest it reads, and reads most of them', () => {
    const docs = goldenDocs();
    let quick = 0;
    for (const d of docs) if (check(d)) quick++;
    expect(docs.length).toBeGreaterThan(500);
    expect(quick / docs.length).toBeGreaterThan(0.6);
  });

  it('never accepts a damaged document that a full parser rejects or reads differently', () => {
    // Deterministic mutations of golden manifests: characters that matter to YAML, inserted,
    // replacing or deleting at pseudo-random places, and indentation shifted.
    const docs = goldenDocs().filter((d) => quickManifestHead(d) !== undefined);
    const pieces = [':', ': ', ' #', '#', '- ', '-', "'", '"', '  ', ' ', '\n', '\n  ', '\n-', '[', ']', '{', '}', '&a', '*a', '!', '|', '>', '%', '@', '?', ',', 'true', '12', '~', 'kind: X\n', 'metadata:\n', 'name: n\n', '\\'];
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    let accepted = 0;
    let tried = 0;
    for (let round = 0; round < 4000; round++) {
      const d = docs[rnd(docs.length)]!;
      const at = rnd(d.length + 1);
      const op = rnd(3);
      const piece = pieces[rnd(pieces.length)]!;
      const len = 1 + rnd(3);
      const m = op === 0 ? d.slice(0, at) + piece + d.slice(at) : op === 1 ? d.slice(0, at) + piece + d.slice(at + len) : d.slice(0, at) + d.slice(at + len);
      tried++;
      if (check(m)) accepted++;
    }
    expect(tried).toBe(4000);
    // Many mutations keep the document in the subset (a changed value, say); they were all checked.
    expect(accepted).toBeGreaterThan(100);
  });
});
