import type { Chart } from '../chart/chart.js';
import type { ChartJSON } from './release.js';

const b64 = (d: Uint8Array) => Buffer.from(d).toString('base64');

/** Drops empty values the way Go's `omitempty` does. */
function omitEmpty(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === null || v === '' || v === false || v === 0) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0) continue;
    out[k] = v;
  }
  return out;
}

/** The chart as Helm stores it in a release (metadata with Helm's JSON field names; files as base64). */
export function chartToJSON(chart: Chart): ChartJSON {
  const m = chart.metadata;
  const metadata = omitEmpty({
    name: m.Name,
    home: m.Home,
    sources: m.Sources,
    version: m.Version,
    description: m.Description,
    keywords: m.Keywords,
    maintainers: (m.Maintainers ?? []).map((x) => omitEmpty({ name: x.Name, email: x.Email, url: x.URL })),
    icon: m.Icon,
    apiVersion: m.APIVersion,
    condition: m.Condition,
    tags: m.Tags,
    appVersion: m.AppVersion,
    deprecated: m.Deprecated,
    annotations: m.Annotations ?? undefined,
    kubeVersion: m.KubeVersion,
    dependencies: (m.Dependencies ?? []).map((d) =>
      omitEmpty({
        name: d.Name,
        version: d.Version,
        repository: d.Repository,
        condition: d.Condition,
        tags: d.Tags,
        enabled: d.Enabled,
        'import-values': d.ImportValues,
        alias: d.Alias,
      }),
    ),
    type: m.Type,
  });
  return {
    metadata,
    lock: chart.lock as Record<string, unknown> | null,
    templates: chart.templates.map((f) => ({ name: f.name, data: b64(f.data) })),
    values: chart.values as Record<string, unknown>,
    schema: chart.schema ? b64(chart.schema) : null,
    files: chart.files.map((f) => ({ name: f.name, data: b64(f.data) })),
  };
}
