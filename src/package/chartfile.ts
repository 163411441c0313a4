/**
 * Chart.yaml and Chart.lock serialisation the way Helm writes them: the Go structs
 * (chart.Metadata, chart.Lock) through sigs.k8s.io/yaml (JSON field names, omitempty,
 * keys sorted).
 */
import type { Dependency, Maintainer, Metadata } from '../chart/metadata.js';
import { toYaml } from '../encoding/yaml.js';
import type { GoMap, GoValue } from '../engine/types.js';
import { isGoMap, newMap } from '../engine/types.js';

function put(m: GoMap, key: string, v: GoValue, omitEmpty = true): void {
  if (omitEmpty) {
    if (v === '' || v === false || v === null || v === undefined) return;
    if (Array.isArray(v) && v.length === 0) return;
    if (isGoMap(v) && Object.keys(v).length === 0) return;
  }
  m[key] = v;
}

function maintainerMap(x: Maintainer): GoMap {
  const m = newMap();
  put(m, 'name', x.Name);
  put(m, 'email', x.Email);
  put(m, 'url', x.URL);
  return m;
}

/** chart.Dependency as JSON: name and repository always, the rest omitempty. */
export function dependencyMap(d: Dependency): GoMap {
  const m = newMap();
  put(m, 'name', d.Name, false);
  put(m, 'version', d.Version);
  put(m, 'repository', d.Repository, false);
  put(m, 'condition', d.Condition);
  put(m, 'tags', [...d.Tags]);
  put(m, 'enabled', d.Enabled);
  put(m, 'import-values', [...d.ImportValues]);
  put(m, 'alias', d.Alias);
  return m;
}

/** chart.Metadata as the map json.Marshal would produce. */
export function metadataJsonMap(md: Metadata, withDependencies = true): GoMap {
  const m = newMap();
  put(m, 'name', md.Name);
  put(m, 'home', md.Home);
  put(m, 'sources', [...md.Sources]);
  put(m, 'version', md.Version);
  put(m, 'description', md.Description);
  put(m, 'keywords', [...md.Keywords]);
  put(m, 'maintainers', md.Maintainers.map(maintainerMap));
  put(m, 'icon', md.Icon);
  put(m, 'apiVersion', md.APIVersion);
  put(m, 'condition', md.Condition);
  put(m, 'tags', md.Tags);
  put(m, 'appVersion', md.AppVersion);
  put(m, 'deprecated', md.Deprecated);
  if (md.Annotations !== null) put(m, 'annotations', Object.assign(newMap(), md.Annotations));
  put(m, 'kubeVersion', md.KubeVersion);
  if (withDependencies) put(m, 'dependencies', md.Dependencies.map(dependencyMap));
  put(m, 'type', md.Type);
  return m;
}

/** Chart.yaml text as Helm writes it into packages (and prints for `helm show chart`). */
export function chartYaml(md: Metadata): string {
  // Helm drops dependencies from apiVersion v1 charts (they live in requirements.yaml)
  return toYaml(metadataJsonMap(md, md.APIVersion !== 'v1'));
}

export interface LockFile {
  generated: string;
  digest: string;
  dependencies: Dependency[];
}

/** Chart.lock text (chart.Lock through sigs.k8s.io/yaml). */
export function lockYaml(lock: LockFile): string {
  const m = newMap();
  m.generated = lock.generated;
  m.digest = lock.digest;
  m.dependencies = lock.dependencies.map(dependencyMap);
  return toYaml(m);
}

/** Go's time.Time JSON form (RFC 3339 with trailing zero nanoseconds trimmed). */
export function goTimeJson(d: Date, nanos?: string): string {
  const iso = d.toISOString().replace(/\.\d+Z$/, '');
  const frac = (nanos ?? String(d.getUTCMilliseconds()).padStart(3, '0')).replace(/0+$/, '');
  return `${iso}${frac ? '.' + frac : ''}Z`;
}
