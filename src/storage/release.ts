/**
 * A release revision in Helm's own JSON shape (helm.sh/helm/v4 pkg/release/v1), so records
 * written by rel are releases to helm and the other way round. Field names follow Helm's JSON tags.
 */

export const RELEASE_STATUSES = [
  'unknown',
  'deployed',
  'uninstalled',
  'superseded',
  'failed',
  'uninstalling',
  'pending-install',
  'pending-upgrade',
  'pending-rollback',
] as const;
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];

export function isPending(s: ReleaseStatus | undefined): boolean {
  return s === 'pending-install' || s === 'pending-upgrade' || s === 'pending-rollback';
}

export interface ChartFileJSON {
  name: string;
  /** base64 of the bytes (Go []byte). */
  data: string;
  modtime?: string;
}

export interface ChartJSON {
  metadata: Record<string, unknown>;
  lock: Record<string, unknown> | null;
  templates: ChartFileJSON[];
  values: Record<string, unknown> | null;
  /** base64 of values.schema.json, or null. */
  schema: string | null;
  files: ChartFileJSON[];
}

export interface HookJSON {
  name?: string;
  kind?: string;
  path?: string;
  manifest?: string;
  events?: string[];
  last_run: { started_at?: string; completed_at?: string; phase: string };
  weight?: number;
  delete_policies?: string[];
  output_log_policies?: string[];
}

export interface InfoJSON {
  first_deployed?: string;
  last_deployed?: string;
  deleted?: string;
  description?: string;
  status?: ReleaseStatus;
  notes?: string;
}

/** rel's own data kept with a revision; helm ignores the unknown `rel` field when it reads. */
export interface RelExtra {
  strategy?: string;
  trigger?: { by?: string; via?: string; reason?: string; forced?: boolean };
  rollout?: Record<string, unknown>;
  analysis?: Record<string, unknown>[];
}

export interface Release {
  name: string;
  info: InfoJSON;
  chart?: ChartJSON;
  config?: Record<string, unknown>;
  manifest?: string;
  hooks?: HookJSON[];
  version: number;
  namespace: string;
  apply_method?: 'csa' | 'ssa';
  /** Custom labels (stored on the storage object, not in the JSON, as Helm does). */
  labels?: Record<string, string>;
  rel?: RelExtra;
}

/** Storage key of a revision: `sh.helm.release.v1.NAME.vN`. */
export function releaseKey(name: string, version: number): string {
  return `sh.helm.release.v1.${name}.v${version}`;
}
