/**
 * The render server of `rel template` (src/fast/server.ts, client src/fast/client.ts, bin/run.js)
 * and the /bin/sh lines of bin/run.js: the executable is run as users run it (through its #! line),
 * each test with its own XDG_RUNTIME_DIR so that it finds only the servers it started.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const fixtures = join(root, 'test/fixtures');
const helm = join(root, '.cache/tools/helm');
const realBin = join(root, 'bin/run.js');
const work = mkdtempSync(join(tmpdir(), 'rel-server-'));
const webapp = ['prod', 'charts/webapp', '-f', 'charts/webapp/values/production.yaml', '-n', 'web'];

interface Run {
  stdout: string;
  stderr: string;
  code: number | null;
}

let dirs = 0;
/** A fresh XDG_RUNTIME_DIR (mode 0700). */
function runtimeDir(): string {
  const d = join(work, `xdg${dirs++}`);
  mkdirSync(d, { mode: 0o700 });
  return d;
}

function baseEnv(xdg: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TZ: 'UTC', XDG_RUNTIME_DIR: xdg, REL_RENDER_SERVER_IDLE: '30' };
  for (const k of ['REL_NO_FAST', 'REL_FAST_REQUIRED', 'REL_RENDER_SERVER', 'HELM_NAMESPACE']) delete env[k];
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

const result = (r: SpawnSyncReturns<string>): Run => ({ stdout: r.stdout, stderr: r.stderr, code: r.status });

/** Runs `rel template ARGS` through the executable itself (its #! line), like a user. */
function rel(args: string[], env: NodeJS.ProcessEnv, opts: { cwd?: string; input?: string; bin?: string } = {}): Run {
  return result(spawnSync(opts.bin ?? realBin, ['template', ...args], { cwd: opts.cwd ?? fixtures, env, encoding: 'utf8', input: opts.input ?? '', maxBuffer: 64 << 20 }));
}

function sockets(xdg: string): string[] {
  const d = join(xdg, 'rel');
  return existsSync(d) ? readdirSync(d).filter((f) => f.endsWith('.sock')) : [];
}

async function until(what: string, cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** PIDs of render servers whose environment names this runtime dir (from /proc). */
function serverPids(xdg: string): number[] {
  const pids: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').startsWith('rel-render-server') && readFileSync(`/proc/${p}/environ`, 'utf8').split('\0').includes(`XDG_RUNTIME_DIR=${xdg}`)) pids.push(Number(p));
    } catch {
      /* gone */
    }
  }
  return pids;
}

/** Starts a server for `xdg` with one in-process run and waits until it takes requests. */
async function withServer(xdg: string, bin = realBin): Promise<void> {
  const first = rel(webapp, baseEnv(xdg), { bin });
  expect(first.code, first.stderr).toBe(0);
  await until('the server socket', () => sockets(xdg).length === 1);
  // Warm-up renders answer BUSY: wait until a request is served.
  await until('a served request', () => rel(['x', 'charts/webapp'], baseEnv(xdg, { REL_RENDER_SERVER: 'require' }), { bin }).code === 0);
}

const started: string[] = [];
beforeAll(() => {
  if (!existsSync(join(root, 'dist/fast/client.cjs'))) throw new Error('dist/ is missing: run `npm run build` first');
});
afterAll(() => {
  for (const xdg of started) for (const pid of serverPids(xdg)) process.kill(pid, 'SIGTERM');
  rmSync(work, { recursive: true, force: true });
});

