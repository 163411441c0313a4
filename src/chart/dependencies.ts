/**
 * Dependency processing like Helm's ProcessDependencies: aliases, `condition` and `tags`
 * enabling/disabling subcharts, and `import-values` from children into parents.
 */
import type { Range } from 'semver';
import type { GoMap, GoValue } from '../engine/types.js';
import { isGoMap, newMap } from '../engine/types.js';
import { Chart } from './chart.js';
import { coalesceValues, deepCopy, mergeTables, mergeValues, valuesPathValue, valuesTable } from './coalesce.js';
import { copyMetadata, parseSemver, semverModule, type Dependency } from './metadata.js';

export type WarnFn = (msg: string) => void;

/** Masterminds/semver constraint check used by Helm's IsCompatibleRange. */
export function isCompatibleRange(constraint: string, version: string): boolean {
  const v = parseSemver(version);
  if (!v) return false;
  const c = constraint.trim();
  if (c === '') return false;
  const range = c
    .split('||')
    .map((alt) =>
      alt
        .split(',')
        .map((p) => p.trim().replace(/^(>=|<=|!=|=>|=<|>|<|=|~>|~|\^)\s+/, '$1'))
        .map((p) => (p.startsWith('=>') ? '>=' + p.slice(2) : p.startsWith('=<') ? '<=' + p.slice(2) : p.startsWith('~>') ? '~' + p.slice(2) : p))
        .join(' '),
    )
    .join(' || ');
  try {
    const RangeClass = semverModule('semver/classes/range.js') as new (r: string, o: object) => Range;
    const r = new RangeClass(range, { loose: true });
    return r.test(v);
  } catch {
    return false;
  }
}

function getAliasDependency(charts: Chart[], dep: Dependency): Chart | null {
  for (const c of charts) {
    if (c.name() !== dep.Name) continue;
    if (!isCompatibleRange(dep.Version, c.metadata.Version)) continue;
    const out = c.shallowCopy(copyMetadata(c.metadata));
    if (dep.Alias !== '') out.metadata.Name = dep.Alias;
    return out;
  }
  return null;
}

function processDependencyTags(reqs: Dependency[], cvals: GoMap, warn: WarnFn): void {
  const vt = valuesTable(cvals, 'tags');
  if (!vt) return;
  for (const r of reqs) {
    let hasTrue = false;
    let hasFalse = false;
    for (const k of r.Tags) {
      if (Object.prototype.hasOwnProperty.call(vt, k)) {
        const b = vt[k];
        if (typeof b === 'boolean') {
          if (b) hasTrue = true;
          else hasFalse = true;
        } else {
          warn(`returned non-bool value tag=${k} chart=${r.Name}`);
        }
      }
    }
    if (!hasTrue && hasFalse) r.Enabled = false;
    else if (hasTrue || (!hasTrue && !hasFalse)) r.Enabled = true;
  }
}

function processDependencyConditions(reqs: Dependency[], cvals: GoMap, cpath: string, warn: WarnFn): void {
  for (const r of reqs) {
    for (const c of r.Condition.trim().split(',')) {
      if (c.length === 0) continue;
      const vv = valuesPathValue(cvals, cpath + c);
      if (vv !== undefined) {
        if (typeof vv === 'boolean') {
          r.Enabled = vv;
          break;
        }
        warn(`returned non-bool value path=${c} chart=${r.Name}`);
      }
    }
  }
}

