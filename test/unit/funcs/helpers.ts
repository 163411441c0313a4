import { allFuncs } from '../../../src/engine/funcs/index.js';
import type { GoValue } from '../../../src/engine/types.js';
import { formatV } from '../../../src/engine/funcs/fmt.js';

const FUNCS = allFuncs();

/** Call a library function the way the executor would (arguments already Go-typed). */
export function call(name: string, ...args: GoValue[]): GoValue {
  const spec = FUNCS[name];
  if (!spec) throw new Error(`no function ${name}`);
  return spec.fn(...args);
}

/** fmt %v of a call's result, handy to compare with what helm prints. */
export function show(name: string, ...args: GoValue[]): string {
  return formatV(call(name, ...args));
}

export function errorOf(name: string, ...args: GoValue[]): string {
  try {
    call(name, ...args);
  } catch (e) {
    return (e as Error).message;
  }
  return '<no error>';
}

export const funcs = FUNCS;
