#!/usr/bin/env node
// Regenerates the conformance goldens from the real helm (`npm run goldens`).
//
// For every case in test/fixtures/cases.yaml it runs
//   helm template <release> <chart> <args...>
// with the working directory test/fixtures/ and writes:
//   test/fixtures/golden/<id>.out          stdout, byte for byte (always written, may be empty)
//   test/fixtures/golden/<id>.err          only for failing cases: exit code, the strings rel's
//                                          error must contain ("match:" lines) and helm's stderr
//   test/fixtures/golden/<id>.files        only for cases marked `outputDir: true` (helm runs with
//                                          --output-dir $OUTPUT_DIR): the files written, with contents
//   test/fixtures/golden/<id>.random.json  only for cases marked `random: true`: which line ranges
//                                          of <id>.out differ between helm runs, with the other
//                                          runs' text for those ranges (the harness compares them by shape)
//
// Packaged charts (.tgz) listed under `packages:` are built with `helm package` first, but only when
// the .tgz is missing (a rebuilt archive differs byte for byte; pass --repackage to force it).
//
// Usage: node scripts/gen-goldens.mjs [--repackage] [case-id-substring ...]
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diffArrays } from 'diff';
import { parse } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = join(root, 'test/fixtures');
const goldenDir = join(fixtures, 'golden');
const helm = process.env.HELM_BIN ?? join(root, '.cache/tools/helm');
const RANDOM_RUNS = 4;
const MAX_STDERR = 4000;

const argv = process.argv.slice(2);
const repackage = argv.includes('--repackage');
const filters = argv.filter((a) => !a.startsWith('--'));

// Keep helm away from the user's own repositories, plugins and cache (set up in main()).
let helmHome = '';
let env = {};
function setupHelmHome() {
  helmHome = mkdtempSync(join(tmpdir(), 'rel-goldens-'));
  env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: helmHome,
    HELM_CACHE_HOME: join(helmHome, 'cache'),
    HELM_CONFIG_HOME: join(helmHome, 'config'),
    HELM_DATA_HOME: join(helmHome, 'data'),
    KUBECONFIG: join(helmHome, 'no-kubeconfig'),
    TZ: 'UTC',
    LANG: 'C.UTF-8',
  };
}

function run(args) {
  return new Promise((res) => {
    execFile(helm, args, { cwd: fixtures, env, maxBuffer: 64 << 20, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      res({ code, stdout, stderr });
    });
  });
}

/** The argv given to `helm template` (and to `rel template`) for a case. */
export function caseArgv(c) {
  const out = [];
  if (c.release !== '') out.push(c.release ?? 'rel');
  out.push(c.chart);
  out.push(...(c.args ?? []));
  return out;
}

/**
 * The essential parts of helm's error that rel's error must also contain: the outermost
 * (and innermost) template location as file:line, and the final message. YAML errors of the
 * rendered output: the file and "line N". Schema errors: the headline and each failing path.
 */
export function essentials(stderr) {
  const text = stderr
    .replace(/\n*Use --debug flag to render out invalid YAML\s*$/, '')
    .split('\n')
    .filter((l) => !l.startsWith('level='))
    .join('\n')
    .trim();
  const body = text.replace(/^Error: /gm, '');
  const out = [];
  let m = body.match(/^YAML parse error on (\S+?): [^\n]*?yaml: line (\d+):/);
  if (m) return [m[1], `line ${m[2]}`];
  m = body.match(/^YAML parse error on (\S+?):/);
  if (m) return [m[1]];
  if (body.startsWith("values don't meet the specifications of the schema")) {
    out.push("values don't meet the specifications of the schema");
    for (const p of body.matchAll(/at '([^']*)'/g)) if (!out.includes(`'${p[1]}'`)) out.push(`'${p[1]}'`);
    return out;
  }
  const locs = [...body.matchAll(/([\w.-]+(?:\/[\w.-]+)+\.(?:yaml|yml|tpl|txt|json)):(\d+)/g)].map((x) => `${x[1]}:${x[2]}`);
  if (locs.length) {
    out.push(locs[0]);
    if (locs[locs.length - 1] !== locs[0]) out.push(locs[locs.length - 1]);
  }
  const lines = body.split('\n').map((l) => l.trim()).filter(Boolean);
  let msg = lines[lines.length - 1] ?? '';
  const calls = [...msg.matchAll(/error calling \w+: /g)];
  if (calls.length) {
    const last = calls[calls.length - 1];
    msg = msg.slice(last.index + last[0].length);
  } else if (msg.includes('>: ')) {
    msg = msg.slice(msg.lastIndexOf('>: ') + 3);
  } else if (/^(parse error|execution error) at \(/.test(msg) && msg.includes('): ')) {
    msg = msg.slice(msg.indexOf('): ') + 3);
  }
  msg = msg.replace(/:$/, '').trim();
  if (msg && !out.includes(msg)) out.push(msg);
  return out;
}

/** The files under `dir` with their contents, as one text (sorted by path). */
export function listFiles(dir) {
  const walk = (d) => (existsSync(d) ? readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)])) : []);
  return walk(dir)
    .map((f) => relative(dir, f))
    .sort()
    .map((f) => `==> ${f} <==\n${readFileSync(join(dir, f), 'utf8')}\n`)
    .join('');
}

