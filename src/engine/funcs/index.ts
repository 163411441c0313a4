/**
 * The template function library Helm 4 exposes: Sprig v3.3 (minus env/expandenv)
 * plus Helm's own functions. Context-bound functions (include, tpl, lookup) are
 * provided by the render module; their names are listed in CONTEXT_FUNCS.
 */
import type { FuncMap } from '../types.js';
import { stringFuncs } from './strings.js';
import { mathFuncs } from './math.js';
import { dateFuncs } from './time.js';
import { cryptoFuncs } from './crypto.js';
import { regexFuncs } from './regex.js';
import { semverFuncs } from './semver.js';
import { defaultFuncs, dictFuncs, listFuncs, reflectFuncs } from './collections.js';

/** Functions bound by the render module (need the template set or a cluster). */
export const CONTEXT_FUNCS = ['include', 'tpl', 'lookup'] as const;

/** Sprig's TxtFuncMap as Helm uses it (env and expandenv removed). */
export function sprigFuncs(): FuncMap {
  const m: FuncMap = {
    ...stringFuncs(),
    ...mathFuncs(),
    ...listFuncs(),
    ...dictFuncs(),
    ...defaultFuncs(),
    ...reflectFuncs(),
    ...dateFuncs(),
    ...cryptoFuncs(),
    ...regexFuncs(),
    ...semverFuncs(),
  };
  return m;
}

/** Helm's additions that need no render context. */
export function helmFuncs(): FuncMap {
  return {};
}

/** Everything, in the order Helm builds its map: Sprig first, Helm's entries override. */
export function allFuncs(): FuncMap {
  return { ...sprigFuncs(), ...helmFuncs() };
}
