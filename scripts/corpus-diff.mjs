#!/usr/bin/env node
// Differential test of `rel template` against the real `helm template` on a folder of charts.
//
// Usage: node scripts/corpus-diff.mjs [DIR] [--only NAME[,NAME]] [--verbose] [--no-variants]
//   DIR defaults to /work/corpus: every sub-folder with a Chart.yaml (or every .tgz) is one chart.
//   A chart folder may hold `corpus-args.txt`: extra `helm template` argument sets, one per line
//   (words split on blanks; '...' and "..." quote, e.g. `--set ingress.enabled=true`), each run as
//   one more variant.
//
// For every chart and every variant (default; --namespace x --kube-version 1.29.0; plus the
// corpus-args.txt lines) it runs `.cache/tools/helm template rel-test CHART ARGS` and
// `bin/run.js template rel-test CHART ARGS` and compares:
//   - both succeed: stdout byte for byte; a line that differs only in random parts is accepted when it
//     has the same length and the same character classes (lower, upper, digit, other kept as is), or
//     when both are long base64 runs (certificates: lengths may differ by a few characters; a quoted PEM
//     with several runs on one line counts when the text around the runs is the same);
//   - both fail: accepted when rel's stderr starts with "Error:", has no JavaScript stack trace, and
//     carries the template location (name:line[:col]) helm names, if helm names one ("both fail (other
//     text)" with both first lines when the messages are not identical);
//   - anything else is a difference.
// It prints one row per chart and variant, then `N/M identical` (charts whose variants all match),
// and exits 1 when something differs. Write diffs with --verbose.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const helm = process.env.HELM_BIN ?? join(root, '.cache/tools/helm');
const rel = join(root, 'bin/run.js');

const argv = process.argv.slice(2);
const verbose = argv.includes('--verbose');
const noVariants = argv.includes('--no-variants');
const onlyIdx = argv.indexOf('--only');
const only = onlyIdx >= 0 ? new Set(argv[onlyIdx + 1].split(',')) : undefined;
const positional = argv.filter((a, i) => !a.startsWith('--') && !(onlyIdx >= 0 && i === onlyIdx + 1));
const dir = resolve(positional[0] ?? '/work/corpus');

const home = mkdtempSync(join(tmpdir(), 'rel-corpus-'));
const env = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: home,
  HELM_CACHE_HOME: join(home, 'cache'),
  HELM_CONFIG_HOME: join(home, 'config'),
  HELM_DATA_HOME: join(home, 'data'),
  KUBECONFIG: join(home, 'no-kubeconfig'),
  TZ: 'UTC',
  LANG: 'C.UTF-8',
};

function run(cmd, args) {
  return new Promise((res) => {
    execFile(cmd, args, { env, maxBuffer: 256 << 20, encoding: 'utf8', timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      res({ code, stdout, stderr });
    });
  });
}

function charClass(c) {
  if (c >= 'a' && c <= 'z') return 'a';
  if (c >= 'A' && c <= 'Z') return 'A';
  if (c >= '0' && c <= '9') return '0';
  return c;
}
const B64 = /^[A-Za-z0-9+/=]{40,}$/;
/** True when two differing lines plausibly hold different random values of one shape. */
function sameShape(a, b) {
  if (a.length === b.length) {
    let ok = true;
    for (let i = 0; i < a.length && ok; i++) {
      if (a[i] === b[i]) continue;
      const ca = charClass(a[i]);
      const cb = charClass(b[i]);
      // random alphanumerics may switch class between runs; fixed punctuation may not
      if (ca.length === 1 && /[aA0]/.test(ca) && /[aA0]/.test(cb)) continue;
      if (/[+/=\-_]/.test(a[i]) && /[A-Za-z0-9+/=\-_]/.test(b[i])) continue;
      if (/[+/=\-_]/.test(b[i]) && /[A-Za-z0-9+/=\-_]/.test(a[i])) continue;
      ok = false;
    }
    if (ok) return true;
  }
  // long base64 blobs (certificates, keys): compare the fixed prefix up to the blob
  const m = /^(.*?)([A-Za-z0-9+/=]{40,})(.*)$/.exec(a);
  const n = /^(.*?)([A-Za-z0-9+/=]{40,})(.*)$/.exec(b);
  if (m && n && m[1] === n[1] && m[3] === n[3] && Math.abs(m[2].length - n[2].length) <= 16) return true;
  // several blobs on one line (a quoted PEM with \n escapes): same text around them, similar length
  const skeleton = (s) => s.replace(/[A-Za-z0-9+/=]{20,}/g, '\u0000');
  if (m && n && skeleton(a) === skeleton(b) && Math.abs(a.length - b.length) <= 16) return true;
  return B64.test(a.trim()) && B64.test(b.trim());
}

