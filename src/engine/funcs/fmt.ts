/**
 * Go fmt helpers used by the function library: thin names over ../gofmt.ts so that
 * Sprig's fmt.Sprint / %v / %q calls print exactly like the template engine.
 */
import { formatValue, quote, sprint as goSprint } from '../gofmt.js';
import type { GoValue } from '../types.js';

/** fmt.Sprint(v) / %v for one Go value (an invalid value prints as `<nil>` here, as an interface{} nil). */
export function formatV(v: GoValue): string {
  return formatValue(v === undefined ? null : v);
}

/** fmt.Sprint(a...). */
export function sprint(args: GoValue[]): string {
  return goSprint(...args.map((a) => (a === undefined ? null : a)));
}

/** strconv.Quote (what %q prints for a string). */
export function quoteGo(s: string): string {
  return quote(s);
}
