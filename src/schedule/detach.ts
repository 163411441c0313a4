/**
 * The Kubernetes objects of `rel deploy --detach`: a Job running `rel run-detached` in the release namespace
 * to drive a canary or blue-green rollout, plus a ServiceAccount, Role and RoleBinding (rules from rbac.ts)
 * and a Secret with the deploy bundle (chart, values files, rel.yaml when one is used, and deploy.json with
 * the deploy options). The Secret, not a ConfigMap: values files and --set values often hold credentials
 * (Helm itself keeps release records, values included, in Secrets).
 *
 * All four helpers carry an ownerReference to the Job, so deleting the Job (by hand, or by
 * ttlSecondsAfterFinished) removes them. The Job is created suspended, then the helpers, then it is resumed:
 * its pod never starts before its service account and bundle exist.
 *
 * Retries are resume-safe: rel's definite outcomes (exit codes 1-4) fail the Job at once (podFailurePolicy
 * FailJob); a pod that dies otherwise (OOM-killed, node lost: signals, exit codes 128+) is retried up to
 * backoffLimit times, and a disruption (eviction, preemption, drain) is not counted. A retry continues the
 * rollout from its state ConfigMap once the dead pod's heartbeat is stale (see detached-run.ts).
 */
import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../kube/client.js';
import { MANAGED_BY, RELEASE_LABEL, objectName } from './objects.js';
import type { PolicyRule } from './rbac.js';

export const DETACH_MOUNT = '/etc/rel';
export const SPEC_KEY = 'deploy.json';
export const DETACH_BUNDLE_KEY = 'bundle.tgz';
export const COMPONENT = 'detached-rollout';
/** Writable scratch space of the Job's container (HOME, TMPDIR: the in-cluster kubeconfig, the unpacked bundle). */
export const SCRATCH_MOUNT = '/tmp';
/** Prefix of the bundle Secret's keys that hold files named by settings (e.g. file.prometheus-ca.crt). */
export const FILE_KEY_PREFIX = 'file.';
/** The key of analysis.prometheus.caFile's contents in the bundle Secret (mounted at DETACH_MOUNT/<key>). */
export const PROMETHEUS_CA_KEY = `${FILE_KEY_PREFIX}prometheus-ca.crt`;
export const REVISION_LABEL = 'rel.dev/revision';
export const STRATEGY_ANNOTATION = 'rel.dev/strategy';
/** Jobs stay a day after they finish (logs, status), then Kubernetes deletes them and their helpers. */
export const DEFAULT_TTL_SECONDS = 86_400;
/** Retries of a pod that died without a rel exit code (resume-safe). */
export const DEFAULT_BACKOFF_LIMIT = 2;

/** What the Job's `rel run-detached` reads from deploy.json. */
export interface DetachSpec {
  version: 1;
  release: string;
  namespace: string;
  /** The revision this Job creates (the last one + 1 when it was made). */
  revision: number;
  /** The Job's name: recorded in the revision's trigger, so a retry recognises its own revision. */
  job: string;
  strategy: 'canary' | 'blueGreen';
  /** Arguments and flags for rel deploy, paths relative to the bundle root. */
  args: { release?: string; chart?: string };
  flags: Record<string, unknown>;
  /** A retry waits until the previous driver's heartbeat is this old before it resumes. */
  staleMs: number;
  /**
   * Settings that name files, rewritten to their key in the mounted bundle Secret (the file's contents travel
   * there): `prometheusCaFile` is analysis.prometheus.caFile.
   */
  files?: { prometheusCaFile?: string };
  /** sha256 of the manifest rendered where --detach was run (the Job warns when its own render differs). */
  manifestSha256?: string;
  startedBy?: string;
}

export interface DetachInput {
  spec: DetachSpec;
  image: string;
  rules: PolicyRule[];
  /** The gzipped tar of chart, values and rel.yaml. */
  tgz: Buffer;
  activeDeadlineSeconds: number;
  ttlSecondsAfterFinished?: number;
  backoffLimit?: number;
  /** Extra container environment (e.g. HELM_DRIVER). */
  env?: Record<string, string>;
  /** Container environment from the bundle Secret (key env.NAME), e.g. the Prometheus bearer token. */
  secretEnv?: Record<string, string>;
  /** Files the settings name (key → contents), carried in the bundle Secret and mounted beside deploy.json. */
  files?: Record<string, Buffer>;
}

export function detachLabels(release: string, revision?: number): Record<string, string> {
  return {
    [MANAGED_BY]: 'rel',
    [RELEASE_LABEL]: labelValue(release),
    'app.kubernetes.io/component': COMPONENT,
    ...(revision !== undefined ? { [REVISION_LABEL]: String(revision) } : {}),
  };
}

/** Label selector for the detached-rollout Jobs of a release (or of all releases). */
export function detachSelector(release?: string): string {
  return [`${MANAGED_BY}=rel`, `app.kubernetes.io/component=${COMPONENT}`, ...(release ? [`${RELEASE_LABEL}=${labelValue(release)}`] : [])].join(',');
}