describe('render server', () => {
  it('starts after an in-process run; then serves byte-identical output (= helm) and errors', async () => {
    const xdg = runtimeDir();
    started.push(xdg);
    expect(rel(webapp, baseEnv(xdg, { REL_RENDER_SERVER: 'require' })).code).toBe(70); // none yet
    const inProcess = rel(webapp, baseEnv(xdg, { REL_RENDER_SERVER: '0' }));
    expect(sockets(xdg)).toEqual([]); // REL_RENDER_SERVER=0 never starts one
    await withServer(xdg);
    expect(serverPids(xdg)).toHaveLength(1);
    const served = rel(webapp, baseEnv(xdg, { REL_RENDER_SERVER: 'require' }));
    expect(served).toEqual(inProcess);
    expect(served.stdout).toBe(result(spawnSync(helm, ['template', ...webapp], { cwd: fixtures, encoding: 'utf8', env: baseEnv(xdg) })).stdout);
    // errors: the same text on stderr and the same exit code
    for (const args of [
      ['x', 'charts/webapp', '--set', 'image.repository=null', '--set', 'replicaCount=abc'],
      ['x', 'charts/no-such-chart'],
      ['x', 'charts/webapp', '--no-such-flag'],
      ['x', 'charts/webapp', '--show-only', 'templates/nothing.yaml'],
    ]) {
      expect(rel(args, baseEnv(xdg, { REL_RENDER_SERVER: 'require' })), args.join(' ')).toEqual(rel(args, baseEnv(xdg, { REL_RENDER_SERVER: '0' })));
    }
  });

  it("renders in the caller's directory, environment (TZ, HELM_NAMESPACE) and umask", async () => {
    const xdg = runtimeDir();
    started.push(xdg);
    await withServer(xdg);
    const dir = join(work, 'caller');
    mkdirSync(join(dir, 'c/templates'), { recursive: true });
    writeFileSync(join(dir, 'c/Chart.yaml'), 'apiVersion: v2\nname: c\nversion: 0.1.0\n');
    writeFileSync(join(dir, 'c/templates/cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n  namespace: {{ .Release.Namespace }}\ndata:\n  zone: {{ toDate "2006-01-02" "2024-03-01" | date "2006-01-02T15:04 -07:00 MST" | quote }}\n');
    writeFileSync(join(dir, 'here.yaml'), 'name: from-relative-file\n');
    const args = ['r', 'c', '-f', 'here.yaml'];
    for (const env of [
      { TZ: 'Asia/Tokyo', HELM_NAMESPACE: 'tokyo' },
      { TZ: 'America/New_York', HELM_NAMESPACE: 'ny' },
      { TZ: undefined, HELM_NAMESPACE: undefined },
    ]) {
      const served = rel(args, baseEnv(xdg, { ...env, REL_RENDER_SERVER: 'require' }), { cwd: dir });
      expect(served.code, served.stderr).toBe(0);
      const oracle = result(spawnSync(helm, ['template', ...args], { cwd: dir, encoding: 'utf8', env: baseEnv(xdg, env) }));
      expect(served.stdout, JSON.stringify(env)).toBe(oracle.stdout);
    }
    expect(rel(args, baseEnv(xdg, { TZ: 'Asia/Tokyo', REL_RENDER_SERVER: 'require' }), { cwd: dir }).stdout).toContain('+09:00 JST');
    // --output-dir relative to the caller, files made with the caller's umask
    const out = spawnSync('/bin/sh', ['-c', `umask 077 && exec "${realBin}" template r c -f here.yaml --output-dir out`], {
      cwd: dir,
      encoding: 'utf8',
      env: baseEnv(xdg, { REL_RENDER_SERVER: 'require' }),
    });
    expect(out.status, out.stderr).toBe(0);
    const written = join(dir, 'out/c/templates/cm.yaml');
    expect(readFileSync(written, 'utf8')).toContain('name: from-relative-file');
    expect(statSync(written).mode & 0o777).toBe(0o600);
  });

  it('leaves standard input, busy servers and unsafe folders to an in-process render', async () => {
    const xdg = runtimeDir();
    started.push(xdg);
    await withServer(xdg);
    // `-f -` reads this process's standard input: never through a server
    const stdin = rel(['x', 'charts/webapp', '-f', '-'], baseEnv(xdg), { input: 'replicaCount: 7\n' });
    expect(stdin.code, stdin.stderr).toBe(0);
    expect(stdin.stdout).toContain('replicas: 7');
    expect(rel(['x', 'charts/webapp', '-f', '-'], baseEnv(xdg, { REL_RENDER_SERVER: 'require' }), { input: 'a: 1\n' }).stderr).toContain('not usable here');
    // busy: while the server renders a slow chart, another request is answered BUSY
    const slow = join(work, 'slow');
    mkdirSync(join(slow, 'templates'), { recursive: true });
    writeFileSync(join(slow, 'Chart.yaml'), 'apiVersion: v2\nname: slow\nversion: 0.1.0\n');
    writeFileSync(join(slow, 'templates/cm.yaml'), '{{- $s := 0 }}{{- range until 3000000 }}{{- $s = add $s . }}{{- end }}\nsum: {{ $s }}\n');
    const t0 = Date.now();
    const slowRun = new Promise<Run>((res) => {
      const p = spawn(realBin, ['template', 's', slow], { cwd: fixtures, env: baseEnv(xdg, { REL_RENDER_SERVER: 'require' }) });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d) => (stdout += d));
      p.stderr.on('data', (d) => (stderr += d));
      p.on('close', (code) => res({ stdout, stderr, code }));
    });
    await new Promise((r) => setTimeout(r, 400));
    const during = rel(webapp, baseEnv(xdg, { REL_RENDER_SERVER: 'require', REL_RENDER_SERVER_ALIVE_MS: '250' }));
    const slowDone = await slowRun;
    expect(slowDone.code, slowDone.stderr).toBe(0);
    expect(slowDone.stdout).toContain('sum: 4499998500000');
    expect(Date.now() - t0).toBeGreaterThan(400); // it really was still rendering
    expect(during.code).toBe(70);
    expect(during.stderr).toMatch(/did not render this command \(busy\)/);
    expect(rel(webapp, baseEnv(xdg)).code).toBe(0); // and without `require`, rendered in-process
    // a folder others can write to is never used (and no server is started there)
    const open = runtimeDir();
    mkdirSync(join(open, 'rel'), { mode: 0o777 });
    chmodSync(join(open, 'rel'), 0o777);
    expect(rel(webapp, baseEnv(open)).code).toBe(0);
    expect(rel(webapp, baseEnv(open, { REL_RENDER_SERVER: 'require' })).stderr).toContain('not usable here');
    await new Promise((r) => setTimeout(r, 500));
    expect(sockets(open)).toEqual([]);
  });

  it('stops when idle, on SIGTERM, and when its bundle changes; a stale socket is replaced', async () => {
    // A private copy of the executable and the fast path, so that its bundle can change.
    const copy = join(work, 'copy');
    mkdirSync(join(copy, 'dist/commands'), { recursive: true });
    cpSync(join(root, 'bin'), join(copy, 'bin'), { recursive: true });
    cpSync(join(root, 'dist/fast'), join(copy, 'dist/fast'), { recursive: true });
    copyFileSync(join(root, 'dist/commands/template.js'), join(copy, 'dist/commands/template.js'));
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(copy, 'dist/commands/template.js'), old, old); // the bundle must be the newer one
    const bin = join(copy, 'bin/run.js');

    const xdg = runtimeDir();
    started.push(xdg);
    await withServer(xdg, bin);
    const [sock] = sockets(xdg);
    // the bundle changes (a rebuild or an upgrade): the server stops, the socket goes
    utimesSync(join(copy, 'dist/fast/template.cjs'), new Date(), new Date());
    await until('the server to stop after its bundle changed', () => serverPids(xdg).length === 0 && !sockets(xdg).includes(sock!));
    // the next run renders in-process and starts a server for the new build
    await withServer(xdg, bin);
    expect(sockets(xdg)).toHaveLength(1);
    expect(sockets(xdg)[0]).not.toBe(sock);

    // SIGKILL leaves a stale socket: the next run renders in-process, and the new server replaces it
    for (const pid of serverPids(xdg)) process.kill(pid, 'SIGKILL');
    await until('the kill', () => serverPids(xdg).length === 0);
    expect(sockets(xdg)).toHaveLength(1);
    rmSync(join(xdg, 'rel', `${sockets(xdg)[0]}.start`), { force: true });
    await withServer(xdg, bin);
    expect(serverPids(xdg)).toHaveLength(1);

    // SIGTERM: stops and removes its socket
    process.kill(serverPids(xdg)[0]!, 'SIGTERM');
    await until('SIGTERM', () => serverPids(xdg).length === 0 && sockets(xdg).length === 0);

    // idle: REL_RENDER_SERVER_IDLE seconds without a request
    const idle = runtimeDir();
    started.push(idle);
    const first = rel(webapp, { ...baseEnv(idle), REL_RENDER_SERVER_IDLE: '1' }, { bin });
    expect(first.code).toBe(0);
    await until('the server', () => sockets(idle).length === 1);
    await until('the idle exit', () => sockets(idle).length === 0 && serverPids(idle).length === 0, 10_000);
  });
});

