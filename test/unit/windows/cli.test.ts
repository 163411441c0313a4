import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WindowCheck from '../../../src/commands/window/check.js';
import WindowList from '../../../src/commands/window/list.js';
import WindowNext from '../../../src/commands/window/next.js';
import { parseWindows, WindowConfigError } from '../../../src/windows/index.js';

const ROOT = path.resolve(__dirname, '../../..');
let dir: string;
let file: string;

const REL_YAML = `# test project
apiVersion: rel.dev/v1
defaults:
  windows:
    freezes:
      - name: year-end
        start: 2026-12-20
        end: 2027-01-03
        timeZone: Europe/Berlin
        reason: year-end freeze
environments:
  dev: {}
  prod:
    windows:
      allow:
        - name: biweekly
          schedule: "0 2 * * 2"
          duration: 2h
          timeZone: Asia/Shanghai
          every: 2w
          anchor: 2026-01-06
      policy:
        canaryAtClose: pause
releases:
  - name: web
    chart: ./charts/web
`;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'rel-windows-'));
  file = path.join(dir, 'rel.yaml');
  writeFileSync(file, REL_YAML);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env.REL_NOW;
  vi.restoreAllMocks();
});

async function run(cmd: { run(argv: string[], root: string): Promise<unknown> }, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  // oclif's this.log/this.error print through console.log/console.error
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
    out += `${a.map(String).join(' ')}\n`;
  });
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => {
    err += `${a.map(String).join(' ')}\n`;
  });
  let code = 0;
  try {
    await cmd.run(argv, ROOT);
  } catch (e) {
    const oclif = (e as { oclif?: { exit?: number } }).oclif;
    if (oclif?.exit === undefined) throw e;
    code = oclif.exit;
    err += (e as Error).message;
  } finally {
    vi.restoreAllMocks();
  }
  return { code, out, err };
}

describe('rel window check', () => {
  it('exits 0 inside the window (REL_NOW)', async () => {
    process.env.REL_NOW = '2026-01-06T02:30:00+08:00';
    const r = await run(WindowCheck, ['--file', file, '--env', 'prod']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/deploy to prod is allowed now: inside window "biweekly", open until Mon 2026-01-05 20:00 \+00:00/);
  });
  it('exits 4 outside the window, naming the next opening', async () => {
    process.env.REL_NOW = '2026-01-07T12:00:00Z';
    const r = await run(WindowCheck, ['--file', file, '--env', 'prod', '--tz', 'Asia/Shanghai']);
    expect(r.code).toBe(4);
    expect(r.out).toContain('deploy to prod is NOT allowed now:');
    expect(r.out).toContain('outside every allow window');
    expect(r.out).toContain('next window opens Tue 2026-01-20 02:00 +08:00 (in 12d 6h) "biweekly"');
  });
  it('exits 4 during the global freeze and names it', async () => {
    const r = await run(WindowCheck, ['--file', file, '--env', 'prod', '--at', '2026-12-22T02:30:00+08:00']);
    expect(r.code).toBe(4);
    expect(r.out).toContain('blocked by freeze "year-end" (year-end freeze) until Sun 2027-01-03 23:00 +00:00');
    // 2027-01-05 (Shanghai) is 52 weeks after the anchor: the first biweekly window after the freeze
    expect(r.out).toContain('next window opens Mon 2027-01-04 18:00 +00:00');
  });
  it('the freeze applies to environments without their own windows too', async () => {
    expect((await run(WindowCheck, ['--file', file, '--env', 'dev', '--at', '2026-12-24T12:00:00Z'])).code).toBe(4);
    expect((await run(WindowCheck, ['--file', file, '--env', 'dev', '--at', '2026-12-19T12:00:00Z'])).code).toBe(0);
  });
  it('hints at --env when environments define their own windows', async () => {
    const r = await run(WindowCheck, ['--file', file, '--at', '2026-01-07T12:00:00Z']);
    expect(r.code).toBe(0);
    expect(r.err.replace(/\s*›\s*/g, ' ').replace(/\s+/g, ' ')).toContain("without --env only defaults.windows (and the release's own windows) apply; prod defines more: pass --env prod");
  });
  it('rollbacks are allowed outside the window by default', async () => {
    const r = await run(WindowCheck, ['--file', file, '--env', 'prod', '--at', '2026-01-07T12:00:00Z', '--op', 'rollback']);
    expect(r.code).toBe(0);
  });
  it('prints JSON with -o json and still exits 4', async () => {
    const r = await run(WindowCheck, ['--file', file, '--env', 'prod', '--at', '2026-01-07T12:00:00Z', '-o', 'json']);
    expect(r.code).toBe(4);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({
      allowed: false,
      exitCode: 4,
      operation: 'deploy',
      env: 'prod',
      blockedBy: { kind: 'outside-allow' },
      nextOpening: { start: '2026-01-19T18:00:00.000Z', end: '2026-01-19T20:00:00.000Z', name: 'biweekly' },
    });
  });
  it('reads --at without an offset in --tz, and relative --at from REL_NOW', async () => {
    expect((await run(WindowCheck, ['--file', file, '--env', 'prod', '--at', '2026-01-06T03:59', '--tz', 'Asia/Shanghai'])).code).toBe(0);
    expect((await run(WindowCheck, ['--file', file, '--env', 'prod', '--at', '2026-01-06T03:59'])).code).toBe(4);
    process.env.REL_NOW = '2026-01-05T17:00:00Z';
    expect((await run(WindowCheck, ['--file', file, '--env', 'prod'])).code).toBe(4);
    expect((await run(WindowCheck, ['--file', file, '--env', 'prod', '--at', '+1h30m'])).code).toBe(0);
  });
  it('rejects a bad --at and an unknown environment with clear errors', async () => {
    const a = await run(WindowCheck, ['--file', file, '--at', 'tomorrow']);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/--at: "tomorrow" is not a time/);
    const b = await run(WindowCheck, ['--file', file, '--env', 'prd']);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/rel\.yaml:\d+:\d+: unknown environment "prd" \(did you mean "prod"\?\)/);
    process.env.REL_NOW = 'bogus';
    const d = await run(WindowCheck, ['--file', file]);
    expect(d.code).toBe(2);
    expect(d.err).toMatch(/REL_NOW="bogus" is not an ISO 8601 date-time/);
    delete process.env.REL_NOW;
    const c = await run(WindowCheck, ['--file', path.join(dir, 'missing.yaml')]);
    expect(c.code).toBe(2);
    expect(c.err).toMatch(/does not exist/);
  });
});

