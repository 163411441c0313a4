/**
 * YAML access for the chart code. Delegates to the shared codec in src/encoding (Helm's
 * YAML semantics: YAML 1.1 scalars, float64 numbers, Go error texts).
 */
import type { GoValue } from '../engine/types.js';
import { parseYaml } from '../encoding/yaml.js';

/** Parses one YAML document (Chart.yaml, values.yaml, …) into Go values. */
export function parseChartYaml(text: string, file: string): GoValue {
  return parseYaml(text, { file }) as GoValue;
}