/** undefined when equal (or equal by shape), otherwise a short description of the first difference. */
function compareOut(h, r) {
  if (h === r) return undefined;
  const hl = h.split('\n');
  const rl = r.split('\n');
  if (hl.length !== rl.length) {
    const i = hl.findIndex((l, k) => l !== rl[k] && !sameShape(l, rl[k] ?? ''));
    return `line count ${hl.length} vs ${rl.length}; first difference at line ${i + 1}:\n  helm: ${JSON.stringify(hl[i])}\n  rel:  ${JSON.stringify(rl[i])}`;
  }
  for (let i = 0; i < hl.length; i++) {
    if (hl[i] !== rl[i] && !sameShape(hl[i], rl[i])) {
      return `line ${i + 1}:\n  helm: ${JSON.stringify(hl[i])}\n  rel:  ${JSON.stringify(rl[i])}`;
    }
  }
  return undefined;
}

/** Checks a failure of both: rel's message must be a clear error and carry helm's location. */
function compareErr(h, r) {
  const problems = [];
  if (!/^Error: /m.test(r.stderr)) problems.push('rel stderr has no "Error:" line');
  if (/^\s+at .+\(.*:\d+:\d+\)$/m.test(r.stderr)) problems.push('rel printed a stack trace');
  const loc = /([\w.\-/]+\.(?:yaml|yml|tpl|txt|json)):(\d+)(?::(\d+))?/.exec(h.stderr);
  if (loc && !r.stderr.includes(loc[0]) && !r.stderr.includes(`${loc[1]}:${loc[2]}`)) {
    problems.push(`rel does not name helm's location ${loc[0]}`);
  }
  return problems.length ? problems.join('; ') : undefined;
}

function charts() {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    if (only && !only.has(name)) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory() && existsSync(join(p, 'Chart.yaml'))) out.push({ name, path: p });
    else if (name.endsWith('.tgz')) out.push({ name, path: p });
  }
  return out;
}

/** Splits a line into words like a shell would for plain words and '...' / "..." quotes. */
function splitWords(line) {
  const words = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+?)(?=\s|'|"|$)|\s+/g;
  let cur;
  let m;
  while ((m = re.exec(line)) !== null) {
    if (m[0].trim() === '') {
      if (cur !== undefined) words.push(cur);
      cur = undefined;
      continue;
    }
    cur = (cur ?? '') + (m[1] ?? m[2] ?? m[3]);
  }
  if (cur !== undefined) words.push(cur);
  return words;
}

function variants(c) {
  const v = [{ label: 'default', args: [] }];
  if (!noVariants) v.push({ label: 'ns+kube', args: ['--namespace', 'x', '--kube-version', '1.29.0'] });
  const extra = join(c.path, 'corpus-args.txt');
  if (!noVariants && existsSync(extra)) {
    for (const line of readFileSync(extra, 'utf8').split('\n')) {
      const t = line.trim();
      if (!t || t.startsWith('#')) continue;
      v.push({ label: t.length > 40 ? `${t.slice(0, 37)}...` : t, args: splitWords(t) });
    }
  }
  return v;
}

const rows = [];
let identical = 0;
let total = 0;
for (const c of charts()) {
  total++;
  let chartOk = true;
  for (const v of variants(c)) {
    const args = ['template', 'rel-test', c.path, ...v.args];
    const [h, r] = await Promise.all([run(helm, args), run(process.execPath, [rel, ...args])]);
    let status;
    let detail;
    if (h.code === 0 && r.code === 0) {
      detail = compareOut(h.stdout, r.stdout);
      status = detail ? 'DIFF' : h.stdout === r.stdout ? 'same' : 'same (shape)';
    } else if (h.code !== 0 && r.code !== 0) {
      detail = compareErr(h, r);
      const sameText = h.stderr.trim() === r.stderr.trim();
      status = detail ? 'FAIL-MSG' : sameText ? 'both fail' : 'both fail (other text)';
      if (!detail && (verbose || !sameText)) detail = `helm: ${h.stderr.trim().split('\n')[0]}\n  rel:  ${r.stderr.trim().split('\n')[0]}`;
    } else if (h.code === 0) {
      status = 'REL-FAILS';
      detail = r.stderr.trim().split('\n').slice(0, 3).join('\n  ');
    } else {
      status = 'HELM-FAILS';
      detail = h.stderr.trim().split('\n').slice(0, 3).join('\n  ');
    }
    const bad = status === 'DIFF' || status === 'FAIL-MSG' || status === 'REL-FAILS' || status === 'HELM-FAILS';
    if (bad) chartOk = false;
    rows.push({ chart: c.name, variant: v.label, status, detail: bad || verbose ? detail : undefined });
  }
  if (chartOk) identical++;
}

const w1 = Math.max(5, ...rows.map((r) => r.chart.length));
const w2 = Math.max(7, ...rows.map((r) => r.variant.length));
console.log(`${'chart'.padEnd(w1)}  ${'variant'.padEnd(w2)}  result`);
for (const r of rows) {
  console.log(`${r.chart.padEnd(w1)}  ${r.variant.padEnd(w2)}  ${r.status}`);
  if (r.detail) console.log(`  ${r.detail}`);
}
console.log(`${identical}/${total} identical`);
process.exit(identical === total ? 0 : 1);