describe('rel window next / list', () => {
  it('next shows the upcoming openings', async () => {
    const r = await run(WindowNext, ['--file', file, '--env', 'prod', '--at', '2026-01-01T00:00:00Z', '-n', '3', '-o', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.openNow).toBe(false);
    expect(j.next.map((p: { start: string }) => p.start)).toEqual(['2026-01-05T18:00:00.000Z', '2026-01-19T18:00:00.000Z', '2026-02-02T18:00:00.000Z']);
  });
  it('next in text, while a window is open', async () => {
    const r = await run(WindowNext, ['--file', file, '--env', 'prod', '--at', '2026-01-05T19:00:00Z']);
    expect(r.out).toContain('open now ("biweekly"): until Mon 2026-01-05 20:00 +00:00 (in 1h)');
    expect(r.out).toContain('next opening:\n  Mon 2026-01-19 18:00 +00:00 -> Mon 2026-01-19 20:00 +00:00  in 13d 23h  "biweekly"');
  });
  it('list shows definitions, occurrences and allowed periods (yaml)', async () => {
    const r = await run(WindowList, ['--file', file, '--env', 'prod', '--at', '2026-12-01T00:00:00Z', '--days', '45', '-o', 'yaml']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('release: web\nsources:\n  - defaults.windows\n  - environments.prod.windows');
    expect(r.out).toContain('canaryAtClose: pause');
    // the 2026-12-22 window falls in the freeze, so only 12-08 and 01-05 remain allowed
    expect(r.out).toMatch(/allowed:\n  - start: 2026-12-07T18:00:00.000Z\n    end: 2026-12-07T20:00:00.000Z\n    name: biweekly\n  - start: 2027-01-04T18:00:00.000Z/);
  });
  it('list in text', async () => {
    const r = await run(WindowList, ['--file', file, '--env', 'prod', '--at', '2026-12-01T00:00:00Z', '--days', '45', '--tz', 'Asia/Shanghai']);
    expect(r.out).toMatch(/allow\s+biweekly\s+"0 2 \* \* 2"\s+2h\s+Asia\/Shanghai\s+every 2w from 2026-01-06/);
    expect(r.out).toMatch(/freeze\s+year-end\s+Sun 2026-12-20 07:00 \+08:00 -> Mon 2027-01-04 07:00 \+08:00/);
    expect(r.out).toContain('deploys allowed:\n  Tue 2026-12-08 02:00 +08:00 -> Tue 2026-12-08 04:00 +08:00  "biweekly"');
  });
});

describe('rel.yaml loader', () => {
  const head = 'apiVersion: rel.dev/v1\nreleases:\n  - name: web\n    chart: ./web\n';
  it('points validation errors at file:line:col with the field path', () => {
    const text = `${head}environments:\n  prod:\n    windows:\n      allow:\n        - schedule: "0 2 * *"\n          duration: 2h\n`;
    expect(() => parseWindows(text, { fileName: 'rel.yaml', env: 'prod' })).toThrow(WindowConfigError);
    expect(() => parseWindows(text, { fileName: 'rel.yaml', env: 'prod' })).toThrow(
      /^rel\.yaml:9:21: environments\.prod\.windows\.allow\[0\]\.schedule: cron schedule "0 2 \* \*" has 4 fields/,
    );
  });
  it('reports an unknown time zone in a release-in-environment layer with its position', () => {
    const text = `apiVersion: rel.dev/v1\nenvironments:\n  prod: {}\nreleases:\n  - name: web\n    chart: ./web\n    environments:\n      prod:\n        windows:\n          deny:\n            - { schedule: "0 0 * * 0", duration: 24h, timeZone: Europe/Berln }\n`;
    expect(() => parseWindows(text, { fileName: 'rel.yaml', env: 'prod' })).toThrow(
      /^rel\.yaml:11:\d+: releases\[0\]\.environments\.prod\.windows\.deny\[0\]\.timeZone: unknown time zone "Europe\/Berln"/,
    );
  });
  it('reports YAML syntax errors and project schema errors like the other commands', () => {
    expect(() => parseWindows('windows:\n  allow: [\n', { fileName: 'rel.yaml' })).toThrow(/^rel\.yaml:\d+:\d+: invalid YAML/);
    expect(() => parseWindows(`${head}defaults:\n  windowz: {}\n`, { fileName: 'rel.yaml' })).toThrow(/windowz/);
  });
  it('layers like rel deploy: defaults < environment < release < release-in-environment', () => {
    const text = `apiVersion: rel.dev/v1
defaults:
  windows:
    allow: [{ schedule: "0 1 * * *", duration: 1h }]
    deny: [{ name: global, schedule: "0 0 1 1 *", duration: 24h }]
    policy: { rollback: window, closeMargin: 5m }
environments:
  prod:
    windows:
      allow: [{ schedule: "0 3 * * *", duration: 1h }]
      policy: { closeMargin: 20m }
  dev: {}
releases:
  - name: web
    chart: ./web
    environments:
      prod:
        windows:
          freezes: [{ start: 2026-12-20, end: 2026-12-31, reason: launch }]
  - name: api
    chart: ./api
`;
    const dev = parseWindows(text, { fileName: 'rel.yaml', env: 'dev' });
    expect(dev.spec.allow.map((w) => w.schedule)).toEqual(['0 1 * * *']);
    expect(dev.release).toBeUndefined(); // two releases and none named
    const prod = parseWindows(text, { fileName: 'rel.yaml', env: 'prod', release: 'web' });
    expect(prod.sources).toEqual(['defaults.windows', 'environments.prod.windows', 'releases[0].environments.prod.windows']);
    expect(prod.spec.allow.map((w) => w.schedule)).toEqual(['0 3 * * *']);
    expect(prod.spec.deny.map((w) => w.name)).toEqual(['global']);
    expect(prod.spec.freezes.map((f) => f.reason)).toEqual(['launch']);
    expect(prod.spec.policy).toMatchObject({ rollback: 'window', closeMargin: '20m' });
    expect(() => parseWindows(text, { fileName: 'rel.yaml', env: 'prod', release: 'wbe' })).toThrow(/no release "wbe" \(did you mean "web"\?\)/);
  });
});
