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
  /**
   * Set by `rel promote` / `rel abort` for the driving process to act on. Not part of the saved state: the
   * request lives in its own ConfigMap key (`request`, field manager rel-control) so that the driver's saves
   * can never overwrite a request written between its load and its save; load() merges it in.
   */
  request?: 'promote' | 'promote-full' | 'abort' | 'resume';
  requestReason?: string;
  requestId?: string;
  /** id of the last request the driver acted on (a request with this id is no longer pending) */
  handledRequest?: string;
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

/** Field manager of `rel promote` / `rel abort` requests (the driver applies as `rel`). */
export const CONTROL_MANAGER = 'rel-control';

interface ControlRequest {
  request: RolloutState['request'];
  reason?: string;
  id: string;
  at: string;
}

export class RolloutStateStore {
  constructor(
    private readonly kube: Kube,
    private readonly namespace: string,
  ) {}

  async load(release: string): Promise<RolloutState | undefined> {
    const cm = await this.kube.get('v1', 'ConfigMap', stateName(release), this.namespace);
    const data = cm?.data as Record<string, string> | undefined;
    if (!data?.state) return undefined;
    const s = JSON.parse(data.state) as RolloutState;
    delete s.request;
    delete s.requestReason;
    delete s.requestId;
    const req = data.request ? (JSON.parse(data.request) as ControlRequest) : undefined;
    if (req && req.id !== s.handledRequest) {
      s.request = req.request;
      s.requestReason = req.reason;
      s.requestId = req.id;
    }
    return s;
  }

  /** The driver's save: only the `state` key (field manager rel); a pending request is left alone. */
  async save(s: RolloutState): Promise<void> {
    s.updatedAt = new Date().toISOString();
    const { request: _r, requestReason: _rr, requestId: _ri, ...rest } = s;
    await this.kube.apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: stateName(s.release), namespace: this.namespace, labels: { 'app.kubernetes.io/managed-by': 'rel', 'rel.dev/release': s.release } },
      data: { state: JSON.stringify(rest) },
    });
  }

  /** Writes only the control request (used by rel promote/abort while another process drives). */
  async request(release: string, request: RolloutState['request'], reason?: string): Promise<RolloutState> {
    const s = await this.load(release);
    if (!s) throw new Error(`no rollout in progress for ${release}`);
    const req: ControlRequest = { request, ...(reason ? { reason } : {}), id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`, at: new Date().toISOString() };
    await this.kube.apply(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: stateName(release), namespace: this.namespace }, data: { request: JSON.stringify(req) } },
      { fieldManager: CONTROL_MANAGER },
    );
    s.request = request;
    s.requestReason = reason;
    s.requestId = req.id;
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
