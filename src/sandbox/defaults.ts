/**
 * Defaulting as the API server does it for the built-in kinds clients look at (the values
 * `kubectl get -o yaml` shows after a create). Every function is idempotent.
 */
import type { KubeObject } from './store.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const setDefault = (o: Obj, k: string, v: unknown) => {
  if (o[k] === undefined || o[k] === null) o[k] = v;
};

function defaultContainer(c: Obj): void {
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  if (c.imagePullPolicy === undefined) {
    const img = String(c.image ?? '');
    const tag = img.includes('@') ? 'digest' : img.slice(img.lastIndexOf('/') + 1).split(':')[1];
    c.imagePullPolicy = !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
  }
  setDefault(c, 'resources', {});
  for (const p of c.ports ?? []) setDefault(p, 'protocol', 'TCP');
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const pr = c[probe];
    if (pr && typeof pr === 'object') {
      setDefault(pr, 'timeoutSeconds', 1);
      setDefault(pr, 'periodSeconds', 10);
      setDefault(pr, 'successThreshold', 1);
      setDefault(pr, 'failureThreshold', 3);
      if (pr.httpGet) setDefault(pr.httpGet, 'scheme', 'HTTP');
    }
  }
}

export function defaultPodSpec(spec: Obj | undefined, restartPolicy = 'Always'): void {
  if (!spec || typeof spec !== 'object') return;
  setDefault(spec, 'restartPolicy', restartPolicy);
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'schedulerName', 'default-scheduler');
  for (const c of spec.containers ?? []) if (c && typeof c === 'object') defaultContainer(c);
  for (const c of spec.initContainers ?? []) if (c && typeof c === 'object') defaultContainer(c);
}

function intOrPercent(v: unknown, d: string | number): unknown {
  return v === undefined || v === null ? d : v;
}

let ipCounter = 10;

