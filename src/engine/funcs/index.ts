/**
 * The template function library Helm 4 exposes: Sprig v3.3 (minus env/expandenv)
 * plus Helm's own functions. Context-bound functions (include, tpl, lookup) are
 * bound by the render module; their names are listed in CONTEXT_FUNCS.
 */
import type { FuncMap } from '../types.js';
import { stringFuncs } from './strings.js';
import { mathFuncs } from './math.js';
import { defaultFuncs, dictFuncs, listFuncs, reflectFuncs } from './collections.js';
import { dateFuncs } from './time.js';
import { cryptoFuncs } from './crypto.js';
import { regexFuncs } from './regex.js';
import { semverFuncs } from './semver.js';
import { miscFuncs } from './misc.js';
import { helmOwnFuncs, sprigJsonFuncs } from './helm.js';

export { WARN_START, WARN_END, warnWrap } from './helm.js';
export { GoTime } from './time.js';
export { Certificate } from './crypto.js';
export { SemverVersion } from './semver.js';

/** Functions bound by the render module (they need the template set, the release or a cluster). */
export const CONTEXT_FUNCS = ['include', 'tpl', 'lookup'] as const;

/** Sprig's TxtFuncMap as Helm uses it (env and expandenv removed). */
export function sprigFuncs(): FuncMap {
  return {
    ...stringFuncs(),
    ...mathFuncs(),
    ...listFuncs(),
    ...dictFuncs(),
    ...defaultFuncs(),
    ...sprigJsonFuncs(),
    ...reflectFuncs(),
    ...dateFuncs(),
    ...cryptoFuncs(),
    ...regexFuncs(),
    ...semverFuncs(),
    ...miscFuncs(),
  };
}

/** Helm's additions that need no render context (toYaml, fromYaml, toJson, toToml, required, ...). */
export function helmFuncs(): FuncMap {
  return helmOwnFuncs();
}

let cached: FuncMap | undefined;

/** Everything, built the way Helm builds its map: Sprig first, then Helm's entries override. */
export function allFuncs(): FuncMap {
  cached ??= Object.freeze({ ...sprigFuncs(), ...helmFuncs() }) as FuncMap;
  return { ...cached };
}