function processDependencyEnabled(c: Chart, v: GoMap, path: string, warn: WarnFn): void {
  const reqsList = c.metadata.Dependencies;
  if (!reqsList || reqsList.length === 0) {
    // Go: Metadata.Dependencies == nil returns early; an empty list behaves the same for our purposes
    // except that subcharts not listed are kept as they are.
    return;
  }
  const chartDependencies: Chart[] = [];
  outer: for (const existing of c.dependencies()) {
    for (const req of reqsList) {
      if (existing.name() === req.Name && isCompatibleRange(req.Version, existing.metadata.Version)) continue outer;
    }
    chartDependencies.push(existing);
  }
  for (const req of reqsList) {
    const cd = getAliasDependency(c.dependencies(), req);
    if (cd) chartDependencies.push(cd);
    if (req.Alias !== '') req.Name = req.Alias;
  }
  c.setDependencies(...chartDependencies);
  for (const lr of reqsList) lr.Enabled = true;
  const cvals = coalesceValues(c, v);
  processDependencyTags(reqsList, cvals, warn);
  processDependencyConditions(reqsList, cvals, path, warn);
  const rm = new Set<string>();
  for (const r of reqsList) if (!r.Enabled) rm.add(r.Name);
  const cd = c.dependencies().filter((n) => !rm.has(n.metadata.Name));
  const cdMetadata = reqsList.filter((n) => !rm.has(n.Name));
  for (const t of cd) processDependencyEnabled(t, cvals, `${path}${t.metadata.Name}.`, warn);
  c.metadata.Dependencies = cdMetadata;
  c.setDependencies(...cd);
}

function pathToMap(path: string, data: GoMap): GoMap {
  if (path === '.') return data;
  const parts = path.split('.');
  let cur: GoMap = data;
  for (let i = parts.length - 1; i >= 0; i--) {
    const m = newMap();
    m[parts[i]!] = cur;
    cur = m;
  }
  return cur;
}

function goSprintV(v: GoValue): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function processImportValues(c: Chart, warn: WarnFn): void {
  if (!c.metadata.Dependencies || c.metadata.Dependencies.length === 0) return;
  let cvals = mergeValues(c, null);
  let b: GoMap = newMap();
  for (const r of c.metadata.Dependencies) {
    const outiv: GoValue[] = [];
    for (const riv of r.ImportValues) {
      if (isGoMap(riv)) {
        const child = goSprintV(riv.child);
        const parent = goSprintV(riv.parent);
        const m = newMap();
        m.child = child;
        m.parent = parent;
        outiv.push(m);
        const vv = valuesTable(cvals, `${r.Name}.${child}`);
        if (!vv) {
          warn(`ImportValues missing table from chart chart=${r.Name} error="no table named ${JSON.stringify(child)}"`);
          continue;
        }
        b = mergeTables(b, pathToMap(parent, deepCopy(vv)))!;
      } else if (typeof riv === 'string') {
        const child = `exports.${riv}`;
        const m = newMap();
        m.child = child;
        m.parent = '.';
        outiv.push(m);
        const vm = valuesTable(cvals, `${r.Name}.${child}`);
        if (!vm) {
          warn(`ImportValues missing table error="no table named ${JSON.stringify(child)}"`);
          continue;
        }
        b = mergeTables(b, deepCopy(vm))!;
      }
    }
    r.ImportValues = outiv;
  }
  cvals = deepCopy(cvals);
  c.values = mergeTables(cvals, b)!;
}

function processDependencyImportValues(c: Chart, warn: WarnFn): void {
  for (const d of c.dependencies()) processDependencyImportValues(d, warn);
  processImportValues(c, warn);
}

/** Helm's ProcessDependencies (v4: merge semantics for import-values). Mutates the chart. */
export function processDependencies(c: Chart, vals: GoMap, warn: WarnFn = () => {}): void {
  try {
    processDependencyEnabled(c, vals, '', warn);
    processDependencyImportValues(c, warn);
  } catch (e) {
    // helm's install/upgrade/template actions report any failure here under this heading
    if (e instanceof Error && !e.message.startsWith(DEPENDENCIES_FAILED)) e.message = DEPENDENCIES_FAILED + e.message;
    throw e;
  }
}

/** The heading helm's actions give a failure of dependency processing. */
export const DEPENDENCIES_FAILED = 'chart dependencies processing failed: ';

export { Chart };
