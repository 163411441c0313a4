#!/usr/bin/env node
// Regenerates fixtures/yaml-golden.json and fixtures/strvals-golden.json from the real helm.
// Usage: node test/unit/encoding/gen-fixtures.mjs   (needs .cache/tools/helm, see DEVELOPERS.md)
// The outputs are helm's own answers; the unit tests compare rel's codecs against them.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { yamlCases, yamlErrorCases } from './cases.mjs';
import { setCases, valuesFileCases } from './strvals-cases.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const helm = process.env.HELM_BIN ?? join(root, '.cache/tools/helm');
const work = mkdtempSync(join(tmpdir(), 'rel-enc-'));
const env = { ...process.env, HELM_CACHE_HOME: join(work, 'cache'), HELM_CONFIG_HOME: join(work, 'config'), HELM_DATA_HOME: join(work, 'data') };

function chart(name, values, template, files = {}) {
  const dir = join(work, name);
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`);
  writeFileSync(join(dir, 'values.yaml'), values);
  writeFileSync(join(dir, 'templates', 't.yaml'), template);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

function runHelm(args) {
  const r = spawnSync(helm, ['template', 'x', ...args], { env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Extracts `key: base64` lines of the rendered output. */
function decodeLines(stdout) {
  const out = {};
  for (const line of stdout.split('\n')) {
    const m = /^(c\d+): (.*)$/.exec(line);
    if (m) out[m[1]] = Buffer.from(m[2], 'base64').toString('utf8');
  }
  return out;
}

// 1. fromYaml → toJson / toYaml / toToml for every case (one helm run).
const all = [...yamlCases.map((c) => ({ name: c[0], yaml: c[1], error: false })), ...yamlErrorCases.map((c) => ({ name: c[0], yaml: c[1], error: true }))];
const files = {};
all.forEach((c, i) => (files[`cases/c${String(i).padStart(3, '0')}`] = c.yaml));
const tpl = `{{- range $path, $_ := .Files.Glob "cases/*" }}
{{- $v := $.Files.Get $path | fromYaml }}
{{ base $path }}: {{ dict "json" (toJson $v) "yaml" (toYaml $v) "toml" (toToml $v) "pretty" (toYamlPretty $v) "pjson" (toPrettyJson $v) "rawjson" (toRawJson $v) | toJson | b64enc }}
{{- end }}
`;
const r1 = runHelm([chart('yamlprobe', '{}\n', tpl, files)]);
if (r1.code !== 0) throw new Error(r1.stderr);
const got = decodeLines(r1.stdout);
const yamlGolden = all.map((c, i) => ({ ...c, helm: JSON.parse(got[`c${String(i).padStart(3, '0')}`]) }));
writeFileSync(join(here, 'fixtures/yaml-golden.json'), JSON.stringify(yamlGolden, null, 1) + '\n');

// 2. --set / --set-string / --set-json / --set-literal / --set-file, one helm run each.
const setGolden = [];
const setChart = chart('setprobe', '{}\n', 'c0: {{ toJson .Values | b64enc }}\n');
writeFileSync(join(work, 'file1.txt'), 'file content\nline2\n');
for (const [name, args] of setCases) {
  const argv = args.map((a) => a.replace('@FILE@', join(work, 'file1.txt')));
  const r = runHelm([setChart, ...argv]);
  setGolden.push({ name, args, code: r.code, values: r.code === 0 ? decodeLines(r.stdout).c0 : undefined, stderr: r.code === 0 ? undefined : r.stderr.replaceAll(work, '@WORK@') });
}
writeFileSync(join(here, 'fixtures/strvals-golden.json'), JSON.stringify(setGolden, null, 1) + '\n');

// 3. values files given with -f (merging, errors).
const vfGolden = [];
for (const [name, docs, extra = []] of valuesFileCases) {
  const argv = [];
  docs.forEach((text, i) => {
    const p = join(work, `vf-${name}-${i}.yaml`);
    writeFileSync(p, text);
    argv.push('-f', p);
  });
  argv.push(...extra);
  const r = runHelm([setChart, ...argv]);
  vfGolden.push({ name, docs, args: extra, code: r.code, values: r.code === 0 ? decodeLines(r.stdout).c0 : undefined, stderr: r.code === 0 ? undefined : r.stderr.replaceAll(work + '/', '') });
}
writeFileSync(join(here, 'fixtures/valuesfile-golden.json'), JSON.stringify(vfGolden, null, 1) + '\n');

// 4. fromYamlArray / fromJson / fromJsonArray on a few inputs (results shown with toJson).
const fnCases = [
  ['fromYamlArray', '- a\n- 1\n- {b: yes}\n'],
  ['fromYamlArray', 'a: 1\n'],
  ['fromYamlArray', ''],
  ['fromYamlArray', 'x'],
  ['fromYamlArray', '[1, 2'],
  ['fromJson', '{"a": 1, "b": [true, null]}'],
  ['fromJson', '[1]'],
  ['fromJson', 'null'],
  ['fromJson', '{"a": '],
  ['fromJson', '{"a" 1}'],
  ['fromJsonArray', '[1, "x"]'],
  ['fromJsonArray', '{"a": 1}'],
  ['fromJsonArray', '[1,]'],
];
const fnFiles = {};
fnCases.forEach(([fn, text], i) => (fnFiles[`in/c${String(i).padStart(3, '0')}`] = text));
const fnTpl = fnCases.map(([fn], i) => `c${String(i).padStart(3, '0')}: {{ $.Files.Get "in/c${String(i).padStart(3, '0')}" | ${fn} | toJson | b64enc }}`).join('\n') + '\n';
const r4 = runHelm([chart('fnprobe', '{}\n', fnTpl, fnFiles)]);
if (r4.code !== 0) throw new Error(r4.stderr);
const got4 = decodeLines(r4.stdout);
writeFileSync(
  join(here, 'fixtures/fromfuncs-golden.json'),
  JSON.stringify(fnCases.map(([fn, input], i) => ({ fn, input, helm: got4[`c${String(i).padStart(3, '0')}`] })), null, 1) + '\n',
);

// 5. Random strings through toYaml / toYamlPretty / toJson (deterministic PRNG), to shake out
//    quoting, block styles and line folding differences.
function prng(seed) {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}
const rnd = prng(20261121);
const pool = [' ', ' ', ' ', ':', '#', '-', '\n', '\n', '\t', "'", '"', '\\', '{', '}', '[', ']', ',', '&', '*', '!', '|', '>', '%', '@', '`', '?', '.', '~', 'é', '日', '😀', '\u00a0', '\r', '0', '1', 'y', 'n', 'e', 'x', 'a', 'b', 'word', 'true', 'null', '0x', '1.5', '- ', ': ', ' #'];
const pick = () => pool[Math.floor(rnd() * pool.length)];
function randomString() {
  const long = rnd() < 0.3;
  const n = long ? 20 + Math.floor(rnd() * 60) : 1 + Math.floor(rnd() * 8);
  let str = '';
  for (let i = 0; i < n; i++) str += long && rnd() < 0.6 ? 'lorem ' : pick();
  return str;
}
const randomInputs = [];
for (let i = 0; i < 300; i++) {
  const a = randomString();
  const b = randomString();
  randomInputs.push({ k: a, nested: { list: [b, { deep: randomString() }], n: rnd() * 10 ** Math.floor(rnd() * 25 - 8) } });
}
const rFiles = {};
randomInputs.forEach((v, i) => (rFiles[`r/c${String(i).padStart(3, '0')}`] = JSON.stringify(v)));
const rTpl = `{{- range $path, $_ := .Files.Glob "r/*" }}
{{- $v := $.Files.Get $path | fromJson }}
{{ base $path }}: {{ dict "yaml" (toYaml $v) "pretty" (toYamlPretty $v) "json" (toJson $v) | toJson | b64enc }}
{{- end }}
`;
const r5 = runHelm([chart('randprobe', '{}\n', rTpl, rFiles)]);
if (r5.code !== 0) throw new Error(r5.stderr);
const got5 = decodeLines(r5.stdout);
writeFileSync(
  join(here, 'fixtures/random-golden.json'),
  JSON.stringify(randomInputs.map((input, i) => ({ input, helm: JSON.parse(got5[`c${String(i).padStart(3, '0')}`]) })), null, 1) + '\n',
);

// 6. Random plain scalars (numbers, bools, dates, odd forms) resolved by fromYaml, shown with toJson.
const scalarPool = '0123456789+-._eExXoObB:TZtn';
const fixedScalars = ['0x1F', '0X1F', '1_000', '+.5', '1e3', '1E+5', '0o17', '0O17', '08', '-0', '+0', '00', '0.', '-.5', '.inf', '-.Inf', '+.INF', '.NaN',
  '2021-1-2', '2021-01-01T10:00:00Z', '2021-01-01t10:00:00.5+02:00', '2021-01-01 10:00:00', '2021-13-01', '2020-02-29', '2021-02-29',
  'yes', 'Off', 'oN', '~', 'NULL', 'nULL', '1:30', '12:30:45', '190:20:30.15', '+1', '-1_0', '0b1_0', '0b2', '1.2.3', '1e', '1e+', '0x', '0o',
  '9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809', '18446744073709551615', '18446744073709551616',
  '0x7FFFFFFFFFFFFFFF', '0x8000000000000000', '0xFFFFFFFFFFFFFFFF', '0x10000000000000000', '1e309', '-1e309', '4.9e-324', '1e-400', '0.1e1', '1_0.5', '1__0', '_1', '1_',
  '0b', '-0b101', '+0b101', '0b11111111111111111111111111111111111111111111111111111111111111111', '.5e3', '5.e3', '+.e3', '0x1p3', '1_000e1_0', '٣'];
const plainScalars = [...fixedScalars];
while (plainScalars.length < 400) {
  const n = 1 + Math.floor(rnd() * 7);
  let t = '';
  for (let i = 0; i < n; i++) t += scalarPool[Math.floor(rnd() * scalarPool.length)];
  if (/^[-?:]($|[ ])|^[:?]|:$|: | #|^#/.test(t) || t === '-' || t.startsWith('- ')) continue;
  plainScalars.push(t);
}
const sFiles = {};
plainScalars.forEach((t, i) => (sFiles[`s/c${String(i).padStart(3, '0')}`] = `v: ${t}\n`));
const sTpl = `{{- range $path, $_ := .Files.Glob "s/*" }}
{{- $raw := $.Files.Get $path | trimPrefix "v: " | trimSuffix "\\n" }}
{{ base $path }}: {{ list ($.Files.Get $path | fromYaml | toJson) (toYaml (dict "v" $raw)) (toYamlPretty (dict "v" $raw)) | toJson | b64enc }}
{{- end }}
`;
const r6 = runHelm([chart('scalarprobe', '{}\n', sTpl, sFiles)]);
if (r6.code !== 0) throw new Error(r6.stderr);
const got6 = decodeLines(r6.stdout);
writeFileSync(
  join(here, 'fixtures/scalars-golden.json'),
  JSON.stringify(
    plainScalars.map((text, i) => {
      const [json, yaml, pretty] = JSON.parse(got6[`c${String(i).padStart(3, '0')}`]);
      return { text, helm: json, yaml, pretty };
    }),
  ) + '\n',
);

// 7. Random YAML-ish documents (well-formed and not) through fromYaml → toJson.
const linePool = ['a:', 'b: 1', 'c: x y', '- d', '- e: f', '  g: h', '    i: [1, 2]', 'j: {k: l}', '- - m', 'n: |', '  text', 'o: "q r"', "p: 's t'",
  '  - u', '\tv: w', 'x: y: z', '# comment', '', '---', 'aa: &anc {b: 1}', 'bb: *anc', 'cc: [a,', '  b]', 'dd: "open', 'ee: >-', '    folded', '? ff', ': gg',
  'hh: - ii', '  jj', 'kk:    ', '  - ll: mm', '    nn: oo', 'pp: @', 'qq: `', 'rr: !!str 1', 'ss: 1 # c', 'tt: a#b', '- [x, y]', '- {x: y}', '  ', 'uu: ~'];
const randomDocs = [];
for (let i = 0; i < 300; i++) {
  const n = 1 + Math.floor(rnd() * 6);
  const lines = [];
  for (let j = 0; j < n; j++) lines.push(linePool[Math.floor(rnd() * linePool.length)]);
  randomDocs.push(lines.join('\n') + '\n');
}
const dFiles = {};
randomDocs.forEach((t, i) => (dFiles[`d/c${String(i).padStart(3, '0')}`] = t));
const dTpl = `{{- range $path, $_ := .Files.Glob "d/*" }}
{{ base $path }}: {{ $.Files.Get $path | fromYaml | toJson | b64enc }}
{{- end }}
`;
const r7 = runHelm([chart('docprobe', '{}\n', dTpl, dFiles)]);
if (r7.code !== 0) throw new Error(r7.stderr);
const got7 = decodeLines(r7.stdout);
writeFileSync(
  join(here, 'fixtures/docs-golden.json'),
  JSON.stringify(randomDocs.map((text, i) => ({ text, helm: got7[`c${String(i).padStart(3, '0')}`] }))) + '\n',
);

rmSync(work, { recursive: true, force: true });
console.log(`yaml: ${yamlGolden.length} cases, --set: ${setGolden.length}, -f: ${vfGolden.length}`);
