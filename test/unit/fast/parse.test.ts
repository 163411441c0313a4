/**
 * src/fast/parse.ts against @oclif/core's own parser, on the real `rel template` command's flags:
 * the same flags, argv and error messages for hand-picked and generated command lines.
 */
import { Args, Flags, Parser } from '@oclif/core';
import { describe, expect, it } from 'vitest';
import Template from '../../../src/commands/template.js';
import { FastParseError, parseLikeOclif, type ParseOutput } from '../../../src/fast/parse.js';
import { specFromCommand, type CommandSpec } from '../../../src/fast/spec.js';

type Outcome = { ok: { flags: unknown; argv: string[] } } | { error: string };

async function viaOclif(argv: string[], cmd: { flags: object; args: object; strict?: boolean }, stdin: string | null): Promise<Outcome> {
  const g = globalThis as { oclif?: { stdinCache?: string } };
  g.oclif = stdin === null ? {} : { stdinCache: stdin };
  try {
    const r = await Parser.parse(argv, { flags: cmd.flags as never, args: cmd.args as never, strict: cmd.strict });
    return { ok: { flags: r.flags, argv: r.argv as string[] } };
  } catch (e) {
    return { error: (e as Error).message };
  } finally {
    g.oclif = {};
  }
}

async function viaFast(argv: string[], spec: CommandSpec, stdin: string | null, env: Record<string, string> = {}): Promise<Outcome> {
  try {
    const r: ParseOutput = await parseLikeOclif(argv, spec, { env, readStdin: async () => stdin });
    return { ok: { flags: r.flags, argv: r.argv } };
  } catch (e) {
    if (!(e instanceof FastParseError)) throw e;
    return { error: e.message };
  }
}

const spec = await specFromCommand('template', Template as unknown as Record<string, unknown>);

describe('specFromCommand', () => {
  it('describes the template command completely', () => {
    expect(spec.unsupported).toEqual([]);
    expect(spec.flags.map((f) => f.name)).toEqual(Object.keys(Template.flags));
    expect(spec.flags.find((f) => f.name === 'values')).toMatchObject({ char: 'f', multiple: true, delimiter: ',', type: 'option' });
    expect(spec.flags.find((f) => f.name === 'namespace')).toMatchObject({ char: 'n', env: 'HELM_NAMESPACE' });
    expect(spec.flags.find((f) => f.name === 'generate-name')).toMatchObject({ char: 'g', type: 'boolean', default: false });
    expect(spec.args.map((a) => a.name)).toEqual(['name', 'chart']);
  });

  it('lists features the fast parser does not mirror', async () => {
    const s = await specFromCommand('x', {
      strict: true,
      flags: {
        out: Flags.string({ options: ['a', 'b'] }),
        n: Flags.integer({}),
        dflt: Flags.string({ default: async () => 'x' }),
        needs: Flags.boolean({ dependsOn: ['out'] }),
      },
      args: { a: Args.integer({}) },
    });
    expect(s.unsupported.join('\n')).toMatch(/strict/);
    expect(s.unsupported.join('\n')).toMatch(/--out: options/);
    expect(s.unsupported.join('\n')).toMatch(/--n: custom parse/);
    expect(s.unsupported.join('\n')).toMatch(/--dflt: default of type function/);
    expect(s.unsupported.join('\n')).toMatch(/--needs: dependsOn/);
    expect(s.unsupported.join('\n')).toMatch(/arg a: custom parse/);
  });
});

