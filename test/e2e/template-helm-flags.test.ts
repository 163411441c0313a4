// `rel template` takes helm template's command lines unchanged: the flags that change nothing offline are
// accepted (output identical to the real helm's), bare optional-value flags behave like cobra's, --enable-dns
// resolves like helm, and what rel cannot do is refused with a clear message. Both the fast path and oclif.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NO_EFFECT_BOOLEANS, NO_EFFECT_MULTIPLE, NO_EFFECT_STRINGS } from '../../src/actions/template-flags.js';

const root = resolve(import.meta.dirname, '../..');
const helmBin = join(root, '.cache/tools/helm');
const bin = join(root, 'bin/run.js');

const chart = mkdtempSync(join(tmpdir(), 'rel-hflags-'));
mkdirSync(join(chart, 'templates'));
writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: hflags\nversion: 0.1.0\n');
writeFileSync(join(chart, 'values.yaml'), 'host: localhost\n');
writeFileSync(
  join(chart, 'templates/cm.yaml'),
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n  namespace: {{ .Release.Namespace }}\ndata:\n  host: {{ getHostByName .Values.host | quote }}\n',
);

type Run = { code: number; stdout: string; stderr: string };
const helm = (args: string[]): Run => {
  const r = spawnSync(helmBin, ['template', 'r', chart, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};
const rel = (args: string[], fast: boolean): Run => {
  const env = { ...process.env, ...(fast ? { REL_FAST_REQUIRED: '1' } : { REL_NO_FAST: '1' }) };
  const r = spawnSync(process.execPath, [bin, 'template', 'r', chart, ...args], { encoding: 'utf8', env });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

const noEffect = [
  ...NO_EFFECT_BOOLEANS.filter((f) => f !== 'force-replace').map((f) => `--${f}`), // helm: force-replace and force-conflicts exclude each other
  ...NO_EFFECT_STRINGS.filter((f) => !['server-side', 'wait', 'key-file', 'cert-file'].includes(f)).map((f) => `--${f}=${({ 'burst-limit': '5', qps: '3', color: 'never', colour: 'auto', timeout: '5m' } as Record<string, string>)[f] ?? 'x1'}`),
  ...NO_EFFECT_MULTIPLE.map((f) => `--${f}=a=b`),
  '--server-side=false',
  '--wait=watcher',
  '--dry-run=client',
];

describe.each([true, false])('rel template with helm template flags (fast path: %s)', (fast) => {
  it('every flag that changes nothing offline, all at once: output identical to helm', () => {
    const h = helm(noEffect);
    expect(h.code, h.stderr).toBe(0);
    const r = rel(noEffect, fast);
    expect(r.stderr).toBe('');
    expect(r).toEqual(h);
  });

  it.each([
    [['--wait', '-n', 'prod']],
    [['--server-side', '-n', 'prod']],
    [['--dry-run', '--namespace', 'prod']],
    [['--enable-dns', '--set', 'host=127.0.0.1']],
    [['--enable-dns']],
  ])('%j like helm (bare optional values, deprecation warning, DNS)', (args) => {
    expect(rel(args, fast)).toEqual(helm(args));
  });

  it('an unknown name with --enable-dns fails where helm fails', () => {
    const args = ['--enable-dns', '--set', 'host=no-such-host.invalid'];
    const h = helm(args);
    const r = rel(args, fast);
    expect(h.code).toBe(1);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(h.stderr);
  });

  it.each([
    [['--dry-run=server'], /--dry-run=server needs a cluster.*rel deploy --dry-run=server/],
    [['--validate'], /--validate needs a cluster/],
    [['--dry-run=bogus'], /^Error: invalid dry-run value \("bogus"\)\. Must be "none", "server", or "client"$/m],
    [['--post-renderer', 'x'], /rel runs no post-renderer plugins; pipe the output/],
    [['--repo', 'http://127.0.0.1:1'], /renders a local chart .*helm pull/],
    [['--verify'], /^Error: unpacked charts cannot be verified$/m],
    [['--ca-file', '/nonexistent/ca.pem'], /can't read CA file: "\/nonexistent\/ca\.pem"/],
    [['--cert-file', '/nonexistent/c.pem', '--key-file', '/nonexistent/k.pem'], /unable to read cert file: "\/nonexistent\/c\.pem"/],
    [['--color', 'sometimes'], /invalid color mode "sometimes": must be one of: never, auto, always/],
  ])('%j is refused with a clear message, exit 1', (args, re) => {
    const r = rel(args as string[], fast);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(re as RegExp);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
