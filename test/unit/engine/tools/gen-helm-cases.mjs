// Regenerates ../helm-cases.json: runs every template of cases.json through the real `helm template`
// (the oracle) and records its output as base64 (so that bytes which are not UTF-8 survive) or its
// error in Go's text/template wording. Usage: node test/unit/engine/tools/gen-helm-cases.mjs
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const helmBin = join(here, '../../../../.cache/tools/helm');
const chart = '/tmp/engine-cases-gen/c';
const VALUES = 'n: 2\ns: héllo\nlist: [a, b]\n';
mkdirSync(join(chart, 'templates'), { recursive: true });
writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: c\nversion: 0.1.0\n');
writeFileSync(join(chart, 'values.yaml'), VALUES);

function run(text) {
  writeFileSync(join(chart, 'templates/t.yaml'), text);
  try {
    return { out: execFileSync(helmBin, ['template', 'x', chart], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (e) {
    return { stderr: e.stderr.replace(/\nUse --debug[\s\S]*$/, '').trim().replace(/^Error: /, '') };
  }
}

function helm(tpl) {
  // the output, byte for byte, through b64enc of an include
  const r = run(`{{- define "case" }}${tpl}{{ end -}}\nv: {{ include "case" . | b64enc }}\n`);
  if (r.out !== undefined) {
    const m = /^v:(?: (\S*))?$/m.exec(r.out);
    if (!m) throw new Error(`unexpected helm output for ${tpl}:\n${r.out}`);
    return { b64: m[1] ?? '' };
  }
  // an error: run it directly to get Go's own message
  const d = run(`# ${tpl}\n`);
  if (d.out !== undefined) return { other: r.stderr };
  const s = d.stderr;
  const m = /^(\S+:\d+:\d+)\n  executing ("[^"]*") at <([\s\S]*)>:\n    ([\s\S]*)$/.exec(s);
  if (m) return { err: `template: ${m[1]}: executing ${m[2]} at <${m[3]}>: ${m[4]}` };
  if (s.startsWith('template: ')) return { err: s };
  return { other: s };
}

const cases = JSON.parse(readFileSync(join(here, 'cases.json'), 'utf8'));
const out = [];
for (const tpl of cases) {
  const r = helm(tpl);
  if (r.other) {
    console.error(`skipped (not a template result): ${tpl}\n  ${r.other}`);
    continue;
  }
  out.push({ tpl, ...r });
}
writeFileSync(join(here, '../helm-cases.json'), JSON.stringify({ values: VALUES, cases: out }, null, 1) + '\n');
console.log(`${out.length} cases written`);
