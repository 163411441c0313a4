/**
 * `rel show chart|values|readme|crds|all` with `helm show`'s output: Chart.yaml as Helm
 * re-serialises it, values.yaml as written, the README, the CRDs of the chart and its subcharts.
 */
import type { Chart } from '../chart/chart.js';
import { chartYaml } from './chartfile.js';
import { loadChartOrFail } from './save.js';

export type ShowWhat = 'all' | 'chart' | 'values' | 'readme' | 'crds';

const dec = new TextDecoder();
const README_NAMES = ['readme.md', 'readme.txt', 'readme'];

function readme(c: Chart): string | null {
  for (const n of README_NAMES) {
    const f = c.files.find((x) => x.name.toLowerCase() === n);
    if (f) return dec.decode(f.data);
  }
  return null;
}

/** The text `helm show WHAT` prints for the chart. */
export function showChart(c: Chart, what: ShowWhat): string {
  const all = what === 'all';
  let out = '';
  if (all || what === 'chart') out += `${chartYaml(c.metadata)}\n`;
  if (all || what === 'values') {
    if (all) out += '---\n';
    for (const f of c.raw) if (f.name === 'values.yaml') out += `${dec.decode(f.data)}\n`;
  }
  if (all || what === 'readme') {
    const r = readme(c);
    if (r !== null) {
      if (all) out += '---\n';
      out += `${r}\n`;
    }
  }
  if (all || what === 'crds') {
    for (const crd of c.crdObjects()) {
      const text = dec.decode(crd.file.data);
      if (!text.startsWith('---')) out += '---\n';
      out += `${text}\n`;
    }
  }
  return out;
}

/** Loads the chart (folder or .tgz) and returns `helm show` text. */
export async function show(chartPath: string, what: ShowWhat): Promise<string> {
  return showChart(await loadChartOrFail(chartPath), what);
}
