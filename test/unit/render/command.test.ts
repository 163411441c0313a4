import { afterEach, describe, expect, it, vi } from 'vitest';
import TemplateCommand from '../../../src/commands/template.js';
import { templateMain } from '../../../src/actions/template.js';

const ROOT = new URL('../../../', import.meta.url).pathname;

async function capture(fn: () => Promise<unknown>): Promise<{ out: string; err: string; code: number | undefined }> {
  const out: string[] = [];
  const err: string[] = [];
  const so = vi.spyOn(process.stdout, 'write').mockImplementation((c: unknown) => (out.push(String(c)), true));
  const se = vi.spyOn(process.stderr, 'write').mockImplementation((c: unknown) => (err.push(String(c)), true));
  const saved = process.exitCode;
  process.exitCode = undefined;
  try {
    await fn();
  } finally {
    so.mockRestore();
    se.mockRestore();
  }
  const code = process.exitCode as number | undefined;
  process.exitCode = saved;
  return { out: out.join(''), err: err.join(''), code };
}

afterEach(() => vi.restoreAllMocks());

describe('rel template command', () => {
  it('runs in-process through oclif and writes the manifests to stdout', async () => {
    const r = await capture(() => TemplateCommand.run(['web', 'test/unit/render/fixtures/deps', '-s', 'templates/configmap.yaml'], ROOT));
    expect(r.out).toContain('# Source: deps/templates/configmap.yaml\napiVersion: v1\nkind: ConfigMap');
    expect(r.code ?? 0).toBe(0);
  });

  it('prints helm-style errors and exits 1', async () => {
    const r = await capture(() => TemplateCommand.run(['web', 'test/unit/render/fixtures/deps', '--no-such-flag'], ROOT));
    expect(r.err).toBe('Error: unknown flag: --no-such-flag\n');
    expect(r.code).toBe(1);
    const r2 = await capture(() => TemplateCommand.run(['a', 'b', 'c'], ROOT));
    expect(r2.err).toBe('Error: expected at most two arguments, unexpected arguments: c\n');
  });

  it('has a framework-free entry point with the same behaviour', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s) };
    const cwd = process.cwd();
    process.chdir(ROOT);
    try {
      expect(await templateMain(['web', 'test/unit/render/fixtures/deps', '-s', 'templates/configmap.yaml', '-a', 'x/v1,y/v1'], io)).toBe(0);
      expect(out.join('')).toContain('name: web-deps-files');
      expect(await templateMain(['--bogus', 'x'], io)).toBe(1);
      expect(err.join('')).toContain('Error: unknown flag: --bogus');
    } finally {
      process.chdir(cwd);
    }
  });
});
