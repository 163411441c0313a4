import { Template } from '../../../src/engine/gotemplate/index.js';
import { FuncMap, GoError, GoValue, newMap } from '../../../src/engine/types.js';

/** Minimal stand-ins for the Sprig functions the helm-probed cases use (same Go signatures as Sprig). */
export const testFuncs: FuncMap = {
  list: { params: [], variadic: 'any', fn: (...a: GoValue[]) => a },
  dict: {
    params: [],
    variadic: 'any',
    fn: (...a: GoValue[]) => {
      const m = newMap();
      for (let i = 0; i < a.length; i += 2) m[String(a[i])] = a[i + 1] ?? null;
      return m;
    },
  },
  upper: { params: ['string'], fn: (s: string) => s.toUpperCase() },
  fail: {
    params: ['string'],
    fn: (s: string) => {
      throw new GoError(s);
    },
  },
};

export function goData(v: unknown): GoValue {
  if (Array.isArray(v)) return v.map(goData);
  if (v && typeof v === 'object' && !(v instanceof Uint8Array) && Object.getPrototypeOf(v) === Object.prototype) {
    const m = newMap();
    for (const [k, x] of Object.entries(v)) m[k] = goData(x);
    return m;
  }
  return v as GoValue;
}

/** The values of helm-cases.json, as helm decodes them (numbers are float64). */
export const VALUES = goData({
  num: 3,
  f: 1.5,
  s: 'hello',
  nul: null,
  list: ['a', 'b', 'c'],
  m: { b: 2, a: 1 },
  nested: { x: { yy: 'z' } },
  empty: '',
  zero: 0,
  t: true,
});

export const NAME = 'c/templates/t.yaml';

/** Renders like helm: missingkey=zero, "<no value>" removed. Returns output or `ERR <go message>`. */
export function renderHelmLike(text: string, values: GoValue = VALUES): string {
  const data = newMap();
  data.Values = values;
  data.Release = goData({ Name: 'x', Namespace: 'default', IsInstall: true, IsUpgrade: false, Revision: 1, Service: 'Helm' });
  try {
    const t = new Template('gotpl').funcs(testFuncs).option('missingkey=zero');
    const f = t.new(NAME);
    f.parse(text);
    return f.execute(data).replaceAll('<no value>', '');
  } catch (e) {
    return 'ERR ' + ((e as { goMessage?: string }).goMessage ?? String(e));
  }
}

/** Plain Go rendering with default options. */
export function render(text: string, data: GoValue = VALUES, opts: string[] = []): string {
  const t = new Template('t').funcs(testFuncs);
  if (opts.length) t.option(...opts);
  return t.parse(text).execute(data);
}

export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as { goMessage?: string }).goMessage ?? (e as Error).message;
  }
  return '(no error)';
}
