import type { Kube } from '../kube/client.js';

/** A progressive rollout's state, kept in the cluster (ConfigMap rel-rollout-<release>) at every step. */
export interface RolloutState {
  release: string;
  namespace: string;
  revision: number;
  strategy: 'canary' | 'blueGreen';
  phase: 'progressing' | 'paused' | 'promoting' | 'aborting' | 'done' | 'aborted';
  steps: number[];
  stepIndex: number;
  weight: number;
  targets: RolloutTarget[];
  startedAt: string;
  updatedAt: string;
  /** Updated by the driving process on every tick; a stale heartbeat means nobody drives the rollout. */
  heartbeat: string;
  driverPid?: number;
  /** Set by `rel promote` / `rel abort` for the driving process to act on. */
  request?: 'promote' | 'promote-full' | 'abort' | 'resume';
  requestReason?: string;
  pausedReason?: string;
  message?: string;
  lastMeasurements?: unknown[];
  settings: Record<string, unknown>;
}

export interface RolloutTarget {
  deployment: string;
  canaryDeployment: string;
  service?: string;
  canaryService?: string;
  router: 'nginx' | 'gateway' | 'replicas' | 'service';
  stableReplicas: number;
}

export const stateName = (release: string) => `rel-rollout-${release}`.slice(0, 253);

export class RolloutStateStore {
  constructor(
    private readonly kube: Kube,
    private readonly namespace: string,
  ) {}

  async load(release: string): Promise<RolloutState | undefined> {
    const cm = await this.kube.get('v1', 'ConfigMap', stateName(release), this.namespace);
    const raw = (cm?.data as Record<string, string> | undefined)?.state;
    return raw ? (JSON.parse(raw) as RolloutState) : undefined;
  }

  async save(s: RolloutState): Promise<void> {
    s.updatedAt = new Date().toISOString();
    await this.kube.apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: stateName(s.release), namespace: this.namespace, labels: { 'app.kubernetes.io/managed-by': 'rel', 'rel.dev/release': s.release } },
      data: { state: JSON.stringify(s) },
    });
  }

  /** Writes only the control request (used by rel promote/abort while another process drives). */
  async request(release: string, request: RolloutState['request'], reason?: string): Promise<RolloutState> {
    const s = await this.load(release);
    if (!s) throw new Error(`no rollout in progress for ${release}`);
    s.request = request;
    s.requestReason = reason;
    await this.save(s);
    return s;
  }

  async delete(release: string): Promise<void> {
    await this.kube.delete({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: stateName(release), namespace: this.namespace } });
  }
}

/** True when the driving process has not beaten for `staleMs`. */
export function driverGone(s: RolloutState, staleMs: number, now = Date.now()): boolean {
  return now - Date.parse(s.heartbeat) > staleMs;
}