describe('parseLikeOclif = oclif Parser (rel template flags)', () => {
  const cases: string[][] = [
    [],
    ['r', 'chart'],
    ['chart'],
    ['r', 'chart', 'extra', 'more'],
    ['r', 'chart', '-f', 'a.yaml', '-f', 'b.yaml,c.yaml'],
    ['r', 'chart', '--values=a.yaml', '-fb.yaml', '-f=c.yaml'],
    ['r', 'chart', '-f', 'a\\,b.yaml, "c d.yaml" ,\'e.yaml\''],
    ['-f', 'a.yaml', 'r', 'chart'],
    ['-f', 'a.yaml', '--debug', 'r', 'chart'],
    ['-f', 'a.yaml', '-n', 'x', 'r', 'chart'],
    ['--set', 'a=1', 'r', 'chart'],
    ['r', 'chart', '--set', 'a=1,b=2', '--set=c=3', '--set-string', 'x=y', '--set-json', 'j={"a":1}', '--set-literal=l=a,b', '--set-file', 'f=p'],
    ['r', 'chart', '-n', 'ns'],
    ['r', 'chart', '-nns'],
    ['r', 'chart', '-n=ns'],
    ['r', 'chart', '--namespace=ns'],
    ['r', 'chart', '--namespace', '--debug'],
    ['r', 'chart', '--namespace', '--bogus'],
    ['r', 'chart', '-n', '-'],
    ['r', 'chart', '-n'],
    ['r', 'chart', '--set'],
    ['r', 'chart', '-n', 'a', '-n', 'b'],
    ['r', 'chart', '--kube-version', '1.2.3', '--kube-version', '1.2.4'],
    ['r', 'chart', '-a', 'x/v1,y/v2', '--api-versions=z/v1'],
    ['r', 'chart', '--include-crds', '--skip-crds', '--skip-tests', '--no-hooks', '--release-name', '--is-upgrade', '--skip-schema-validation'],
    ['r', 'chart', '--include-crds=false'],
    ['r', 'chart', '--debug=true'],
    ['r', 'chart', '--no-debug'],
    ['r', 'chart', '--no-color', '--debug'],
    ['r', 'chart', '-g'],
    ['r', 'chart', '-gf', 'x.yaml'],
    ['r', 'chart', '-gx'],
    ['r', 'chart', '-s', 'templates/a.yaml', '--show-only=templates/b.yaml'],
    ['r', 'chart', '--output-dir', 'out', '--name-template', 'x-{{ 1 }}'],
    ['--', 'r', 'chart'],
    ['r', '--', 'chart', '--debug'],
    ['-f', 'a.yaml', '--', 'r', 'chart'],
    ['-1', 'chart'],
    ['-f', 'a.yaml', '-1', 'chart'],
    ['-', 'chart'],
    ['--bogus', 'r', 'chart'],
    ['--bogus', '-z', 'r', 'chart'],
    ['--bogus=1', 'r', 'chart'],
    ['-z', 'r', 'chart'],
    ['---', 'r', 'chart'],
    ['-n', 'chart', 'r', 'chart'],
    ['chart', 'chart'],
    ['r', 'chart', 'r'],
    ['r', 'chart', '--values'],
    ['r', 'chart', '-f', '-n'],
    ['r', 'chart', '-f', '--values=x'],
    ['r', 'chart', '-f', '--'],
    ['r', 'chart', '--=x'],
    ['r', 'chart', '--set', ''],
    ['r', 'chart', '-f', ','],
    ['r', 'chart', '-f', 'a,,b'],
  ];
  it.each(cases.map((c) => [c.join(' ') || '(none)', c]))('%s', async (_, argv) => {
    const want = await viaOclif(argv as string[], Template, null);
    const got = await viaFast(argv as string[], spec, null);
    expect(got).toEqual(want);
  });

  it('reads missing positional arguments from stdin like oclif', async () => {
    for (const argv of [[], ['r'], ['-f', 'a.yaml'], ['r', 'chart'], ['--bogus']]) {
      for (const stdin of ['piped/chart\n', '', '  x  ']) {
        expect(await viaFast(argv, spec, stdin), `${argv.join(' ')} <<< ${JSON.stringify(stdin)}`).toEqual(await viaOclif(argv, Template, stdin));
      }
    }
  });

  it('takes flags from the environment like oclif', async () => {
    const saved = process.env.HELM_NAMESPACE;
    try {
      for (const value of ['from-env', '']) {
        process.env.HELM_NAMESPACE = value;
        for (const argv of [['r', 'chart'], ['r', 'chart', '-n', 'flag']]) {
          expect(await viaFast(argv, spec, null, { HELM_NAMESPACE: value })).toEqual(await viaOclif(argv, Template, null));
        }
      }
    } finally {
      if (saved === undefined) delete process.env.HELM_NAMESPACE;
      else process.env.HELM_NAMESPACE = saved;
    }
  });

  it('agrees on generated command lines', async () => {
    // A deterministic generator (no Math.random: a failure must be reproducible).
    let seed = 12345;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const words = [
      'r', 'chart', 'x.yaml', 'a=b', '-f', '--values', '--values=v.yaml', '-fv.yaml', '-n', '-nns', '--namespace', '--set', '--set=a=1',
      '-a', 'v1,v2', '--debug', '-g', '-gs', '--include-crds', '--no-hooks', '--', '-', '-1', '--bogus', '-z', '--show-only', 't.yaml',
      '--kube-version', '1.2.3', '--output-dir', '--no-color', 'a,b', '--skip-tests=x',
    ];
    for (let i = 0; i < 400; i++) {
      const argv = Array.from({ length: next(7) }, () => words[next(words.length)]!);
      const want = await viaOclif(argv, Template, null);
      const got = await viaFast(argv, spec, null);
      expect(got, argv.join(' ')).toEqual(want);
    }
  });
});
