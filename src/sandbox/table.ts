/**
 * Server-side printing: the `meta.k8s.io/v1 Table` form that `kubectl get` asks for, with the
 * columns the real API server prints for common kinds.
 */
import type { ResourceType } from './resources.js';
import type { KubeObject } from './store.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function age(ts: string | undefined): string {
  if (!ts) return '<unknown>';
  const s = Math.max(0, Math.floor((Date.now() - Date.parse(ts)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60 ? `${s % 60}s` : ''}`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

type Col = [name: string, type: string, get: (o: Obj) => unknown, priority?: number];

function podStatus(o: Obj): string {
  if (o.metadata?.deletionTimestamp) return 'Terminating';
  const cs = (o.status?.containerStatuses ?? []) as Obj[];
  for (const c of cs) {
    if (c.state?.waiting?.reason) return c.state.waiting.reason;
    if (c.state?.terminated?.reason && o.status?.phase !== 'Running') return c.state.terminated.reason;
  }
  return o.status?.reason ?? o.status?.phase ?? 'Pending';
}

const COLUMNS: Record<string, Col[]> = {
  '/Pod': [
    ['Ready', 'string', (o) => `${((o.status?.containerStatuses ?? []) as Obj[]).filter((c) => c.ready).length}/${(o.spec?.containers ?? []).length}`],
    ['Status', 'string', podStatus],
    ['Restarts', 'string', (o) => String(((o.status?.containerStatuses ?? []) as Obj[]).reduce((n, c) => n + (c.restartCount ?? 0), 0))],
    ['Age', 'string', (o) => age(o.metadata?.creationTimestamp)],
    ['IP', 'string', (o) => o.status?.podIP ?? '<none>', 1],
    ['Node', 'string', (o) => o.spec?.nodeName ?? '<none>', 1],
  ],
  'apps/Deployment': [
    ['Ready', 'string', (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`],
    ['Up-to-date', 'integer', (o) => o.status?.updatedReplicas ?? 0],
    ['Available', 'integer', (o) => o.status?.availableReplicas ?? 0],
    ['Age', 'string', (o) => age(o.metadata?.creationTimestamp)],
  ],
  'apps/ReplicaSet': [
    ['Desired', 'integer', (o) => o.spec?.replicas ?? 0],
    ['Current', 'integer', (o) => o.status?.replicas ?? 0],
    ['Ready', 'integer', (o) => o.status?.readyReplicas ?? 0],
    ['Age', 'string', (o) => age(o.metadata?.creationTimestamp)],
  ],
  'apps/StatefulSet': [
    ['Ready', 'string', (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`],
    ['Age', 'string', (o) => age(o.metadata?.creationTimestamp)],
  ],
  'apps/DaemonSet': [
    ['Desired', 'integer', (o) => o.status?.desiredNumberScheduled ?? 0],
    ['Current', 'integer', (o) => o.status?.currentNumberScheduled ?? 0],
    ['Ready', 'integer', (o) => o.status?.numberReady ?? 0],
    ['Up-to-date', 'integer', (o) => o.status?.updatedNumberScheduled ?? 0],
    ['Available', 'integer', (o) => o.status?.numberAvailable ?? 0],
    ['Age', 'string', (o) => age(o.metadata?.creationTimestamp)],
  ],
  '/Service': [
    ['Type', 'string', (o) => o.spec?.type ?? 'ClusterIP'],
    ['Cluster-IP', 'string', (o) => o.spec?.clusterIP ?? '<none>'],
    ['External-IP', 'string', (o) => ((o.status?.loadBalancer?.ingress ?? []) as Obj[]).map((i) => i.ip ?? i.hostname).join(',') || '<none>'],
    ['Port(s)', 'string', (o) => ((o.spec?.ports ?? []) as Obj[]).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',') || '<none>'],
    ['Age', 'string', (o) => age(o.metadata?.creationTimestamp)],
  ],
  'batch/Job': [
    ['Status', 'string', (o) => (((o.status?.conditions ?? []) as Obj[]).find((c) => c.status === 'True' && (c.type === 'Complete' || c.type === 'Failed'))?.type ?? 'Running')],
    ['Completions', 'string', (o) => `${o.status?.succeeded ?? 0}/${o.spec?.completions ?? 1}`],
    ['Age', 'string', (o) => age(o.metadata?.creationTimestamp)],
  ],
  '/Namespace': [
    ['Status', 'string', (o) => o.status?.phase ?? 'Active'],
    ['Age', 'string', (o) => age(o.metadata?.creationTimestamp)],
  ],
  '/ConfigMap': [
    ['Data', 'integer', (o) => Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length],
    ['Age', 'string', (o) => age(o.metadata?.creationTimestamp)],
  ],
  '/Secret': [
    ['Type', 'string', (o) => o.type ?? 'Opaque'],
    ['Data', 'integer', (o) => Object.keys(o.data ?? {}).length],
    ['Age', 'string', (o) => age(o.metadata?.creationTimestamp)],
  ],
  'networking.k8s.io/Ingress': [
    ['Class', 'string', (o) => o.spec?.ingressClassName ?? '<none>'],
    ['Hosts', 'string', (o) => ((o.spec?.rules ?? []) as Obj[]).map((r) => r.host ?? '*').join(',') || '*'],
    ['Age', 'string', (o) => age(o.metadata?.creationTimestamp)],
  ],
  '/PersistentVolumeClaim': [
    ['Status', 'string', (o) => o.status?.phase ?? 'Pending'],
    ['Age', 'string', (o) => age(o.metadata?.creationTimestamp)],
  ],
  '/Event': [
    ['Last Seen', 'string', (o) => age(o.lastTimestamp ?? o.metadata?.creationTimestamp)],
    ['Type', 'string', (o) => o.type ?? ''],
    ['Reason', 'string', (o) => o.reason ?? ''],
    ['Object', 'string', (o) => `${String(o.involvedObject?.kind ?? '').toLowerCase()}/${o.involvedObject?.name ?? ''}`],
    ['Message', 'string', (o) => o.message ?? ''],
  ],
  '/Node': [
    ['Status', 'string', (o) => (((o.status?.conditions ?? []) as Obj[]).find((c) => c.type === 'Ready')?.status === 'True' ? 'Ready' : 'NotReady')],
    ['Age', 'string', (o) => age(o.metadata?.creationTimestamp)],
  ],
};

const DEFAULT_COLS: Col[] = [['Age', 'string', (o) => age(o.metadata?.creationTimestamp)]];

export function toTable(r: ResourceType, items: KubeObject[], listMeta: Record<string, unknown>, includeObject: string): Record<string, unknown> {
  const cols = COLUMNS[`${r.group}/${r.kind}`] ?? DEFAULT_COLS;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: [
      ...(r.kind === 'Event' && !r.group ? [] : [{ name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 }]),
      ...cols.map(([name, type, , priority]) => ({ name, type, format: '', description: name, priority: priority ?? 0 })),
    ],
    rows: items.map((o) => ({
      cells: r.kind === 'Event' && !r.group ? cols.map(([, , get]) => get(o as Obj)) : [o.metadata.name, ...cols.map(([, , get]) => get(o as Obj))],
      object:
        includeObject === 'None'
          ? undefined
          : includeObject === 'Object'
            ? o
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
