/**
 * argv parsing that mirrors @oclif/core 4's parser (lib/parser/parse.js and validate.js) for
 * the subset of features a CommandSpec allows, without loading oclif: long and short flags,
 * `--flag=value`, `-fvalue`, `-f=value`, bundled short booleans, repeatable flags (greedy unless
 * `multipleNonGreedy`, as in oclif), delimiters, env fallbacks, defaults, `--`, negative
 * numbers, and positional arguments read from a piped stdin when missing. Errors carry oclif's
 * messages so that the command's own error mapping gives the same text.
 */
import type { CommandSpec, FlagSpec } from './spec.js';

export type FlagValue = string | boolean | string[];

export interface ParseOutput {
  flags: Record<string, FlagValue>;
  /** Positional arguments in command-line order (oclif's `argv`). */
  argv: string[];
  args: Record<string, string>;
}

/** A parse failure; `message` is oclif's. */
export class FastParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FastParseError';
  }
}

type Token = { type: 'flag'; flag: string; input: string } | { type: 'arg'; arg: string | undefined; input: string };

const NEGATION = '--no-';
const isNegativeNumber = (s: string): boolean => /^-\d/.test(s);
const TRUTHY = ['1', 'true', 'y', 'yes'];

/** Reads a piped stdin like oclif's readStdin: null for a TTY or when nothing arrives within 10 ms. */
export async function readStdinLikeOclif(): Promise<string | null> {
  const { stdin, stdout } = process;
  if (stdin.isTTY) return null;
  const { createInterface } = await import('node:readline');
  const { EOL } = await import('node:os');
  return new Promise((resolve) => {
    const lines: string[] = [];
    let done = false;
    const rl = createInterface({ input: stdin, output: stdout, terminal: false });
    const timeout = setTimeout(() => {
      if (done) return;
      done = true;
      rl.close();
      resolve(null);
    }, 10);
    rl.on('line', (line) => lines.push(line));
    rl.once('close', () => {
      clearTimeout(timeout);
      if (done) return;
      done = true;
      resolve(lines.join(EOL));
    });
  });
}

export interface ParseEnv {
  env?: Record<string, string | undefined>;
  readStdin?: () => Promise<string | null>;
}

