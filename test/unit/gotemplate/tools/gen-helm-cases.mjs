// Regenerates helm-cases.json: runs every template in cases.json through the real
// `helm template` (the oracle) and records its output or its error, normalised to
// Go's text/template error text. Usage: node test/unit/gotemplate/tools/gen-helm-cases.mjs
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const helmBin = join(here, '../../../../.cache/tools/helm');
const chart = '/tmp/gotemplate-gen/c';
export const VALUES = 'num: 3\nf: 1.5\ns: hello\nnul: null\nlist: [a, b, c]\nm: {b: 2, a: 1}\nnested: {x: {yy: z}}\nempty: ""\nzero: 0\nt: true\n';
mkdirSync(join(chart, 'templates'), { recursive: true });
writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: c\nversion: 0.1.0\n');
writeFileSync(join(chart, 'values.yaml'), VALUES);

function helm(text) {
  writeFileSync(join(chart, 'templates/t.yaml'), '# ' + text);
  try {
    const out = execFileSync(helmBin, ['template', 'x', chart], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { out: out.replace(/^---\n# Source: [^\n]*\n/, '').replace(/\n$/, '') };
  } catch (e) {
    const s = e.stderr.replace(/\nUse --debug[\s\S]*$/, '').trim().replace(/^Error: /, '');
    let m = /^(\S+:\d+:\d+)\n  executing ("[^"]*") at <([\s\S]*)>:\n    ([\s\S]*)$/.exec(s);
    if (m) return { err: `template: ${m[1]}: executing ${m[2]} at <${m[3]}>: ${m[4]}` };
    if (s.startsWith('template: ')) return { err: s };
    m = /^parse error at \(([^)]*)\): ([\s\S]*)$/.exec(s);
    // helm 4 keeps only the text after the last ": " of parse errors; record it as a suffix
    if (m) return { errPrefix: 'template: ' + m[1] + ': ', errSuffix: m[2] };
    return { other: s };
  }
}

const cases = JSON.parse(readFileSync(join(here, 'cases.json'), 'utf8'));
const out = [];
// Cases that depend on Sprig's overrides (slice) or on helm's own top-level objects are not portable.
const SKIP = /\bslice\b|printf "%[Tv]" \.(?!\w)|\. \| printf/;
for (const tpl of cases) {
  if (SKIP.test(tpl)) continue;
  const r = helm(tpl);
  if (r.other) continue; // helm-specific failure (YAML of the output, fail): not a template result
  out.push({ tpl, ...r });
}
writeFileSync(join(here, '../helm-cases.json'), JSON.stringify({ values: VALUES, cases: out }, null, 1) + '\n');
console.log(`${out.length} cases written`);
