import { allFuncs } from '../../../src/engine/funcs/index.js';
import { Template } from '../../../src/engine/gotemplate/index.js';
import { goInt, newMap, type GoValue } from '../../../src/engine/types.js';
import { parseYaml } from '../../../src/encoding/yaml.js';

export const NAME = 'c/templates/t.yaml';
const FUNCS = allFuncs();

/** The values of helm-cases.json as helm decodes them (sigs.k8s.io/yaml: numbers are float64). */
export function valuesOf(yaml: string): GoValue {
  return JSON.parse(JSON.stringify(parseYaml(yaml))) as GoValue;
}

/**
 * Renders `text` as helm would render templates/t.yaml of chart `c` (missingkey=zero, Release as
 * Helm passes it). Returns the output, or `ERR <Go message>`.
 */
export function renderLikeHelm(text: string, values: GoValue): string {
  const data = newMap();
  data.Values = values;
  const rel = newMap();
  Object.assign(rel, { Name: 'x', Namespace: 'default', IsInstall: true, IsUpgrade: false, Revision: goInt(1), Service: 'Helm' });
  data.Release = rel;
  try {
    const t = new Template('gotpl').funcs(FUNCS).option('missingkey=zero');
    const f = t.new(NAME);
    f.parse(text);
    return f.execute(data);
  } catch (e) {
    return 'ERR ' + (e as Error).message;
  }
}
