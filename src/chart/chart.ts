/** A loaded chart: Helm's chart.Chart (templates, values, files, subcharts). */
import type { GoMap } from '../engine/types.js';
import { newMap } from '../engine/types.js';
import type { Metadata } from './metadata.js';
import { extPath } from './match.js';

export interface ChartFile {
  /** Path relative to the chart root, with forward slashes. */
  name: string;
  data: Uint8Array;
}

export interface CRD {
  /** File name inside the chart (crds/x.yaml). */
  name: string;
  /** Full name for output (`chart/charts/sub/crds/x.yaml`). */
  filename: string;
  file: ChartFile;
}

export class Chart {
  metadata: Metadata;
  /** Chart.lock / requirements.lock, raw. */
  lock: GoMap | null = null;
  templates: ChartFile[] = [];
  values: GoMap = newMap();
  schema: Uint8Array | null = null;
  /** Files that are not templates, values, Chart.yaml or subcharts (`.Files`). */
  files: ChartFile[] = [];
  /** Every file as loaded. */
  raw: ChartFile[] = [];
  private parentChart: Chart | null = null;
  private deps: Chart[] = [];

  constructor(metadata: Metadata) {
    this.metadata = metadata;
  }

  name(): string {
    return this.metadata.Name;
  }

  isRoot(): boolean {
    return this.parentChart === null;
  }

  parent(): Chart | null {
    return this.parentChart;
  }

  root(): Chart {
    return this.parentChart ? this.parentChart.root() : this;
  }

  dependencies(): Chart[] {
    return this.deps;
  }

  setDependencies(...charts: Chart[]): void {
    this.deps = [];
    for (const c of charts) this.addDependency(c);
  }

  addDependency(...charts: Chart[]): void {
    for (const c of charts) {
      c.parentChart = this;
      this.deps.push(c);
    }
  }

  /** `parent/charts/child` path used in template names. */
  chartFullPath(): string {
    if (this.parentChart) return `${this.parentChart.chartFullPath()}/charts/${this.name()}`;
    return this.name();
  }

  /** `parent.child` path. */
  chartPath(): string {
    if (this.parentChart) return `${this.parentChart.chartPath()}.${this.name()}`;
    return this.name();
  }

  isLibrary(): boolean {
    return this.metadata.Type.toLowerCase() === 'library';
  }

  /** CRDs of this chart and its subcharts (crds/ files with .yaml/.yml/.json). */
  crdObjects(): CRD[] {
    const out: CRD[] = [];
    for (const f of this.files) {
      if (f.name.startsWith('crds/') && ['.yaml', '.yml', '.json'].includes(extPath(f.name))) {
        out.push({ name: f.name, filename: `${this.chartFullPath()}/${f.name}`, file: f });
      }
    }
    for (const d of this.deps) out.push(...d.crdObjects());
    return out;
  }

  /** A shallow copy (used for aliased dependencies): same files, copied metadata, shallow-copied subcharts. */
  shallowCopy(metadata: Metadata): Chart {
    const c = new Chart(metadata);
    c.lock = this.lock;
    c.templates = this.templates;
    c.values = this.values;
    c.schema = this.schema;
    c.files = this.files;
    c.raw = this.raw;
    c.parentChart = this.parentChart;
    for (const d of this.deps) {
      const cp = new Chart(d.metadata);
      Object.assign(cp, d);
      c.addDependency(cp);
    }
    return c;
  }
}
