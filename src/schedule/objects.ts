/**
 * The Kubernetes objects `rel schedule` produces for one release and environment: a ServiceAccount, a Role
 * and RoleBinding (rules from rbac.ts), a ConfigMap carrying rel.yaml, chart and values (bundle.ts), and one
 * batch/v1 CronJob per allow window, each running `rel run-scheduled RELEASE --env ENV` when its window opens.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../kube/client.js';
import type { Bundle } from './bundle.js';
import { BUNDLE_KEY, DEFAULT_MOUNT, PROJECT_KEY } from './bundle.js';
import { toKubeCron } from './cron.js';
import type { PolicyRule } from './rbac.js';

export const MANAGED_BY = 'app.kubernetes.io/managed-by';
export const RELEASE_LABEL = 'rel.dev/release';
export const ENV_LABEL = 'rel.dev/env';
export const WINDOW_ANNOTATION = 'rel.dev/window';
export const SCHEDULE_ANNOTATION = 'rel.dev/window-schedule';
export const NOTE_ANNOTATION = 'rel.dev/schedule-note';

/** The part of an allow window the CronJob needs. */
export interface ScheduleWindow {
  name?: string;
  index: number;
  schedule: string;
  timeZone: string;
  durationMs: number;
  every?: { text: string };
}

export interface ScheduleInput {
  release: string;
  env: string;
  namespace: string;
  windows: ScheduleWindow[];
  rules: PolicyRule[];
  bundle: Pick<Bundle, 'project' | 'tgz' | 'files'>;
  image: string;
  /** Seconds the CronJob controller may start a missed run late (default: 5 minutes, at most half the window). */
  startingDeadlineSeconds?: number;
  successfulJobsHistoryLimit?: number;
  failedJobsHistoryLimit?: number;
}

export class ScheduleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleError';
  }
}

/** A DNS-1123 label made of `parts`, at most `max` characters (a short hash keeps long names unique). */
export function objectName(parts: string[], max: number): string {
  const raw = parts.join('-');
  let s = raw.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
  if (s.length > max || s !== raw) {
    const h = createHash('sha256').update(raw).digest('hex').slice(0, 6);
    if (s.length > max) s = `${s.slice(0, max - 7).replace(/-+$/, '')}-${h}`;
  }
  return s || 'rel';
}

/** Base name of the ServiceAccount, Role, RoleBinding and ConfigMap. */
export function baseName(release: string, env: string): string {
  return objectName(['rel', release, env], 63);
}

export function labelsFor(release: string, env: string): Record<string, string> {
  return {
    [MANAGED_BY]: 'rel',
    [RELEASE_LABEL]: labelValue(release),
    [ENV_LABEL]: labelValue(env),
    'app.kubernetes.io/component': 'scheduled-run',
  };
}

/** A label value (63 characters of [A-Za-z0-9._-], alphanumeric at both ends). */
function labelValue(v: string): string {
  const s = v.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return s;
}

/** Label selector for rel's scheduled-run objects (all, or one release, or one release and environment). */
export function selectorFor(release?: string, env?: string): string {
  const sel = [`${MANAGED_BY}=rel`, 'app.kubernetes.io/component=scheduled-run'];
  if (release) sel.push(`${RELEASE_LABEL}=${labelValue(release)}`);
  if (env) sel.push(`${ENV_LABEL}=${labelValue(env)}`);
  return sel.join(',');
}

/** Builds the objects, in apply order (ServiceAccount, Role, RoleBinding, ConfigMap, CronJobs). */
export function buildScheduleObjects(input: ScheduleInput): KubeObject[] {
  if (input.windows.length === 0) {
    throw new ScheduleError(
      `environment "${input.env}" has no allow window: rel schedule starts a run when an allow window opens. ` +
        'Add windows.allow (e.g. { schedule: "0 2 * * 2", duration: 2h, timeZone: Europe/Berlin }) to rel.yaml for this environment or release.',
    );
  }
  const ns = input.namespace;
  const base = baseName(input.release, input.env);
  const labels = labelsFor(input.release, input.env);
  const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: ns, labels: { ...labels }, ...extra });
  const sa: KubeObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(base) };
  const role: KubeObject = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta(base), rules: input.rules };
  const binding: KubeObject = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: meta(base),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: base },
    subjects: [{ kind: 'ServiceAccount', name: base, namespace: ns }],
  };
  const cm: KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(base, { annotations: { 'rel.dev/bundle-files': String(input.bundle.files.length) } }),
    data: { [PROJECT_KEY]: input.bundle.project },
    binaryData: { [BUNDLE_KEY]: input.bundle.tgz.toString('base64') },
  };
  const used = new Set<string>();
  const cronJobs = input.windows.map((w) => {
    let name = objectName(['rel', input.release, input.env, w.name ?? `allow-${w.index}`], 52);
    if (used.has(name)) name = objectName(['rel', input.release, input.env, w.name ?? 'allow', String(w.index)], 52);
    used.add(name);
    let cron;
    try {
      cron = toKubeCron(w.schedule);
    } catch (e) {
      throw new ScheduleError(`allow window ${w.name ?? `#${w.index}`}: ${(e as Error).message}`);
    }
    const notes = [cron.note, w.every && `every: ${w.every.text}: the job runs at every match of the schedule and rel run-scheduled skips the runs outside the window`].filter(Boolean);
    const windowSeconds = Math.max(60, Math.floor(w.durationMs / 1000));
    const startingDeadlineSeconds = input.startingDeadlineSeconds ?? Math.max(10, Math.min(300, Math.floor(windowSeconds / 2)));
    const podLabels = { ...labels, 'rel.dev/window-name': labelValue(w.name ?? `allow-${w.index}`) };
    const cj: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: meta(name, {
        annotations: {
          [WINDOW_ANNOTATION]: w.name ?? `allow[${w.index}]`,
          [SCHEDULE_ANNOTATION]: `${w.schedule} (${w.timeZone})`,
          ...(notes.length ? { [NOTE_ANNOTATION]: notes.join('; ') } : {}),
        },
      }),
      spec: {
        schedule: cron.schedule,
        timeZone: w.timeZone,
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds,
        successfulJobsHistoryLimit: input.successfulJobsHistoryLimit ?? 3,
        failedJobsHistoryLimit: input.failedJobsHistoryLimit ?? 3,
        jobTemplate: {
          metadata: { labels: podLabels },
          spec: {
            // A failed or refused run is not retried: the next window runs again.
            backoffLimit: 0,
            // A run never outlives its window by much (the canary policy acts before the window closes).
            activeDeadlineSeconds: windowSeconds + 900,
            template: {
              metadata: { labels: podLabels },
              spec: {
                serviceAccountName: base,
                restartPolicy: 'Never',
                securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
                containers: [
                  {
                    name: 'rel',
                    image: input.image,
                    imagePullPolicy: 'IfNotPresent',
                    args: ['run-scheduled', input.release, '--env', input.env, '--from', DEFAULT_MOUNT],
                    env: [{ name: 'REL_SCHEDULED_WINDOW', value: w.name ?? `allow[${w.index}]` }],
                    volumeMounts: [{ name: 'project', mountPath: DEFAULT_MOUNT, readOnly: true }],
                    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
                    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
                  },
                ],
                volumes: [{ name: 'project', configMap: { name: base } }],
              },
            },
          },
        },
      },
    };
    return cj;
  });
  return [sa, role, binding, cm, ...cronJobs];
}