/** Merges the line ranges of run 0 that differ in any other run; returns [{start, end, alts}] */
export function randomHunks(outputs) {
  const base = outputs[0].split('\n');
  const differing = new Set();
  const maps = [];
  for (let k = 1; k < outputs.length; k++) {
    const other = outputs[k].split('\n');
    const parts = diffArrays(base, other);
    const map = new Map(); // base index -> other index for equal lines
    let i = 0;
    let j = 0;
    for (const p of parts) {
      if (p.added) j += p.count ?? p.value.length;
      else if (p.removed) {
        for (let n = 0; n < (p.count ?? p.value.length); n++) differing.add(i + n);
        i += p.count ?? p.value.length;
      } else {
        for (let n = 0; n < (p.count ?? p.value.length); n++) map.set(i + n, j + n);
        i += p.count ?? p.value.length;
        j += p.count ?? p.value.length;
      }
    }
    // an insertion between two equal lines also marks a (zero-length) hunk: widen to the next line
    let bi = 0;
    let prev = null;
    for (const p of parts) {
      const n = p.count ?? p.value.length;
      if (p.added && !(prev && prev.removed) && bi < base.length) differing.add(bi);
      if (!p.added) bi += n;
      prev = p;
    }
    maps.push({ other, map });
  }
  const idx = [...differing].sort((a, b) => a - b);
  const hunks = [];
  for (const i of idx) {
    const h = hunks[hunks.length - 1];
    if (h && h.end === i) h.end = i + 1;
    else hunks.push({ start: i, end: i + 1 });
  }
  for (const h of hunks) {
    h.lines = base.slice(h.start, h.end);
    h.alts = maps.map(({ other, map }) => {
      const s = h.start === 0 ? 0 : map.get(h.start - 1) + 1;
      const e = h.end >= base.length ? other.length : map.get(h.end);
      return other.slice(s, e);
    });
  }
  return hunks;
}

async function main() {
  if (!existsSync(helm)) {
    console.error(`helm not found at ${helm}: run \`npm run tools\` first (or set HELM_BIN).`);
    process.exitCode = 2;
    return;
  }
  setupHelmHome();
  const spec = parse(readFileSync(join(fixtures, 'cases.yaml'), 'utf8'));
  mkdirSync(goldenDir, { recursive: true });

  for (const p of spec.packages ?? []) {
    const dest = join(fixtures, p.dest);
    mkdirSync(dest, { recursive: true });
    const meta = parse(readFileSync(join(fixtures, p.src, 'Chart.yaml'), 'utf8'));
    const tgz = join(dest, `${meta.name}-${meta.version}.tgz`);
    if (existsSync(tgz) && !repackage) continue;
    const r = await run(['package', p.src, '-d', p.dest]);
    if (r.code !== 0) throw new Error(`helm package ${p.src} failed: ${r.stderr}`);
    console.log(`packaged ${p.src} -> ${p.dest}`);
  }

  const ids = new Set();
  let ok = 0;
  let failing = 0;
  for (const c of spec.cases) {
    if (ids.has(c.id)) throw new Error(`duplicate case id ${c.id}`);
    ids.add(c.id);
    if (filters.length && !filters.some((f) => c.id.includes(f))) continue;
    const args = ['template', ...caseArgv(c)];
    const outDir = c.outputDir ? mkdtempSync(join(tmpdir(), 'rel-goldens-out-')) : '';
    if (outDir) args.push('--output-dir', outDir);
    const runs = [];
    for (let n = 0; n < (c.random ? RANDOM_RUNS : 1); n++) runs.push(await run(args));
    const first = runs[0];
    const filesFile = join(goldenDir, `${c.id}.files`);
    if (outDir) {
      first.stdout = first.stdout.split(outDir).join('$OUTPUT_DIR');
      first.stderr = first.stderr.split(outDir).join('$OUTPUT_DIR');
      writeFileSync(filesFile, listFiles(outDir));
      rmSync(outDir, { recursive: true, force: true });
    } else {
      rmSync(filesFile, { force: true });
    }
    for (const r of runs) {
      if (r.code !== first.code) throw new Error(`${c.id}: helm exit code differs between runs`);
    }
    writeFileSync(join(goldenDir, `${c.id}.out`), first.stdout);
    const errFile = join(goldenDir, `${c.id}.err`);
    const randFile = join(goldenDir, `${c.id}.random.json`);
    if (first.code !== 0) {
      failing++;
      const match = c.match ?? essentials(first.stderr);
      let stderr = first.stderr;
      if (stderr.length > MAX_STDERR) stderr = `${stderr.slice(0, MAX_STDERR / 2)}\n[... ${stderr.length - MAX_STDERR} characters left out ...]\n${stderr.slice(-MAX_STDERR / 2)}`;
      writeFileSync(errFile, `exit: ${first.code}\n${match.map((s) => `match: ${s}\n`).join('')}stderr:\n${stderr}`);
      if (c.expect === 'success') console.warn(`WARNING ${c.id}: expected success but helm failed: ${first.stderr.split('\n')[0]}`);
    } else {
      ok++;
      rmSync(errFile, { force: true });
      if (c.expect === 'error') console.warn(`WARNING ${c.id}: expected an error but helm succeeded`);
    }
    if (c.random) {
      const hunks = randomHunks(runs.map((r) => r.stdout));
      writeFileSync(randFile, `${JSON.stringify({ runs: RANDOM_RUNS, hunks }, null, 1)}\n`);
      if (!hunks.length) console.warn(`WARNING ${c.id}: marked random but all ${RANDOM_RUNS} runs were identical`);
    } else {
      rmSync(randFile, { force: true });
    }
  }
  // Goldens of cases that no longer exist.
  if (!filters.length) {
    for (const f of readdirSync(goldenDir)) {
      const id = f.replace(/\.(out|err|files|random\.json)$/, '');
      if (!ids.has(id)) {
        rmSync(join(goldenDir, f));
        console.log(`removed stale ${f}`);
      }
    }
  }
  console.log(`goldens: ${ok + failing} cases (${ok} render, ${failing} fail in helm) -> ${goldenDir}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main()
    .catch((e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exitCode = 1;
    })
    .finally(() => helmHome && rmSync(helmHome, { recursive: true, force: true }));
}
