/**
 * The fast path of `rel template` / `rel version` (bin/run.js → dist/fast/template.cjs, no oclif)
 * against the oclif command (REL_NO_FAST=1): identical stdout, stderr and exit code over charts,
 * flag spellings, oclif's parsing quirks and error cases. Needs the tsc build (dist/); the bundle
 * is rebuilt here when it is missing or older than the compiled command.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const fixtures = join(root, 'test/fixtures');
const bin = join(root, 'bin/run.js');
const bundle = join(root, 'dist/fast/template.cjs');
const compiled = join(root, 'dist/commands/template.js');

interface Run {
  stdout: string;
  stderr: string;
  code: number | null;
}

function buildFast(): void {
  const r = spawnSync(process.execPath, [join(root, 'scripts/build-fast.mjs'), '--quiet'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build-fast failed: ${r.stderr}`);
}

function rel(args: string[], opts: { fast: boolean; env?: Record<string, string>; input?: string }, retries = 2): Run {
  const env: Record<string, string | undefined> = { ...process.env, TZ: 'UTC', ...opts.env };
  delete env.REL_NO_FAST;
  delete env.HELM_NAMESPACE;
  Object.assign(env, opts.env);
  if (opts.fast) env.REL_FAST_REQUIRED = '1';
  else env.REL_NO_FAST = '1';
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: fixtures, env, encoding: 'utf8', input: opts.input ?? '', maxBuffer: 64 << 20 });
  if (opts.fast && r.status === 70 && retries > 0) {
    // dist/ was rebuilt meanwhile (a shared work tree) and bin/run.js refused the older bundle.
    buildFast();
    return rel(args, opts, retries - 1);
  }
  return { stdout: r.stdout, stderr: r.stderr, code: r.status };
}

/** Runs both paths and expects the same result; returns it. */
function same(args: string[], opts: { env?: Record<string, string>; input?: string } = {}): Run {
  const fast = rel(args, { ...opts, fast: true });
  const slow = rel(args, { ...opts, fast: false });
  expect(fast, `rel ${args.join(' ')}`).toEqual(slow);
  return fast;
}

beforeAll(() => {
  if (!existsSync(compiled)) throw new Error('dist/ is missing: run `npm run build` first');
  if (!existsSync(bundle) || statSync(bundle).mtimeMs < statSync(compiled).mtimeMs) buildFast();
});

