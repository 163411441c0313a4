/**
 * Helm's `common.Values` (`type Values map[string]interface{}`): the type of `.Values`, of the
 * top-level `.` and of `.Template`. Being a named map type, it prints as `common.Values` for
 * typeOf/%T, Sprig's `dig` refuses it (a type assertion to map[string]interface {}), and its
 * methods are reachable from templates: `.Values.AsMap`, `.Values.YAML`, `.Values.Table "a.b"`,
 * `.Values.PathValue "a.b"`.
 */
import { toYaml } from '../encoding/yaml.js';
import { quote } from './gofmt.js';
import { GoError, isGoMap, markNamedMap, registerNamedMapMethods, type GoMap, type GoValue } from './types.js';

export const VALUES_TYPE = 'common.Values';

const hasOwn = Object.prototype.hasOwnProperty;

/** Marks a map as a common.Values (the map itself, not a copy). */
export function asValues<T extends GoMap>(m: T): T {
  return markNamedMap(m, VALUES_TYPE);
}

/** The same map seen through another static type: a view sharing its entries (writes go through). */
function view(m: GoMap): GoMap {
  return new Proxy(m, {});
}

/** Values.Table: the sub-table at a dotted path, or `"name" is not a table`. */
function table(v: GoMap, name: string): GoMap {
  let t: GoMap = v;
  for (const part of name.split('.')) {
    if (!hasOwn.call(t, part)) throw new GoError(`${quote(part)} is not a table`);
    const next = t[part];
    if (!isGoMap(next)) throw new GoError(`${quote(part)} is not a table`);
    t = next;
  }
  return t;
}

/** Values.PathValue: a non-table value at a dotted path, or `"key" is not a value`. */
function pathValue(v: GoMap, path: string): GoValue {
  if (path === '') throw new GoError('YAML path cannot be empty');
  const parts = path.split('.');
  const key = parts.pop()!;
  let t: GoMap = v;
  if (parts.length > 0) {
    try {
      t = table(v, parts.join('.'));
    } catch {
      throw new GoError(`${quote(key)} is not a value`);
    }
  }
  if (hasOwn.call(t, key) && !isGoMap(t[key])) return t[key];
  throw new GoError(`${quote(key)} is not a value`);
}

registerNamedMapMethods(VALUES_TYPE, {
  AsMap: {
    params: [],
    returns: 'map[string]interface {}',
    fn(this: GoMap) {
      return view(this);
    },
  },
  YAML: {
    params: [],
    returns: 'string',
    fn(this: GoMap) {
      return toYaml(this);
    },
  },
  Table: {
    params: ['string'],
    returns: 'common.Values',
    fn(this: GoMap, name: string) {
      return asValues(view(table(this, name)));
    },
  },
  PathValue: {
    params: ['string'],
    returns: 'interface {}',
    fn(this: GoMap, path: string) {
      return pathValue(this, path);
    },
  },
});
