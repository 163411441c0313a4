/**
 * A plain-data description of an oclif command's flags and arguments, so that the fast path
 * (src/fast/parse.ts) can parse argv exactly like oclif without loading @oclif/core.
 * scripts/build-fast.mjs makes it from the compiled command at build time and embeds it in the
 * bundle; tests make it from the TypeScript command.
 */

export interface FlagSpec {
  name: string;
  type: 'boolean' | 'option';
  char?: string;
  aliases?: string[];
  charAliases?: string[];
  multiple?: boolean;
  multipleNonGreedy?: boolean;
  delimiter?: string;
  env?: string;
  /** Default value (only plain JSON values; a function default makes the spec unsupported). */
  default?: string | boolean | string[];
  allowNo?: boolean;
}

export interface ArgSpec {
  name: string;
  ignoreStdin?: boolean;
}

export interface CommandSpec {
  id: string;
  strict: boolean;
  flags: FlagSpec[];
  args: ArgSpec[];
  /**
   * Why the fast path cannot mirror this command (a feature the fast parser does not implement);
   * bin/run.js then uses oclif. Empty when supported.
   */
  unsupported: string[];
}

type AnyFlag = Record<string, unknown> & { type?: string; parse?: (...a: unknown[]) => unknown };

/** Flag properties whose effect the fast parser implements, or that only affect help output. */
const KNOWN_FLAG_KEYS = new Set([
  'parse', 'description', 'summary', 'default', 'helpGroup', 'allowNo', 'type', 'char', 'multiple', 'delimiter', 'input',
  'env', 'aliases', 'charAliases', 'multipleNonGreedy', 'helpValue', 'name', 'hidden', 'noCacheDefault', 'deprecateAliases',
]);
const KNOWN_ARG_KEYS = new Set(['parse', 'description', 'input', 'type', 'name', 'ignoreStdin', 'hidden']);

/** Checks that an oclif parse function passes its input through unchanged (Flags.string/boolean, Args.string). */
async function isIdentityParse(parse: unknown, probes: unknown[], self: unknown): Promise<boolean> {
  if (typeof parse !== 'function') return parse === undefined;
  for (const p of probes) {
    try {
      if ((await (parse as (...a: unknown[]) => unknown)(p, {}, self)) !== p) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * Makes the spec of an oclif command class (its static `flags`, `args`, `strict`, `--`,
 * `baseFlags`, `enableJsonFlag`). Features the fast parser does not mirror are listed in
 * `unsupported`.
 */
export async function specFromCommand(id: string, cmd: Record<string, unknown>): Promise<CommandSpec> {
  const unsupported: string[] = [];
  const flagsIn = { ...((cmd.baseFlags as Record<string, AnyFlag> | undefined) ?? {}), ...((cmd.flags as Record<string, AnyFlag> | undefined) ?? {}) };
  if (cmd.enableJsonFlag) unsupported.push('enableJsonFlag');
  if (cmd['--'] !== undefined) unsupported.push('"--" option');
  if (cmd.strict !== false) unsupported.push('strict argument checking');
  const flags: FlagSpec[] = [];
  for (const [name, f] of Object.entries(flagsIn)) {
    for (const k of Object.keys(f)) if (!KNOWN_FLAG_KEYS.has(k)) unsupported.push(`flag --${name}: ${k}`);
    if (f.type !== 'boolean' && f.type !== 'option') {
      unsupported.push(`flag --${name}: type ${String(f.type)}`);
      continue;
    }
    const probes = f.type === 'boolean' ? [true, false] : ['x', '', '-', 'a=b,c'];
    if (!(await isIdentityParse(f.parse, probes, f))) unsupported.push(`flag --${name}: custom parse`);
    const d = f.default;
    const plainDefault =
      d === undefined || typeof d === 'string' || typeof d === 'boolean' || (Array.isArray(d) && d.every((x) => typeof x === 'string'));
    if (!plainDefault) unsupported.push(`flag --${name}: default of type ${typeof d}`);
    const spec: FlagSpec = { name, type: f.type };
    if (typeof f.char === 'string') spec.char = f.char;
    if (Array.isArray(f.aliases)) spec.aliases = f.aliases as string[];
    if (Array.isArray(f.charAliases)) spec.charAliases = f.charAliases as string[];
    if (f.multiple) spec.multiple = true;
    if (f.multipleNonGreedy) spec.multipleNonGreedy = true;
    if (typeof f.delimiter === 'string') spec.delimiter = f.delimiter;
    if (typeof f.env === 'string') spec.env = f.env;
    if (plainDefault && d !== undefined) spec.default = d as FlagSpec['default'];
    if (f.allowNo) spec.allowNo = true;
    flags.push(spec);
  }
  const args: ArgSpec[] = [];
  for (const [name, a] of Object.entries((cmd.args as Record<string, AnyFlag> | undefined) ?? {})) {
    for (const k of Object.keys(a)) if (!KNOWN_ARG_KEYS.has(k)) unsupported.push(`arg ${name}: ${k}`);
    if (!(await isIdentityParse(a.parse, ['x', '', '-'], a))) unsupported.push(`arg ${name}: custom parse`);
    args.push(a.ignoreStdin ? { name, ignoreStdin: true } : { name });
  }
  return { id, strict: cmd.strict !== false, flags, args, unsupported };
}