describe('bin/run.js /bin/sh lines', () => {
  it('drop NODE_EXTRA_CA_CERTS only for template/version without URLs, and pass arguments unchanged', () => {
    // A `node` first on PATH that prints what it was given.
    const fake = join(work, 'fakebin');
    mkdirSync(fake, { recursive: true });
    writeFileSync(join(fake, 'node'), '#!/bin/sh\nprintf "CA=%s\\n" "${NODE_EXTRA_CA_CERTS-unset}"\nfor a in "$@"; do printf "[%s]\\n" "$a"; done\n');
    chmodSync(join(fake, 'node'), 0o755);
    const env = { ...process.env, PATH: `${fake}:${process.env.PATH}`, NODE_EXTRA_CA_CERTS: '/some/ca.pem' };
    const run = (...args: string[]) => spawnSync(realBin, args, { env, encoding: 'utf8' }).stdout;
    expect(run('template', 'r', 'my chart', '--set', 'a=b c')).toBe(`CA=unset\n[${realBin}]\n[template]\n[r]\n[my chart]\n[--set]\n[a=b c]\n`);
    expect(run('version')).toBe(`CA=unset\n[${realBin}]\n[version]\n`);
    expect(run('deploy', 'r', 'c')).toContain('CA=/some/ca.pem\n');
    expect(run('template', 'r', 'oci://registry.example/c')).toContain('CA=/some/ca.pem\n');
    expect(run()).toBe(`CA=/some/ca.pem\n[${realBin}]\n`);
  });
});