export async function parseLikeOclif(argvIn: string[], spec: CommandSpec, penv: ParseEnv = {}): Promise<ParseOutput> {
  const env = penv.env ?? process.env;
  let stdinCache: Promise<string | null> | undefined;
  const readStdin = () => (stdinCache ??= (penv.readStdin ?? readStdinLikeOclif)());
  const byName = new Map<string, FlagSpec>(spec.flags.map((f) => [f.name, f]));
  const aliases = new Map<string, FlagSpec>();
  for (const f of spec.flags) for (const a of [...(f.aliases ?? []), ...(f.charAliases ?? [])]) aliases.set(a, f);
  const argNames = spec.args.map((a) => a.name);

  const findLongFlag = (arg: string): string | undefined => {
    const name = arg.slice(2);
    if (byName.has(name)) return name;
    if (aliases.has(name)) return aliases.get(name)!.name;
    if (arg.startsWith(NEGATION)) {
      const f = byName.get(arg.slice(NEGATION.length));
      if (f && f.type === 'boolean' && f.allowNo) return f.name;
      const a = aliases.get(arg.slice(NEGATION.length));
      if (a && a.type === 'boolean' && a.allowNo) return a.name;
    }
    return undefined;
  };
  const findShortFlag = (arg: string): string | undefined => {
    const char = arg[1];
    if (char !== undefined && aliases.has(char)) return aliases.get(char)!.name;
    if (char === undefined) return undefined;
    return spec.flags.find((f) => f.char === char)?.name;
  };
  const findFlag = (arg: string): { isLong: boolean; name: string | undefined } => {
    const isLong = arg.startsWith('--');
    const short = !isLong && arg.startsWith('-');
    return { isLong, name: isLong ? findLongFlag(arg) : short ? findShortFlag(arg) : undefined };
  };

  const argv = [...argvIn];
  const raw: Token[] = [];
  let currentFlag: FlagSpec | undefined;
  const argTokenCount = () => raw.filter((t) => t.type === 'arg').length;

  const parseFlag = (arg: string): boolean => {
    const { isLong, name } = findFlag(arg);
    if (!name) {
      const i = arg.indexOf('=');
      if (i !== -1) {
        argv.unshift(arg.slice(i + 1));
        const ok = parseFlag(arg.slice(0, i));
        if (!ok) argv.shift();
        return ok;
      }
      return false;
    }
    const flag = byName.get(name)!;
    if (flag.type === 'option') {
      if (!flag.multiple && raw.some((t) => t.type === 'flag' && t.flag === name)) {
        throw new FastParseError(`Flag --${name} can only be specified once`);
      }
      currentFlag = flag;
      const input = isLong || arg.length < 3 ? argv.shift() : arg.slice(arg[2] === '=' ? 3 : 2);
      if (typeof input !== 'string' || findFlag(input).name) throw new FastParseError(`Flag --${name} expects a value`);
      raw.push({ type: 'flag', flag: name, input });
    } else {
      raw.push({ type: 'flag', flag: name, input: arg });
      if (!isLong && arg.length > 2) argv.unshift(`-${arg.slice(2)}`);
    }
    return true;
  };

  let parsingFlags = true;
  const nonExistent: string[] = [];
  const original = [...argv];
  while (argv.length > 0) {
    const input = argv.shift()!;
    if (parsingFlags && input.startsWith('-') && input !== '-') {
      if (input === '--') {
        parsingFlags = false;
        continue;
      }
      if (parseFlag(input)) continue;
      if (!isNegativeNumber(input)) {
        nonExistent.push(input);
        continue;
      }
    }
    if (parsingFlags && currentFlag && currentFlag.multiple && !currentFlag.multipleNonGreedy) {
      raw.push({ type: 'flag', flag: currentFlag.name, input });
      continue;
    }
    raw.push({ type: 'arg', arg: argNames[argTokenCount()], input });
  }

  // Arguments (oclif's _args for commands without a variadic argument).
  const args: Record<string, string> = {};
  const outArgv: string[] = [];
  const argTokens = raw.filter((t): t is Extract<Token, { type: 'arg' }> => t.type === 'arg');
  let stdinRead = false;
  for (const a of spec.args) {
    const token = argTokens.find((t) => t.arg === a.name);
    if (token) {
      outArgv.push(token.input);
      args[a.name] = token.input;
    } else if (!a.ignoreStdin && !stdinRead) {
      stdinRead = true;
      const s = await readStdin();
      if (s) {
        outArgv.push(s.trim());
        args[a.name] = s.trim();
      }
    }
  }
  for (const t of argTokens) {
    if (t.arg !== undefined && args[t.arg] !== undefined) continue;
    outArgv.push(t.input);
  }

  // Flags (oclif's _flags).
  const flags: Record<string, FlagValue> = {};
  const tokensOf = new Map<string, string[]>();
  for (const t of raw) if (t.type === 'flag') tokensOf.set(t.flag, [...(tokensOf.get(t.flag) ?? []), t.input]);
  for (const f of spec.flags) {
    const toks = tokensOf.get(f.name);
    if (toks && toks.length > 0) {
      if (f.type === 'boolean') {
        const last = toks.at(-1)!;
        if (last) {
          const negations = [f.name, ...(f.aliases ?? [])].map((n) => `${NEGATION}${n}`);
          flags[f.name] = !negations.includes(last);
          continue;
        }
      } else if (f.multiple && f.delimiter) {
        const d = f.delimiter;
        const splitter = new RegExp(`(?<!\\\\)${d}`);
        const unescape = new RegExp(`\\\\${d}`, 'g');
        flags[f.name] = toks
          .flatMap((t) => t.split(splitter))
          .map((v) => v.trim().replaceAll(unescape, d).replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1'));
        continue;
      } else if (f.multiple) {
        flags[f.name] = toks;
        continue;
      } else {
        flags[f.name] = toks.at(-1)!;
        continue;
      }
    }
    const fromEnv = f.env ? env[f.env] : undefined;
    if (f.env && fromEnv) {
      flags[f.name] = f.type === 'option' ? fromEnv : TRUTHY.includes(fromEnv.toLowerCase());
      continue;
    }
    if (f.default !== undefined) flags[f.name] = f.default;
  }

  // validate.js: unknown flags.
  if (nonExistent.length > 0) {
    throw new FastParseError(`Nonexistent flag${nonExistent.length === 1 ? '' : 's'}: ${nonExistent.join(', ')}\nSee more help with --help`);
  }

  const unsorted = [...outArgv, ...nonExistent];
  const sorted = unsorted.sort((a, b) => original.indexOf(a) - original.indexOf(b));
  return { flags, argv: sorted, args };
}
