/**
 * Loads the fast-path bundle (dist/fast/template.cjs, made by scripts/build-fast.mjs) with V8's
 * code cache (dist/fast/template.cache): compiled bytecode of the functions a typical render runs,
 * so that start-up skips most parsing and compiling. V8 accepts a cache only from the same Node
 * version and V8 flags, so the file is named after those (`template.<key>.cache`); a missing or
 * rejected cache only costs speed, and `saveCache` then writes one (atomically, errors ignored).
 * Kept free of imports beyond node builtins: bin/run.js loads it before anything else.
 */
import { readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script } from 'node:vm';

export interface FastModule {
  /** Runs `rel template` with the arguments after `template`; null when the bundle cannot mirror the command. */
  main(argv: string[]): Promise<number | null>;
}

export interface LoadedBundle {
  mod: FastModule;
  /** True when V8 used the code cache. */
  cacheUsed: boolean;
  /** Writes the code cache (functions compiled so far included); by default only when it was missing or rejected. */
  saveCache(force?: boolean): boolean;
}

/** At most this many code caches (Node versions and flag sets) are kept beside the bundle. */
const MAX_CACHES = 4;

/** FNV-1a of what V8 checks a code cache against (Node version, architecture, flags). */
export function cacheKey(): string {
  const text = [process.version, process.arch, process.execArgv.join(' '), process.env.NODE_OPTIONS ?? ''].join('|');
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** The wrapper the bundle runs in (a CommonJS-style function; `__relUrl` stands for import.meta.url). */
const wrap = (src: string) => `(function(exports,require,module,__filename,__dirname,__relUrl){${src}\n})`;

/**
 * Loads the bundle from `dir` (a file: URL or path of dist/fast/). Returns null when it is missing
 * or older than `newerThan` (the compiled oclif command whose flags it copies).
 */
export function loadBundle(dir: string | URL, newerThan?: string | URL): LoadedBundle | null {
  const base = typeof dir === 'string' ? dir : fileURLToPath(dir);
  const file = `${base.replace(/\/$/, '')}/template.cjs`;
  const cacheFile = `${base.replace(/\/$/, '')}/template.${cacheKey()}.cache`;
  let src: string;
  try {
    if (newerThan !== undefined && statSync(file).mtimeMs < statSync(newerThan).mtimeMs) return null;
    src = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(wrap(src), { filename: file, cachedData });
  const cacheUsed = cachedData !== undefined && script.cachedDataRejected === false;
  const module = { exports: {} as FastModule };
  const fn = script.runInThisContext() as (...a: unknown[]) => void;
  fn(module.exports, createRequire(file), module, file, dirname(file), pathToFileURL(file).href);
  return {
    mod: module.exports,
    cacheUsed,
    saveCache(force = false): boolean {
      if (cacheUsed && !force) return false;
      try {
        // One file per Node version and flag set: keep a few, not one per odd command line.
        const dirName = dirname(file);
        const others = readdirSync(dirName).filter((f) => /^template\.[0-9a-f]{8}\.cache$/.test(f) && `${dirName}/${f}` !== cacheFile);
        if (!force && others.length >= MAX_CACHES - 1) return false;
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cacheFile);
        return true;
      } catch {
        return false;
      }
    },
  };
}