function labelValue(v: string): string {
  return v.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/** rel-deploy-RELEASE-rN-xxxx: at most 52 characters (the Job controller adds a pod suffix within 63). */
export function detachJobName(release: string, revision: number, suffix = randomBytes(2).toString('hex')): string {
  return `${objectName(['rel-deploy', release, `r${revision}`], 47)}-${suffix}`;
}

/**
 * How long the Job may run (activeDeadlineSeconds): every canary step (or the blue-green analysis and
 * scale-down delay), readiness waits (--timeout) for the canary, the promotion and a rollback, and 10
 * minutes of slack; a manual gate may wait a day for `rel promote`.
 */
export function detachDeadlineSeconds(o: { strategy: 'canary' | 'blueGreen'; steps: number[]; stepIntervalMs: number; timeoutMs: number; scaleDownDelayMs?: number; manualGate?: boolean }): number {
  const analysis = o.strategy === 'canary' ? o.steps.length * o.stepIntervalMs : o.stepIntervalMs + (o.scaleDownDelayMs ?? 30_000);
  const readiness = (o.strategy === 'canary' ? o.steps.length + 3 : 4) * o.timeoutMs;
  const gate = o.manualGate ? 86_400_000 : 0;
  return Math.ceil((analysis + readiness + gate + 600_000) / 1000);
}

/** Builds the objects, in creation order: the Job (suspended) first, then its helpers (owned by the Job). */
export function buildDetachObjects(input: DetachInput): { job: KubeObject; helpers: KubeObject[] } {
  const s = input.spec;
  const name = s.job;
  const ns = s.namespace;
  const labels = detachLabels(s.release, s.revision);
  const meta = { name, namespace: ns, labels: { ...labels } };
  const job: KubeObject = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      ...meta,
      annotations: {
        [STRATEGY_ANNOTATION]: s.strategy,
        'rel.dev/started-by': s.startedBy ?? '',
        'rel.dev/follow': `rel status ${s.release} -n ${ns} --watch`,
      },
    },
    spec: {
      suspend: true,
      backoffLimit: input.backoffLimit ?? DEFAULT_BACKOFF_LIMIT,
      activeDeadlineSeconds: input.activeDeadlineSeconds,
      ttlSecondsAfterFinished: input.ttlSecondsAfterFinished ?? DEFAULT_TTL_SECONDS,
      podFailurePolicy: {
        rules: [
          // rel's own outcomes are final: 1 failed, 2 usage, 3 rolled back, 4 outside the window.
          { action: 'FailJob', onExitCodes: { containerName: 'rel', operator: 'In', values: [1, 2, 3, 4] } },
          // An evicted or preempted pod is retried without counting against backoffLimit.
          { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
        ],
      },
      template: {
        metadata: { labels: { ...labels } },
        spec: {
          serviceAccountName: name,
          restartPolicy: 'Never',
          // SIGTERM leaves the rollout where it is (state in the cluster); a short grace is enough.
          terminationGracePeriodSeconds: 30,
          securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'rel',
              image: input.image,
              imagePullPolicy: 'IfNotPresent',
              args: ['run-detached', '--from', DETACH_MOUNT],
              env: [
                // The root filesystem is read-only: rel writes only under the scratch emptyDir.
                { name: 'HOME', value: SCRATCH_MOUNT },
                { name: 'TMPDIR', value: SCRATCH_MOUNT },
                // Node reads extra CAs only at start-up: a Prometheus CA must be in the environment.
                ...(input.files?.[PROMETHEUS_CA_KEY] ? [{ name: 'NODE_EXTRA_CA_CERTS', value: `${DETACH_MOUNT}/${PROMETHEUS_CA_KEY}` }] : []),
                ...Object.entries(input.env ?? {}).map(([k, v]) => ({ name: k, value: v })),
                ...Object.keys(input.secretEnv ?? {}).map((k) => ({ name: k, valueFrom: { secretKeyRef: { name, key: `env.${k}` } } })),
              ],
              volumeMounts: [
                { name: 'bundle', mountPath: DETACH_MOUNT, readOnly: true },
                { name: 'scratch', mountPath: SCRATCH_MOUNT },
              ],
              resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              terminationMessagePolicy: 'FallbackToLogsOnError',
            },
          ],
          volumes: [
            { name: 'bundle', secret: { secretName: name } },
            { name: 'scratch', emptyDir: { sizeLimit: '256Mi' } },
          ],
        },
      },
    },
  };
  const sa: KubeObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { ...meta } };
  const role: KubeObject = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { ...meta }, rules: input.rules };
  const binding: KubeObject = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { ...meta },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
    subjects: [{ kind: 'ServiceAccount', name, namespace: ns }],
  };
  const secret: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { ...meta },
    type: 'Opaque',
    data: {
      [SPEC_KEY]: Buffer.from(`${JSON.stringify(s, null, 2)}\n`).toString('base64'),
      [DETACH_BUNDLE_KEY]: input.tgz.toString('base64'),
      ...Object.fromEntries(Object.entries(input.secretEnv ?? {}).map(([k, v]) => [`env.${k}`, Buffer.from(v).toString('base64')])),
      ...Object.fromEntries(Object.entries(input.files ?? {}).map(([k, b]) => [k, b.toString('base64')])),
    },
  };
  return { job, helpers: [sa, role, binding, secret] };
}

/** Makes `o` owned by the Job (garbage-collected with it). */
export function ownedByJob(o: KubeObject, job: KubeObject): KubeObject {
  return {
    ...o,
    metadata: {
      ...o.metadata,
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: job.metadata!.name!, uid: job.metadata!.uid!, controller: false, blockOwnerDeletion: false }],
    },
  };
}