export function applyDefaults(group: string, kind: string, obj: KubeObject): void {
  const o = obj as Obj;
  const spec = o.spec as Obj | undefined;
  switch (`${group}/${kind}`) {
    case '/Namespace':
      o.spec = { finalizers: ['kubernetes'], ...(spec ?? {}) };
      o.metadata.labels = { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': o.metadata.name };
      if (!o.status?.phase) o.status = { phase: 'Active' };
      break;
    case '/Pod':
      defaultPodSpec(spec);
      if (spec) {
        setDefault(spec, 'enableServiceLinks', true);
        setDefault(spec, 'preemptionPolicy', 'PreemptLowerPriority');
        setDefault(spec, 'priority', 0);
        setDefault(spec, 'serviceAccountName', spec.serviceAccount ?? 'default');
        setDefault(spec, 'serviceAccount', spec.serviceAccountName);
      }
      if (!o.status?.phase) o.status = { phase: 'Pending', qosClass: 'BestEffort' };
      break;
    case '/Service':
      if (spec) {
        setDefault(spec, 'type', 'ClusterIP');
        setDefault(spec, 'sessionAffinity', 'None');
        if (spec.type !== 'ExternalName') {
          if (spec.clusterIP === undefined || spec.clusterIP === '') {
            const n = ipCounter++;
            spec.clusterIP = `10.96.${(n >> 8) & 255}.${n & 255}`;
          }
          setDefault(spec, 'clusterIPs', [spec.clusterIP]);
          setDefault(spec, 'ipFamilies', ['IPv4']);
          setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
          setDefault(spec, 'internalTrafficPolicy', 'Cluster');
        }
        for (const p of spec.ports ?? []) {
          setDefault(p, 'protocol', 'TCP');
          setDefault(p, 'targetPort', p.port);
          if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && !p.nodePort) p.nodePort = 30000 + Math.floor(Math.random() * 2767);
        }
        if (spec.type === 'LoadBalancer' || spec.type === 'NodePort') setDefault(spec, 'externalTrafficPolicy', 'Cluster');
      }
      if (!o.status) o.status = { loadBalancer: {} };
      break;
    case '/Secret':
      setDefault(o, 'type', 'Opaque');
      if (o.stringData && typeof o.stringData === 'object') {
        o.data = { ...(o.data ?? {}) };
        for (const [k, v] of Object.entries(o.stringData as Obj)) o.data[k] = Buffer.from(String(v), 'utf8').toString('base64');
        delete o.stringData;
      }
      break;
    case '/PersistentVolumeClaim':
      if (spec) setDefault(spec, 'volumeMode', 'Filesystem');
      if (!o.status?.phase) o.status = { phase: 'Pending' };
      break;
    case 'apps/Deployment':
      if (spec) {
        setDefault(spec, 'replicas', 1);
        setDefault(spec, 'revisionHistoryLimit', 10);
        setDefault(spec, 'progressDeadlineSeconds', 600);
        setDefault(spec, 'strategy', {});
        setDefault(spec.strategy, 'type', 'RollingUpdate');
        if (spec.strategy.type === 'RollingUpdate') {
          setDefault(spec.strategy, 'rollingUpdate', {});
          spec.strategy.rollingUpdate.maxSurge = intOrPercent(spec.strategy.rollingUpdate.maxSurge, '25%');
          spec.strategy.rollingUpdate.maxUnavailable = intOrPercent(spec.strategy.rollingUpdate.maxUnavailable, '25%');
        }
        defaultPodSpec(spec.template?.spec);
      }
      break;
    case 'apps/ReplicaSet':
      if (spec) {
        setDefault(spec, 'replicas', 1);
        defaultPodSpec(spec.template?.spec);
      }
      break;
    case 'apps/StatefulSet':
      if (spec) {
        setDefault(spec, 'replicas', 1);
        setDefault(spec, 'podManagementPolicy', 'OrderedReady');
        setDefault(spec, 'revisionHistoryLimit', 10);
        setDefault(spec, 'updateStrategy', { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
        setDefault(spec, 'persistentVolumeClaimRetentionPolicy', { whenDeleted: 'Retain', whenScaled: 'Retain' });
        defaultPodSpec(spec.template?.spec);
      }
      break;
    case 'apps/DaemonSet':
      if (spec) {
        setDefault(spec, 'revisionHistoryLimit', 10);
        setDefault(spec, 'updateStrategy', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
        defaultPodSpec(spec.template?.spec);
      }
      break;
    case 'batch/Job':
      if (spec) {
        setDefault(spec, 'parallelism', 1);
        setDefault(spec, 'completions', 1);
        setDefault(spec, 'backoffLimit', 6);
        setDefault(spec, 'completionMode', 'NonIndexed');
        setDefault(spec, 'suspend', false);
        setDefault(spec, 'podReplacementPolicy', 'TerminatingOrFailed');
        defaultPodSpec(spec.template?.spec, 'Never');
        const uid = o.metadata.uid as string | undefined;
        if (uid && !spec.manualSelector) {
          const labels = { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': o.metadata.name, 'controller-uid': uid, 'job-name': o.metadata.name };
          setDefault(spec, 'selector', { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
          if (spec.template) {
            spec.template.metadata = spec.template.metadata ?? {};
            spec.template.metadata.labels = { ...labels, ...(spec.template.metadata.labels ?? {}) };
          }
        }
      }
      break;
    case 'batch/CronJob':
      if (spec) {
        setDefault(spec, 'concurrencyPolicy', 'Allow');
        setDefault(spec, 'suspend', false);
        setDefault(spec, 'successfulJobsHistoryLimit', 3);
        setDefault(spec, 'failedJobsHistoryLimit', 1);
        defaultPodSpec(spec.jobTemplate?.spec?.template?.spec, 'Never');
      }
      break;
    case 'networking.k8s.io/Ingress':
      if (!o.status) o.status = { loadBalancer: {} };
      break;
    case 'autoscaling/HorizontalPodAutoscaler':
      if (spec) setDefault(spec, 'minReplicas', 1);
      break;
  }
}