describe('rel template: fast path = oclif path', () => {
  it('renders charts identically', () => {
    const cases: string[][] = [
      ['prod', 'charts/webapp', '-f', 'charts/webapp/values/production.yaml', '-n', 'web'],
      ['big', 'charts/fleet'],
      ['charts/helm-objects'],
      ['r', 'charts/lifecycle', '--skip-tests'],
      ['r', 'charts/sprig-strings'],
      ['r', 'charts/schema'],
      ['r', 'charts/umbrella'],
    ];
    for (const c of cases) {
      const r = same(['template', ...c]);
      expect(r.code, c.join(' ')).toBe(0);
      expect(r.stdout).toContain('# Source: ');
    }
  });

  it('fails identically on chart errors', () => {
    for (const c of ['err-unclosed', 'err-values-bad', 'err-dep-missing', 'err-unknown-func', 'err-chart-noversion']) {
      const r = same(['template', 'r', `charts/${c}`]);
      expect(r.code, c).toBe(1);
      expect(r.stderr).toMatch(/^Error: /m);
    }
    const missing = same(['template', 'r', 'charts/does-not-exist']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Error: ');
    const badName = same(['template', 'Bad_Name', 'charts/webapp']);
    expect(badName.stderr).toContain('release name check failed');
  });

  it('renders deeply nested includes (worker retry) identically', () => {
    const r = same(['template', 'r', 'charts/include-depth']);
    expect(r.stdout + r.stderr).not.toBe('');
    // 1000 levels overflow the default stack: both paths retry on a worker (src/actions/template-worker.ts).
    const deep = same(['template', 'r', 'charts/include-depth', '--set', 'n=1000']);
    expect(deep.code).toBe(0);
    expect(deep.stdout).toBe(readFileSync(join(fixtures, 'golden/include-depth-1000.out'), 'utf8'));
  });

  it('parses every flag spelling like oclif', () => {
    const web = 'charts/webapp';
    const prodValues = 'charts/webapp/values/production.yaml';
    const cases: string[][] = [
      ['r', web, `--values=${prodValues}`],
      ['r', web, `-f${prodValues}`],
      ['r', web, `-f=${prodValues}`],
      ['r', web, '-f', `${prodValues},${prodValues}`],
      ['r', web, '--set', 'replicaCount=3', '--set=image.tag=v2', '--set-string', 'x=1', '--set-json', 'j={"a":1}', '--set-literal', 'l=a,b'],
      ['r', web, '-nother', '--kube-version', '1.29.0', '-a', 'foo/v1,bar/v2', '--api-versions=baz/v1'],
      ['r', web, '--namespace=ns1', '--is-upgrade', '--no-hooks', '--include-crds', '--skip-crds', '--skip-schema-validation'],
      ['r', web, '-g', '--release-name', '--no-color', '--debug'],
      ['r', web, '-s', 'templates/service.yaml', '--show-only=templates/deployment.yaml'],
      ['r', web, '-s', 'templates/nope.yaml'],
      [web, '--name-template', 'named-{{ "x" }}'],
      ['r', web, '--include-crds=false'],
      ['--', 'r', web],
      ['r', '--', web],
      ['-1', web],
      // oclif's repeatable flags are greedy: the positionals after -f become values files.
      ['-f', prodValues, 'r', web],
      ['-f', prodValues, '--debug', 'r', web],
      ['-f', prodValues, '-n', 'x', 'r', web],
      // argument order follows the first occurrence of each word in argv
      ['-n', web, 'r', web],
    ];
    for (const c of cases) same(['template', ...c]);
  });

  it('takes the namespace from HELM_NAMESPACE like oclif', () => {
    const r = same(['template', 'r', 'charts/helm-objects'], { env: { HELM_NAMESPACE: 'from-env' } });
    expect(r.stdout).toContain('from-env');
    const f = same(['template', 'r', 'charts/helm-objects', '-n', 'flag-wins'], { env: { HELM_NAMESPACE: 'from-env' } });
    expect(f.stdout).toContain('flag-wins');
    expect(f.stdout).not.toContain('from-env');
  });

  it('ignores piped stdin for missing positional arguments, like helm (both paths)', () => {
    const r = same(['template', 'r'], { input: 'charts/webapp\n' });
    expect(r.stderr).not.toContain('charts/webapp');
    const one = same(['template'], { input: 'charts/webapp\n' });
    expect(one.code).not.toBe(0);
    expect(one.stdout).toBe('');
  });

  it('gives the same usage errors and exit codes', () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /requires at least 1 argument/],
      [['a', 'b', 'c'], /unexpected arguments: c/],
      [['--bogus', 'r', 'charts/webapp'], /unknown flag: --bogus/],
      [['-z', 'r', 'charts/webapp'], /unknown flag: -z/],
      [['--bogus', '--other', 'charts/webapp'], /unknown flag: --bogus/],
      [['r', 'charts/webapp', '-n'], /flag needs an argument: --namespace/],
      [['r', 'charts/webapp', '--namespace', '--debug'], /flag needs an argument: --namespace/],
      [['r', 'charts/webapp', '--set'], /flag needs an argument: --set/],
      [['r', 'charts/webapp', '-n', 'a', '-n', 'b'], /can only be specified once/],
      [['r', 'charts/webapp', '--kube-version', 'bad'], /invalid kube version/],
      [['r', 'charts/webapp', '--set', 'a[=b'], /^Error: /],
      [['r', 'charts/webapp', '-f', 'no-such-file.yaml'], /no-such-file/],
      [['--name-template', 'x', 'r', 'charts/webapp'], /cannot set --name-template/],
    ];
    for (const [args, re] of cases) {
      const r = same(['template', ...args]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(re);
      expect(r.stdout).toBe('');
    }
  });

  it('writes --output-dir files identically', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rel-fast-'));
    const out = join(dir, 'out');
    const tree = (): Record<string, string> => {
      const files: Record<string, string> = {};
      const walk = (d: string) => {
        for (const e of readdirSync(d, { withFileTypes: true })) {
          const p = join(d, e.name);
          if (e.isDirectory()) walk(p);
          else files[relative(out, p)] = readFileSync(p, 'utf8');
        }
      };
      walk(out);
      return files;
    };
    try {
      const args = ['template', 'r', 'charts/lifecycle', '--output-dir', out, '--release-name'];
      const fast = rel(args, { fast: true });
      const fastTree = tree();
      rmSync(out, { recursive: true, force: true });
      const slow = rel(args, { fast: false });
      expect(fast).toEqual(slow);
      expect(fastTree).toEqual(tree());
      expect(Object.keys(fastTree).length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ends quietly when stdout is closed early, like oclif', () => {
    for (const fast of [true, false]) {
      const env = { ...process.env, ...(fast ? { REL_FAST_REQUIRED: '1' } : { REL_NO_FAST: '1' }) };
      const r = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" template big charts/fleet | head -c 10 >/dev/null`], {
        cwd: fixtures,
        env,
        encoding: 'utf8',
      });
      expect(r.stderr, fast ? 'fast' : 'oclif').toBe('');
    }
  });

  it('leaves help to oclif', () => {
    const r = rel(['template', '--help'], { fast: true });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('USAGE');
  });
});

describe('rel version: fast path = oclif path', () => {
  it('prints the same line', () => {
    const r = rel(['version'], { fast: true });
    const slow = rel(['version'], { fast: false });
    // (The oclif command warns on stderr that it did not parse its arguments: not copied.)
    expect([r.stdout, r.code]).toEqual([slow.stdout, slow.code]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^rel \d+\.\d+\.\d+ \(helm-compatible v\d/);
  });
});
