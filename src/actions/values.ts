import { resolve } from 'node:path';
import { UserError } from '../cli/errors.js';
import type { GoMap, GoValue } from '../engine/types.js';
import { isGoMap, newMap } from '../engine/types.js';
import { maskSecrets } from '../values/mask.js';
import { type DeployFlags, resolveTarget } from './deploy.js';
import { collectValues } from './template.js';

export interface LayerInfo {
  source: string;
  file?: string;
}

export interface ValuesReport {
  release: string;
  env?: string;
  chart: string;
  values: GoMap;
  /** leaf path (a.b[0].c) → the layer that set it last */
  origins: Record<string, string>;
}

function flatten(v: GoValue, prefix: string, out: Map<string, GoValue>): void {
  if (isGoMap(v)) {
    const keys = Object.keys(v);
    if (keys.length === 0 && prefix) out.set(prefix, v);
    for (const k of keys) flatten(v[k], prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out.set(prefix, v);
}

/**
 * The values a deploy would use, merged in rel's layering order (chart values.yaml < values/<chart>/common.yaml
 * < values/<chart>/<env>.yaml < rel.yaml files < -f < --set*), and which layer set each leaf.
 */
export async function explainValues(args: { release?: string; chart?: string }, flags: DeployFlags): Promise<ValuesReport> {
  const t = resolveTarget(args, flags, flags.cwd);
  const [{ loadChart }, { coalesceValues }, { readValuesFile }] = await Promise.all([
    import('../chart/loader.js'),
    import('../chart/coalesce.js'),
    import('../values/files.js'),
  ]);
  let chart;
  try {
    chart = await loadChart(resolve(t.chart));
  } catch (e) {
    throw new UserError(`cannot load chart ${t.chart}: ${(e as Error).message}`);
  }
  const origins: Record<string, string> = {};
  const record = (m: GoMap, label: string) => {
    const flat = new Map<string, GoValue>();
    flatten(m, '', flat);
    for (const k of flat.keys()) origins[k] = label;
  };
  record(chart.values, `chart ${chart.name()}/values.yaml`);
  for (const f of t.valueFiles) record(readValuesFile(f), f);
  const sets = {
    set: [...Object.entries(t.settings.set ?? {}).map(([k, v]) => `${k}=${v}`), ...(flags.set ?? [])],
    setString: flags['set-string'],
    setFile: flags['set-file'],
    setJson: flags['set-json'],
    setLiteral: flags['set-literal'],
  };
  const onlySets = await collectValues({ chart: t.chart, ...sets });
  record(onlySets, '--set');
  const config = await collectValues({ chart: t.chart, valueFiles: t.valueFiles, ...sets });
  const values = coalesceValues(chart, config);
  // Leaves that coalescing removed (null deletes a default) have no origin to show.
  const final = new Map<string, GoValue>();
  flatten(values, '', final);
  for (const k of Object.keys(origins)) if (!final.has(k)) delete origins[k];
  return { release: t.name, env: t.env, chart: t.chart, values, origins };
}

/** Values for printing: secrets masked unless asked; bigint as numbers. */
export function printable(values: GoMap, showSecrets: boolean): unknown {
  const plain = JSON.parse(JSON.stringify(values, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)));
  return showSecrets ? plain : maskSecrets(plain);
}

export function explainLines(r: ValuesReport, showSecrets: boolean): string {
  const flat = new Map<string, GoValue>();
  flatten(printable(r.values, showSecrets) as GoMap, '', flat);
  const keys = [...flat.keys()].sort();
  const w = Math.min(60, Math.max(...keys.map((k) => k.length), 4));
  return keys.map((k) => `${k.padEnd(w)}  ${JSON.stringify(flat.get(k))}  ← ${r.origins[k] ?? '(computed)'}`).join('\n') + '\n';
}

export { newMap };
