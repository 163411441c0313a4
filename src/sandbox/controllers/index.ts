/**
 * The sandbox's controllers: they watch the store and make objects behave as in a cluster.
 * Deployment → ReplicaSet → Pods with rolling updates (maxSurge/maxUnavailable), StatefulSets,
 * DaemonSets on one node, Jobs, Services → Endpoints/EndpointSlices, PVC binding, namespace
 * lifecycle, garbage collection by ownerReferences, and simulated pod start-up with faults from the
 * `sandbox.rel.dev/fail` pod annotation (crash | unready | image-pull).
 */
import { randomUUID } from 'node:crypto';
import { Cron } from 'croner';
import type { Cluster } from '../api.js';
import { apiVersionOf, resourceKey, type ResourceType } from '../resources.js';
import { fromLabelSelectorObject, fromMap, matchesLabels } from '../selectors.js';
import type { KubeObject, OwnerReference, StoreEvent, Watch } from '../store.js';
import { stableStringify, templateHash } from './hash.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const FAIL_ANNOTATION = 'sandbox.rel.dev/fail';
export const NODE_NAME = 'sandbox-node';
const MANAGER = 'kube-controller-manager';
const MAX_EVENTS_PER_NAMESPACE = 5000;

export interface ControllerOptions {
  /** time from pod creation to running/ready (ms) */
  podStartMs?: number;
  /** time a Job's pod runs before it completes (ms) */
  jobRunMs?: number;
  /** A "local kubelet": runs some pods for real (see local-kubelet.ts); other pods keep the simulated behaviour. */
  podRunner?: PodRunner;
  log?: (line: string) => void;
}

/** A pod's process started by a PodRunner. */
export interface PodProcess {
  /** Resolves when the process ends: exit code 0 completes the pod, anything else fails it. */
  exited: Promise<{ exitCode: number; message?: string }>;
  /** Called when the pod is deleted (or the sandbox stops) while the process runs. */
  kill(): void;
}

/**
 * Runs a pod whose containers the sandbox cannot simulate meaningfully (e.g. the rel image): return a
 * PodProcess to run it, or undefined to keep the simulated behaviour. `get` reads objects from the store
 * (resource keys like '/secrets', '/configmaps') for volumes and env.
 */
export type PodRunner = (pod: KubeObject, get: (resource: string, namespace: string, name: string) => KubeObject | undefined) => PodProcess | undefined;

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

const R = {
  pods: '/pods',
  services: '/services',
  endpoints: '/endpoints',
  namespaces: '/namespaces',
  pvcs: '/persistentvolumeclaims',
  deployments: 'apps/deployments',
  replicasets: 'apps/replicasets',
  statefulsets: 'apps/statefulsets',
  daemonsets: 'apps/daemonsets',
  jobs: 'batch/jobs',
  cronjobs: 'batch/cronjobs',
  slices: 'discovery.k8s.io/endpointslices',
};

function resolveIntOrPercent(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.endsWith('%')) {
    const p = Number(v.slice(0, -1));
    const x = (p * total) / 100;
    return roundUp ? Math.ceil(x) : Math.floor(x);
  }
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return 0;
}

function isPodReady(p: KubeObject): boolean {
  return ((p.status as Obj | undefined)?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True');
}

/** The podFailurePolicy rule that matches a failed pod (batch/v1 semantics), with the Job controller's message. */
function podFailureAction(policy: Obj | undefined, p: KubeObject): { action: string; message: string } | undefined {
  const rules = (policy?.rules ?? []) as Obj[];
  const st = (p.status as Obj | undefined) ?? {};
  const statuses = (st.containerStatuses ?? []) as Obj[];
  for (const [i, r] of rules.entries()) {
    if (r.onExitCodes) {
      const e = r.onExitCodes as Obj;
      for (const cs of statuses) {
        const code = cs.state?.terminated?.exitCode;
        if (typeof code !== 'number' || code === 0 || (e.containerName && e.containerName !== cs.name)) continue;
        const inValues = (e.values ?? []).includes(code);
        if (e.operator === 'In' ? inValues : !inValues) {
          return { action: r.action, message: `Container ${cs.name} for pod ${p.metadata.namespace}/${p.metadata.name} failed with exit code ${code} matching ${r.action} rule at index ${i}` };
        }
      }
    } else if (r.onPodConditions) {
      const conds = (st.conditions ?? []) as Obj[];
      const m = (r.onPodConditions as Obj[]).find((pc) => conds.some((c) => c.type === pc.type && c.status === (pc.status ?? 'True')));
      if (m) return { action: r.action, message: `Pod ${p.metadata.namespace}/${p.metadata.name} has condition ${m.type} matching ${r.action} rule at index ${i}` };
    }
  }
  return undefined;
}

function controllerOf(o: KubeObject): OwnerReference | undefined {
  return (o.metadata.ownerReferences ?? []).find((r) => r.controller);
}

function ownerRef(owner: KubeObject): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

function cond(type: string, status: string, reason: string, message: string, prev?: Obj[], withUpdate = false): Obj {
  const old = (prev ?? []).find((c) => c.type === type);
  const t = now();
  const same = old && old.status === status;
  const unchanged = same && old.reason === reason && old.message === message;
  const c: Obj = { type, status };
  if (withUpdate) c.lastUpdateTime = unchanged ? old.lastUpdateTime : t;
  c.lastTransitionTime = same ? old.lastTransitionTime : t;
  c.reason = reason;
  c.message = message;
  return c;
}

export class Controllers {
  private queue = new Set<string>();
  private running = false;
  private watch?: Watch;
  private timers = new Set<NodeJS.Timeout>();
  private owners = new Map<string, Set<string>>(); // owner uid -> dependent keys
  private cronTimers = new Set<string>();
  private deadlineTimers = new Set<string>();
  private podIp = 2;
  private stopped = false;
  private readonly podStartMs: number;
  private readonly jobRunMs: number;
  private podRunner?: PodRunner;
  private processes = new Map<string, PodProcess>(); // pod uid -> running process
  private log: (line: string) => void;

  constructor(
    readonly cluster: Cluster,
    opts: ControllerOptions = {},
  ) {
    this.podStartMs = opts.podStartMs ?? 500;
    this.jobRunMs = opts.jobRunMs ?? 800;
    this.podRunner = opts.podRunner;
    this.log = opts.log ?? (() => {});
  }

  /** Sets (or with undefined removes) the local kubelet hook for pods started from now on. */
  setPodRunner(runner: PodRunner | undefined): void {
    this.podRunner = runner;
  }

  private rt(key: string): ResourceType {
    const [g, p] = key.split('/') as [string, string];
    return this.cluster.registry.get(g, p)!;
  }

  async start(): Promise<void> {
    await this.bootstrap();
    for (const res of this.cluster.store.resources()) {
      for (const o of this.cluster.store.iterate(res)) {
        this.indexOwners(res, o, undefined);
        this.enqueue(res, o);
      }
    }
    this.watch = this.cluster.store.watchAll((ev) => this.onEvent(ev));
  }

  stop(): void {
    this.stopped = true;
    this.watch?.stop();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const p of this.processes.values()) p.kill();
    this.processes.clear();
  }

  private later(ms: number, fn: () => void): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, ms);
    this.timers.add(t);
  }

  /** Namespaces and the node every cluster has. */
  private async bootstrap(): Promise<void> {
    const c = this.cluster;
    const nsR = this.rt(R.namespaces);
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      if (!c.store.getRaw(R.namespaces, '', name)) await c.create(nsR, undefined, { metadata: { name } }, { fieldManager: 'kube-apiserver' });
    }
    const nodeR = this.rt('/nodes');
    if (!c.store.getRaw('/nodes', '', NODE_NAME)) {
      const node = await c.create(nodeR, undefined, { metadata: { name: NODE_NAME, labels: { 'kubernetes.io/hostname': NODE_NAME, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'node-role.kubernetes.io/control-plane': '' } }, spec: { podCIDR: '10.244.0.0/24' } }, { fieldManager: 'kubelet' });
      const t = now();
      await c.writeStatus(nodeR, node, {
        capacity: { cpu: '8', memory: '32Gi', pods: '1000' },
        allocatable: { cpu: '8', memory: '32Gi', pods: '1000' },
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: t, lastTransitionTime: t }],
        addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: NODE_NAME }],
        nodeInfo: { kubeletVersion: 'v1.33.0', containerRuntimeVersion: 'rel-sandbox://1', operatingSystem: 'linux', architecture: 'amd64', osImage: 'rel sandbox', kernelVersion: '', kubeProxyVersion: '', machineID: '', systemUUID: '', bootID: '' },
      }, 'kubelet');
    }
  }

  // ---- Events (for kubectl describe / get events) ----

  private eventSeq = 0;

  /** Records a core/v1 Event about an object (written straight to the store: controllers' own bookkeeping). */
  private event(o: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, component = 'kube-controller-manager'): void {
    const ns = o.metadata.namespace ?? 'default';
    const t = now();
    // like the API server's event TTL: keep the newest events of a namespace only
    if (this.cluster.store.count('/events', ns) >= MAX_EVENTS_PER_NAMESPACE) {
      let oldest: KubeObject | undefined;
      for (const e of this.cluster.store.iterate('/events', ns)) if (!oldest || String(e.metadata.creationTimestamp) < String(oldest.metadata.creationTimestamp)) oldest = e;
      if (oldest) this.cluster.store.remove('/events', ns, oldest.metadata.name!);
    }
    const name = `${o.metadata.name}.${Date.now().toString(16)}${(this.eventSeq++ & 0xfff).toString(16).padStart(3, '0')}`;
    this.cluster.store.put('/events', {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: ns, uid: randomUUID(), creationTimestamp: t },
      involvedObject: { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion },
      reason,
      message,
      source: { component, ...(component === 'kubelet' ? { host: NODE_NAME } : {}) },
      firstTimestamp: t,
      lastTimestamp: t,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: component === 'kubelet' ? NODE_NAME : '',
    } as KubeObject);
  }

  // ---- event routing ----

  private key(res: string, ns: string, name: string): string {
    return `${res}|${ns}|${name}`;
  }

  private enqueue(res: string, o: KubeObject | { metadata: { namespace?: string; name?: string } }): void {
    this.queue.add(this.key(res, o.metadata.namespace ?? '', o.metadata.name!));
    if (!this.running) {
      this.running = true;
      setImmediate(() => void this.drain());
    }
  }

  private indexOwners(res: string, o: KubeObject, prev: KubeObject | undefined): void {
    const k = this.key(res, o.metadata.namespace ?? '', o.metadata.name!);
    for (const r of prev?.metadata.ownerReferences ?? []) this.owners.get(r.uid)?.delete(k);
    for (const r of o.metadata.ownerReferences ?? []) {
      let s = this.owners.get(r.uid);
      if (!s) this.owners.set(r.uid, (s = new Set()));
      s.add(k);
    }
  }

  private onEvent(ev: StoreEvent): void {
    if (this.stopped || ev.resource === '/events') return;
    const o = ev.object;
    const ns = o.metadata.namespace ?? '';
    if (ev.type === 'DELETED') {
      const k = this.key(ev.resource, ns, o.metadata.name!);
      for (const r of o.metadata.ownerReferences ?? []) this.owners.get(r.uid)?.delete(k);
      // garbage-collect dependents of the deleted object
      if (o.metadata.uid && this.owners.has(o.metadata.uid)) this.queue.add(`gc|${o.metadata.uid}`);
    } else {
      this.indexOwners(ev.resource, o, undefined);
    }
    this.enqueue(ev.resource, o);
    // owners of a changed object
    for (const r of o.metadata.ownerReferences ?? []) {
      const res = r.kind === 'ReplicaSet' ? R.replicasets : r.kind === 'Deployment' ? R.deployments : r.kind === 'StatefulSet' ? R.statefulsets : r.kind === 'DaemonSet' ? R.daemonsets : r.kind === 'Job' ? R.jobs : r.kind === 'CronJob' ? R.cronjobs : undefined;
      if (res) this.enqueue(res, { metadata: { namespace: ns, name: r.name } });
    }
    if (o.metadata.deletionTimestamp && o.metadata.uid) this.queue.add(`gc|${o.metadata.uid}`);
    if (ev.resource === R.pods) {
      // services selecting this pod
      for (const svc of this.cluster.store.iterate(R.services, ns)) {
        const sel = (svc.spec as Obj | undefined)?.selector;
        if (sel && matchesLabels(fromMap(sel), o.metadata.labels)) this.enqueue(R.services, svc);
      }
    }
    if (ev.resource !== R.namespaces && ns) {
      const nsObj = this.cluster.store.getRaw(R.namespaces, '', ns);
      if (nsObj?.metadata.deletionTimestamp) this.enqueue(R.namespaces, nsObj);
    }
  }

  private async drain(): Promise<void> {
    try {
      let rounds = 0;
      while (this.queue.size && !this.stopped) {
        const k = this.queue.values().next().value as string;
        this.queue.delete(k);
        try {
          await this.reconcile(k);
        } catch (e) {
          this.log(`controller error on ${k}: ${e instanceof Error ? e.message : String(e)}`);
        }
        if (++rounds % 50 === 0) await new Promise((r) => setImmediate(r));
      }
    } finally {
      this.running = false;
      if (this.queue.size && !this.stopped) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    }
  }

  private async reconcile(k: string): Promise<void> {
    if (k.startsWith('gc|')) return this.gcDependents(k.slice(3));
    const [res, ns, name] = k.split('|') as [string, string, string];
    const o = this.cluster.store.getRaw(res, ns, name);
    if (res === R.pods && this.processes.size) this.killGone(ns, name, o);
    if (o?.metadata.deletionTimestamp && res !== R.namespaces) {
      await this.finalize(res, o);
      if (res !== R.pods) return;
    }
    switch (res) {
      case R.deployments:
        return o ? this.deployment(o) : undefined;
      case R.replicasets:
        return o ? this.replicaSet(o) : undefined;
      case R.statefulsets:
        return o ? this.statefulSet(o) : undefined;
      case R.daemonsets:
        return o ? this.daemonSet(o) : undefined;
      case R.jobs:
        return o ? this.job(o) : undefined;
      case R.cronjobs:
        return o ? this.cronJob(o) : undefined;
      case R.pods:
        return o ? this.pod(o) : undefined;
      case R.services:
        return this.service(ns, name, o);
      case R.namespaces:
        return o ? this.namespace(o) : undefined;
      case R.pvcs:
        return o ? this.pvc(o) : undefined;
    }
  }

  // ---- garbage collection and finalizers ----

  private dependents(uid: string): { res: string; o: KubeObject }[] {
    const out: { res: string; o: KubeObject }[] = [];
    for (const k of this.owners.get(uid) ?? []) {
      const [res, ns, name] = k.split('|') as [string, string, string];
      const o = this.cluster.store.getRaw(res, ns, name);
      if (o && (o.metadata.ownerReferences ?? []).some((r) => r.uid === uid)) out.push({ res, o });
    }
    return out;
  }

  private ownerExists(r: OwnerReference, ns: string): boolean {
    const t = this.cluster.registry.byKind(r.apiVersion, r.kind);
    if (!t) return false;
    const o = this.cluster.store.getRaw(resourceKey(t), t.namespaced ? ns : '', r.name);
    return !!o && o.metadata.uid === r.uid && !(o.metadata.deletionTimestamp && !(o.metadata.finalizers ?? []).includes('foregroundDeletion'));
  }

  /** Deletes (background) dependents whose owners are all gone. */
  private async gcDependents(uid: string): Promise<void> {
    for (const { res, o } of this.dependents(uid)) {
      const ns = o.metadata.namespace ?? '';
      const refs = o.metadata.ownerReferences ?? [];
      const alive = refs.filter((r) => this.ownerExists(r, ns));
      if (alive.length === refs.length) continue;
      const t = this.rt(res);
      if (alive.length > 0) {
        await this.cluster.writeObject(t, { ...o, metadata: { ...o.metadata, ownerReferences: alive } }, 'kube-controller-manager');
        continue;
      }
      if (o.metadata.deletionTimestamp) continue;
      await this.cluster.delete(t, ns, o.metadata.name!, { propagationPolicy: 'Background' }).catch(() => undefined);
    }
  }

  /** Works an object's foregroundDeletion / orphan finalizers. */
  private async finalize(res: string, o: KubeObject): Promise<void> {
    const fins = o.metadata.finalizers ?? [];
    const t = this.rt(res);
    const uid = o.metadata.uid!;
    if (fins.includes('orphan')) {
      for (const d of this.dependents(uid)) {
        await this.cluster.writeObject(this.rt(d.res), { ...d.o, metadata: { ...d.o.metadata, ownerReferences: (d.o.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid) } });
      }
      await this.cluster.writeObject(t, { ...o, metadata: { ...o.metadata, finalizers: fins.filter((f) => f !== 'orphan') } });
      return;
    }
    if (fins.includes('foregroundDeletion')) {
      const deps = this.dependents(uid);
      for (const d of deps) {
        if (!d.o.metadata.deletionTimestamp) await this.cluster.delete(this.rt(d.res), d.o.metadata.namespace, d.o.metadata.name!, { propagationPolicy: 'Foreground' }).catch(() => undefined);
      }
      if (this.dependents(uid).length === 0) {
        await this.cluster.writeObject(t, { ...o, metadata: { ...o.metadata, finalizers: fins.filter((f) => f !== 'foregroundDeletion') } });
      }
    }
  }

  // ---- namespaces, PVCs ----

  private async namespace(o: KubeObject): Promise<void> {
    const c = this.cluster;
    const name = o.metadata.name!;
    if (!o.metadata.deletionTimestamp) {
      if (!c.store.getRaw('/serviceaccounts', name, 'default')) {
        await c.create(this.rt('/serviceaccounts'), name, { metadata: { name: 'default' } }, { fieldManager: MANAGER }).catch(() => undefined);
      }
      if (!c.store.getRaw('/configmaps', name, 'kube-root-ca.crt')) {
        await c.create(this.rt('/configmaps'), name, { metadata: { name: 'kube-root-ca.crt', annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' } }, data: { 'ca.crt': '-----BEGIN CERTIFICATE-----\nrel-sandbox\n-----END CERTIFICATE-----\n' } }, { fieldManager: MANAGER }).catch(() => undefined);
      }
      return;
    }
    // terminating: delete everything in it, then drop the `kubernetes` finalizer
    let left = 0;
    for (const t of c.registry.all()) {
      if (!t.namespaced) continue;
      const key = resourceKey(t);
      for (const x of [...c.store.iterate(key, name)]) {
        left++;
        if (!x.metadata.deletionTimestamp) await c.delete(t, name, x.metadata.name!, { propagationPolicy: 'Background' }).catch(() => undefined);
      }
    }
    if (left > 0) {
      // check again soon (objects with finalizers may take a moment)
      this.later(200, () => this.enqueue(R.namespaces, o));
      return;
    }
    const spec = (o.spec as Obj | undefined) ?? {};
    const nsR = this.rt(R.namespaces);
    const next = structuredClone(o);
    next.spec = { ...spec, finalizers: [] };
    next.metadata.finalizers = (o.metadata.finalizers ?? []).filter((f) => f !== 'kubernetes');
    if (!next.metadata.finalizers.length) {
      c.store.remove(R.namespaces, '', name);
      return;
    }
    await c.writeObject(nsR, next);
  }

  private async pvc(o: KubeObject): Promise<void> {
    const st = o.status as Obj | undefined;
    if (st?.phase === 'Bound') return;
    const spec = o.spec as Obj;
    const volName = `pvc-${o.metadata.uid}`;
    const t = this.rt(R.pvcs);
    const next = structuredClone(o);
    (next.spec as Obj).volumeName = volName;
    if (!(next.spec as Obj).storageClassName) (next.spec as Obj).storageClassName = 'standard';
    next.metadata.annotations = { ...(next.metadata.annotations ?? {}), 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' };
    const written = await this.cluster.writeObject(t, next);
    if (written) await this.cluster.writeStatus(t, written, { phase: 'Bound', accessModes: spec.accessModes ?? ['ReadWriteOnce'], capacity: spec.resources?.requests ?? { storage: '1Gi' } });
  }

  // ---- pods ----

  /** Stops the process of a pod that was deleted (or is being deleted). */
  private killGone(ns: string, name: string, o: KubeObject | undefined): void {
    for (const [uid, p] of this.processes) {
      const [pns, pname] = uid.split('|', 3).slice(1) as [string, string];
      if (pns !== ns || pname !== name) continue;
      if (o && !o.metadata.deletionTimestamp && o.metadata.uid === uid.split('|')[0]) continue;
      this.processes.delete(uid);
      p.kill();
    }
  }

  /** Runs a pod through the local kubelet hook; true when the hook took it. */
  private async runPod(o: KubeObject, running: (status: Obj) => Promise<void>): Promise<boolean> {
    if (!this.podRunner) return false;
    let proc: PodProcess | undefined;
    try {
      proc = this.podRunner(o, (res, ns, n) => this.cluster.store.getRaw(res, ns, n));
    } catch (e) {
      this.log(`pod runner failed for ${o.metadata.namespace}/${o.metadata.name}: ${e instanceof Error ? e.message : e}`);
      return false;
    }
    if (!proc) return false;
    const ns = o.metadata.namespace!;
    const name = o.metadata.name!;
    const uid = o.metadata.uid!;
    this.processes.set(`${uid}|${ns}|${name}`, proc);
    await running({});
    void proc.exited.then(
      (r) => {
        this.processes.delete(`${uid}|${ns}|${name}`);
        return this.completePod(ns, name, uid, r.exitCode, r.message);
      },
      (e) => this.log(String(e)),
    ).catch((e) => this.log(String(e)));
    return true;
  }

  private async pod(o: KubeObject): Promise<void> {
    const c = this.cluster;
    const t = this.rt(R.pods);
    if (o.metadata.deletionTimestamp) return;
    const spec = o.spec as Obj;
    const st = (o.status as Obj | undefined) ?? {};
    if (!spec.nodeName) {
      const next = structuredClone(o);
      (next.spec as Obj).nodeName = NODE_NAME;
      const w = await c.writeObject(t, next, 'kube-scheduler');
      if (w) {
        await c.writeStatus(t, w, { ...st, phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now() }] }, 'kube-scheduler');
        this.event(w, 'Normal', 'Scheduled', `Successfully assigned ${w.metadata.namespace}/${w.metadata.name} to ${NODE_NAME}`, 'default-scheduler');
        const uid = w.metadata.uid;
        this.later(this.podStartMs, () => void this.startPod(o.metadata.namespace!, o.metadata.name!, uid!).catch((e) => this.log(String(e))));
      }
      return;
    }
    if (!st.startTime && st.phase === 'Pending' && !(st.conditions ?? []).some((x: Obj) => x.type === 'PodScheduled')) {
      // restored without status progress: start again
      const uid = o.metadata.uid;
      this.later(this.podStartMs, () => void this.startPod(o.metadata.namespace!, o.metadata.name!, uid!).catch((e) => this.log(String(e))));
    }
  }

  private async startPod(ns: string, name: string, uid: string): Promise<void> {
    const c = this.cluster;
    const t = this.rt(R.pods);
    const o = c.store.getRaw(R.pods, ns, name);
    if (!o || o.metadata.uid !== uid || o.metadata.deletionTimestamp) return;
    const spec = o.spec as Obj;
    const fail = o.metadata.annotations?.[FAIL_ANNOTATION];
    const t0 = now();
    const ip = `10.244.${(this.podIp >> 8) & 255}.${this.podIp++ & 255}`;
    const containers = (spec.containers ?? []) as Obj[];
    const runOnce = spec.restartPolicy === 'Never' || spec.restartPolicy === 'OnFailure';
    const base = { hostIP: '127.0.0.1', hostIPs: [{ ip: '127.0.0.1' }], podIP: ip, podIPs: [{ ip }], startTime: t0, qosClass: 'BestEffort' };
    const condsFor = (ready: boolean, reason?: string, message?: string) => {
      const notReady = reason ? { reason, message } : {};
      return [
        { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: t0 },
        { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: t0 },
        { type: 'Ready', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: t0, ...(ready ? {} : notReady) },
        { type: 'ContainersReady', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: t0, ...(ready ? {} : notReady) },
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: o.metadata.creationTimestamp },
      ];
    };
    const cs = (state: Obj, ready: boolean, extra: Obj = {}) =>
      containers.map((k) => ({ name: k.name, image: k.image, imageID: `${k.image}@sha256:${'0'.repeat(64)}`, containerID: `sandbox://${uid.slice(0, 8)}-${k.name}`, ready, started: ready || !!state.running, restartCount: 0, state, lastState: {}, ...extra }));
    if (!fail && (await this.runPod(o, async () => {
      await c.writeStatus(t, o, { ...base, phase: 'Running', conditions: condsFor(true), containerStatuses: cs({ running: { startedAt: t0 } }, true) }, 'kubelet');
      for (const k of containers) {
        this.event(o, 'Normal', 'Pulled', `Container image "${k.image}" already present on machine`, 'kubelet');
        this.event(o, 'Normal', 'Started', `Started container ${k.name} (local kubelet)`, 'kubelet');
      }
    }))) return;
    let status: Obj;
    if (fail === 'image-pull') {
      status = {
        ...base,
        phase: 'Pending',
        conditions: condsFor(false, 'ContainersNotReady', `containers with unready status: [${containers.map((k) => k.name).join(' ')}]`),
        containerStatuses: containers.map((k) => ({ name: k.name, image: k.image, imageID: '', ready: false, started: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${k.image}": ErrImagePull: failed to pull and unpack image "${k.image}" (sandbox.rel.dev/fail: image-pull)` } }, lastState: {} })),
      };
    } else if (fail === 'crash') {
      if (runOnce) {
        status = { ...base, phase: 'Failed', conditions: condsFor(false, 'PodFailed', ''), containerStatuses: cs({ terminated: { exitCode: 1, reason: 'Error', startedAt: t0, finishedAt: t0 } }, false) };
      } else {
        status = {
          ...base,
          phase: 'Running',
          conditions: condsFor(false, 'ContainersNotReady', `containers with unready status: [${containers.map((k) => k.name).join(' ')}]`),
          containerStatuses: cs({ waiting: { reason: 'CrashLoopBackOff', message: `back-off 10s restarting failed container (sandbox.rel.dev/fail: crash)` } }, false, { restartCount: 1, lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: t0, finishedAt: t0 } } }),
        };
      }
    } else if (fail === 'unready') {
      status = { ...base, phase: 'Running', conditions: condsFor(false, 'ContainersNotReady', `containers with unready status: [${containers.map((k) => k.name).join(' ')}]`), containerStatuses: cs({ running: { startedAt: t0 } }, false, { started: true }) };
    } else {
      status = { ...base, phase: 'Running', conditions: condsFor(true), containerStatuses: cs({ running: { startedAt: t0 } }, true) };
    }
    await c.writeStatus(t, o, status, 'kubelet');
    for (const k of containers) {
      if (fail === 'image-pull') {
        this.event(o, 'Warning', 'Failed', `Failed to pull image "${k.image}": rpc error: code = NotFound (sandbox.rel.dev/fail: image-pull)`, 'kubelet');
        this.event(o, 'Warning', 'Failed', 'Error: ImagePullBackOff', 'kubelet');
        continue;
      }
      this.event(o, 'Normal', 'Pulled', `Container image "${k.image}" already present on machine`, 'kubelet');
      this.event(o, 'Normal', 'Created', `Created container: ${k.name}`, 'kubelet');
      this.event(o, 'Normal', 'Started', `Started container ${k.name}`, 'kubelet');
      if (fail === 'crash') this.event(o, 'Warning', 'BackOff', `Back-off restarting failed container ${k.name} in pod ${o.metadata.name}_${o.metadata.namespace}(${uid}) (sandbox.rel.dev/fail: crash)`, 'kubelet');
      if (fail === 'unready') this.event(o, 'Warning', 'Unhealthy', `Readiness probe failed: sandbox.rel.dev/fail: unready`, 'kubelet');
    }
    if (runOnce && fail !== 'image-pull' && fail !== 'crash' && fail !== 'unready') {
      this.later(this.jobRunMs, () => void this.completePod(ns, name, uid).catch((e) => this.log(String(e))));
    }
  }

  private async completePod(ns: string, name: string, uid: string, exitCode = 0, message?: string): Promise<void> {
    const o = this.cluster.store.getRaw(R.pods, ns, name);
    if (!o || o.metadata.uid !== uid || o.metadata.deletionTimestamp) return;
    const st = structuredClone(o.status as Obj);
    const t1 = now();
    st.phase = exitCode === 0 ? 'Succeeded' : 'Failed';
    const reason = exitCode === 0 ? 'PodCompleted' : 'PodFailed';
    st.conditions = (st.conditions ?? []).map((x: Obj) => (x.type === 'Ready' || x.type === 'ContainersReady' ? { ...x, status: 'False', reason, lastTransitionTime: t1 } : x));
    const term = (x: Obj) => ({ exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', ...(message ? { message } : {}), startedAt: x.state?.running?.startedAt ?? t1, finishedAt: t1 });
    st.containerStatuses = (st.containerStatuses ?? []).map((x: Obj) => ({ ...x, ready: false, started: false, state: { terminated: term(x) } }));
    await this.cluster.writeStatus(this.rt(R.pods), o, st, 'kubelet');
  }

  private podsOf(owner: KubeObject): KubeObject[] {
    return this.dependents(owner.metadata.uid!)
      .filter((d) => d.res === R.pods && controllerOf(d.o)?.uid === owner.metadata.uid)
      .map((d) => d.o);
  }

  private async createPod(owner: KubeObject, template: Obj, name: string | undefined, extraLabels: Record<string, string> = {}): Promise<void> {
    const md = template.metadata ?? {};
    const body = {
      metadata: {
        ...(name ? { name } : { generateName: `${owner.metadata.name}-` }),
        labels: { ...(md.labels ?? {}), ...extraLabels },
        ...(md.annotations ? { annotations: md.annotations } : {}),
        ownerReferences: [ownerRef(owner)],
      },
      spec: structuredClone(template.spec ?? {}),
    };
    const pod = await this.cluster.create(this.rt(R.pods), owner.metadata.namespace, body, { fieldManager: MANAGER });
    this.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, `${owner.kind.toLowerCase()}-controller`);
  }

  private async deletePod(p: KubeObject, owner?: KubeObject): Promise<void> {
    const gone = await this.cluster.delete(this.rt(R.pods), p.metadata.namespace, p.metadata.name!, {}).catch(() => undefined);
    if (gone && owner) this.event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, `${owner.kind.toLowerCase()}-controller`);
  }

  // ---- ReplicaSets ----

  private async replicaSet(rs: KubeObject): Promise<void> {
    const spec = rs.spec as Obj;
    const want = spec.replicas ?? 1;
    const pods = this.podsOf(rs).filter((p) => !p.metadata.deletionTimestamp && !['Failed', 'Succeeded'].includes((p.status as Obj | undefined)?.phase));
    if (pods.length < want) {
      const hash = rs.metadata.labels?.['pod-template-hash'];
      for (let i = pods.length; i < want; i++) await this.createPod(rs, spec.template ?? {}, undefined, hash ? { 'pod-template-hash': hash } : {});
    } else if (pods.length > want) {
      const order = [...pods].sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)) || String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)));
      for (const p of order.slice(0, pods.length - want)) await this.deletePod(p, rs);
    }
    const live = this.podsOf(rs).filter((p) => !p.metadata.deletionTimestamp);
    const ready = live.filter(isPodReady).length;
    const minReady = spec.minReadySeconds ?? 0;
    const available = live.filter((p) => {
      if (!isPodReady(p)) return false;
      if (!minReady) return true;
      const rc = ((p.status as Obj).conditions as Obj[]).find((x) => x.type === 'Ready');
      const since = Date.parse(rc?.lastTransitionTime ?? '') || 0;
      const ok = Date.now() - since >= minReady * 1000;
      if (!ok) this.later(since + minReady * 1000 - Date.now() + 50, () => this.enqueue(R.replicasets, rs));
      return ok;
    }).length;
    const status: Obj = { replicas: live.length, fullyLabeledReplicas: live.length, readyReplicas: ready, availableReplicas: available, observedGeneration: rs.metadata.generation };
    if (!ready) delete status.readyReplicas;
    if (!available) delete status.availableReplicas;
    if (!live.length) delete status.fullyLabeledReplicas;
    await this.cluster.writeStatus(this.rt(R.replicasets), rs, status);
  }

  // ---- Deployments ----

  private async deployment(d: KubeObject): Promise<void> {
    const c = this.cluster;
    const spec = d.spec as Obj;
    const desired: number = spec.replicas ?? 1;
    const ns = d.metadata.namespace!;
    const rsT = this.rt(R.replicasets);
    const all = this.dependents(d.metadata.uid!)
      .filter((x) => x.res === R.replicasets && controllerOf(x.o)?.uid === d.metadata.uid)
      .map((x) => x.o);
    const hash = templateHash(spec.template);
    const rev = (o: KubeObject) => Number(o.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
    const wanted = stableStringify(spec.template ?? {});
    const withoutHash = (r: KubeObject) => {
      const tpl = structuredClone(((r.spec as Obj).template ?? {}) as Obj);
      if (tpl.metadata?.labels) {
        delete tpl.metadata.labels['pod-template-hash'];
        if (!Object.keys(tpl.metadata.labels).length) delete tpl.metadata.labels;
      }
      return stableStringify(tpl);
    };
    let newRS = all.find((r) => withoutHash(r) === wanted) ?? all.find((r) => r.metadata.labels?.['pod-template-hash'] === hash);
    const olds = all.filter((r) => r !== newRS);
    const maxOldRev = Math.max(0, ...olds.map(rev));
    const strategy = spec.strategy ?? { type: 'RollingUpdate' };
    let maxSurge = 0;
    let maxUnavailable = 0;
    if (strategy.type !== 'Recreate') {
      maxSurge = resolveIntOrPercent(strategy.rollingUpdate?.maxSurge ?? '25%', desired, true);
      maxUnavailable = resolveIntOrPercent(strategy.rollingUpdate?.maxUnavailable ?? '25%', desired, false);
      if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    }
    const replicasOf = (r: KubeObject) => ((r.spec as Obj).replicas as number) ?? 0;
    const availOf = (r: KubeObject) => ((r.status as Obj | undefined)?.availableReplicas as number) ?? 0;
    const annotations = (r: number): Record<string, string> => ({ 'deployment.kubernetes.io/revision': String(r), 'deployment.kubernetes.io/desired-replicas': String(desired), 'deployment.kubernetes.io/max-replicas': String(desired + maxSurge) });
    let createdNew = false;
    if (!newRS && !spec.paused) {
      const template = structuredClone(spec.template ?? {});
      template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), 'pod-template-hash': hash } };
      const selector = structuredClone(spec.selector ?? {});
      selector.matchLabels = { ...(selector.matchLabels ?? {}), 'pod-template-hash': hash };
      let initial = 0;
      if (strategy.type === 'Recreate') initial = olds.every((r) => replicasOf(r) === 0 && !this.podsOf(r).length) ? desired : 0;
      else {
        const total = all.reduce((n, r) => n + replicasOf(r), 0);
        initial = olds.length === 0 ? desired : Math.max(0, Math.min(desired, desired + maxSurge - total));
      }
      const created = await c.create(rsT, ns, {
        metadata: { name: `${d.metadata.name}-${hash}`, labels: template.metadata.labels, annotations: annotations(maxOldRev + 1), ownerReferences: [ownerRef(d)] },
        spec: { replicas: initial, minReadySeconds: spec.minReadySeconds ?? 0, selector, template },
      }, { fieldManager: MANAGER }).catch((e) => {
        this.log(`cannot create ReplicaSet for ${ns}/${d.metadata.name}: ${e instanceof Error ? e.message : e}`);
        return undefined;
      });
      if (!created) return;
      newRS = c.store.getRaw(R.replicasets, ns, created.metadata.name!)!;
      createdNew = true;
      if (initial > 0) this.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${initial}`, 'deployment-controller');
    } else if (newRS && rev(newRS) <= maxOldRev) {
      // rollback to an older template: it becomes the newest revision
      newRS = (await c.writeObject(rsT, { ...newRS, metadata: { ...newRS.metadata, annotations: { ...(newRS.metadata.annotations ?? {}), ...annotations(maxOldRev + 1) } } })) ?? newRS;
      newRS = c.store.getRaw(R.replicasets, ns, newRS.metadata.name!) ?? newRS;
    }
    if (!newRS) return;
    const setReplicas = async (r: KubeObject, n: number) => {
      if (replicasOf(r) === n) return;
      const cur = c.store.getRaw(R.replicasets, ns, r.metadata.name!);
      if (!cur) return;
      const from = replicasOf(cur);
      this.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${n > from ? 'up' : 'down'} replica set ${cur.metadata.name} from ${from} to ${n}`, 'deployment-controller');
      await c.writeObject(rsT, { ...cur, metadata: { ...cur.metadata, annotations: { ...(cur.metadata.annotations ?? {}), 'deployment.kubernetes.io/desired-replicas': String(desired), 'deployment.kubernetes.io/max-replicas': String(desired + maxSurge) } }, spec: { ...(cur.spec as Obj), replicas: n } });
    };
    if (!spec.paused) {
      if (strategy.type === 'Recreate') {
        for (const r of olds) await setReplicas(r, 0);
        const oldPods = olds.reduce((n, r) => n + this.podsOf(r).length, 0);
        if (oldPods === 0) await setReplicas(newRS, desired);
      } else {
        // scale up the new ReplicaSet within maxSurge
        const total = all.concat(createdNew ? [] : []).reduce((n, r) => n + (r === newRS ? 0 : replicasOf(r)), 0) + replicasOf(newRS);
        const newReplicas = replicasOf(newRS);
        if (newReplicas > desired) await setReplicas(newRS, desired);
        else if (newReplicas < desired) {
          const up = Math.min(desired + maxSurge - total, desired - newReplicas);
          if (up > 0) await setReplicas(newRS, newReplicas + up);
        }
        // scale down old ReplicaSets within maxUnavailable
        const freshNew = c.store.getRaw(R.replicasets, ns, newRS.metadata.name!) ?? newRS;
        const allNow = [freshNew, ...olds.map((r) => c.store.getRaw(R.replicasets, ns, r.metadata.name!) ?? r)];
        const allPods = allNow.reduce((n, r) => n + replicasOf(r), 0);
        const minAvailable = desired - maxUnavailable;
        const newUnavailable = replicasOf(freshNew) - availOf(freshNew);
        let budget = allPods - minAvailable - newUnavailable;
        const oldSorted = allNow.slice(1).filter((r) => replicasOf(r) > 0).sort((a, b) => rev(a) - rev(b));
        // unhealthy old replicas go first, without touching the budget
        for (const r of oldSorted) {
          const unhealthy = replicasOf(r) - availOf(r);
          if (unhealthy > 0) await setReplicas(r, replicasOf(r) - unhealthy);
        }
        for (const r0 of oldSorted) {
          if (budget <= 0) break;
          const r = c.store.getRaw(R.replicasets, ns, r0.metadata.name!) ?? r0;
          const down = Math.min(replicasOf(r), budget);
          if (down > 0) {
            await setReplicas(r, replicasOf(r) - down);
            budget -= down;
          }
        }
      }
    }
    // history limit
    const limit = spec.revisionHistoryLimit ?? 10;
    const deadOld = olds.filter((r) => replicasOf(c.store.getRaw(R.replicasets, ns, r.metadata.name!) ?? r) === 0 && !this.podsOf(r).length).sort((a, b) => rev(a) - rev(b));
    for (const r of deadOld.slice(0, Math.max(0, deadOld.length - limit))) await c.delete(rsT, ns, r.metadata.name!, {}).catch(() => undefined);

    // status
    const rsNow = [newRS, ...olds].map((r) => c.store.getRaw(R.replicasets, ns, r.metadata.name!)).filter((r): r is KubeObject => !!r);
    const st = (r: KubeObject, f: string) => ((r.status as Obj | undefined)?.[f] as number) ?? 0;
    const newNow = rsNow[0]!;
    const replicas = rsNow.reduce((n, r) => n + st(r, 'replicas'), 0);
    const updated = newNow.metadata.name === newRS.metadata.name ? st(newNow, 'replicas') : 0;
    const ready = rsNow.reduce((n, r) => n + st(r, 'readyReplicas'), 0);
    const available = rsNow.reduce((n, r) => n + st(r, 'availableReplicas'), 0);
    const prevConds = ((d.status as Obj | undefined)?.conditions ?? []) as Obj[];
    const rsName = newRS.metadata.name;
    const availableCond = available >= desired - maxUnavailable ? cond('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', prevConds, true) : cond('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', prevConds, true);
    const complete = updated === desired && replicas === desired && available === desired;
    const prevProg = prevConds.find((x) => x.type === 'Progressing');
    let progCond: Obj;
    if (complete) progCond = cond('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${rsName}" has successfully progressed.`, prevConds, true);
    else if (spec.paused) progCond = cond('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused', prevConds, true);
    else {
      const deadline = (spec.progressDeadlineSeconds ?? 600) * 1000;
      const prevStatus = d.status as Obj | undefined;
      const progressed = createdNew || !prevStatus || prevStatus.updatedReplicas !== updated || prevStatus.availableReplicas !== available || prevStatus.readyReplicas !== ready || prevStatus.replicas !== replicas || prevStatus.observedGeneration !== d.metadata.generation;
      const lastUpdate = Date.parse(prevProg?.lastUpdateTime ?? '') || Date.now();
      if (prevProg?.reason === 'ProgressDeadlineExceeded' && !progressed) progCond = prevProg;
      else if (!progressed && prevProg && prevProg.reason !== 'NewReplicaSetAvailable' && Date.now() - lastUpdate >= deadline) {
        progCond = cond('Progressing', 'False', 'ProgressDeadlineExceeded', `ReplicaSet "${rsName}" has timed out progressing.`, prevConds, true);
      } else if (progressed || !prevProg || prevProg.reason === 'NewReplicaSetAvailable') {
        const t = now();
        progCond = createdNew
          ? { type: 'Progressing', status: 'True', lastUpdateTime: t, lastTransitionTime: t, reason: 'NewReplicaSetCreated', message: `Created new replica set "${rsName}"` }
          : { type: 'Progressing', status: 'True', lastUpdateTime: t, lastTransitionTime: t, reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rsName}" is progressing.` };
        if (prevProg && prevProg.status === 'True') progCond.lastTransitionTime = prevProg.lastTransitionTime;
        this.later(deadline + 100, () => this.enqueue(R.deployments, d));
      } else progCond = prevProg;
    }
    const status: Obj = { observedGeneration: d.metadata.generation, replicas, updatedReplicas: updated, readyReplicas: ready, availableReplicas: available, unavailableReplicas: Math.max(0, Math.max(desired, replicas) - available), conditions: [availableCond, progCond] };
    for (const f of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas']) if (status[f] === 0) delete status[f];
    // keep the condition order stable when nothing changed
    await c.writeStatus(this.rt(R.deployments), d, status);
  }

  // ---- StatefulSets ----

  private async statefulSet(s: KubeObject): Promise<void> {
    const c = this.cluster;
    const spec = s.spec as Obj;
    const want: number = spec.replicas ?? 1;
    const ns = s.metadata.namespace!;
    const name = s.metadata.name!;
    const rev = `${name}-${templateHash(spec.template)}`;
    const pods = this.podsOf(s);
    const byIndex = new Map<number, KubeObject>();
    for (const p of pods) {
      const m = /-(\d+)$/.exec(p.metadata.name!);
      if (m) byIndex.set(Number(m[1]), p);
    }
    const parallel = spec.podManagementPolicy === 'Parallel';
    // PVCs from volumeClaimTemplates
    const claimTemplates = (spec.volumeClaimTemplates ?? []) as Obj[];
    for (let i = 0; i < want; i++) {
      for (const ct of claimTemplates) {
        const pvcName = `${ct.metadata?.name}-${name}-${i}`;
        if (!c.store.getRaw(R.pvcs, ns, pvcName)) {
          await c.create(this.rt(R.pvcs), ns, { metadata: { name: pvcName, labels: { ...(spec.selector?.matchLabels ?? {}) } }, spec: structuredClone(ct.spec ?? {}) }, { fieldManager: MANAGER }).catch(() => undefined);
        }
      }
    }
    for (let i = 0; i < want; i++) {
      const p = byIndex.get(i);
      if (!p) {
        const template = structuredClone(spec.template ?? {});
        template.spec = template.spec ?? {};
        if (claimTemplates.length) {
          template.spec.volumes = [...(template.spec.volumes ?? []), ...claimTemplates.map((ct) => ({ name: ct.metadata?.name, persistentVolumeClaim: { claimName: `${ct.metadata?.name}-${name}-${i}` } }))];
        }
        template.spec.hostname = `${name}-${i}`;
        if (spec.serviceName) template.spec.subdomain = spec.serviceName;
        await this.createPod(s, template, `${name}-${i}`, { 'controller-revision-hash': rev, 'statefulset.kubernetes.io/pod-name': `${name}-${i}`, 'apps.kubernetes.io/pod-index': String(i) });
        if (!parallel) break;
        continue;
      }
      if (!parallel && !isPodReady(p)) break;
    }
    for (const [i, p] of byIndex) if (i >= want && !p.metadata.deletionTimestamp) await this.deletePod(p);
    // rolling update from the highest ordinal, one at a time when all are ready
    const live = this.podsOf(s).filter((p) => !p.metadata.deletionTimestamp);
    const partition = spec.updateStrategy?.rollingUpdate?.partition ?? 0;
    if (spec.updateStrategy?.type !== 'OnDelete' && live.length === want && live.every(isPodReady)) {
      const stale = live
        .filter((p) => p.metadata.labels?.['controller-revision-hash'] !== rev && Number(/-(\d+)$/.exec(p.metadata.name!)?.[1] ?? 0) >= partition)
        .sort((a, b) => b.metadata.name!.localeCompare(a.metadata.name!, undefined, { numeric: true }));
      if (stale[0]) await this.deletePod(stale[0]);
    }
    const now2 = this.podsOf(s).filter((p) => !p.metadata.deletionTimestamp);
    const updated = now2.filter((p) => p.metadata.labels?.['controller-revision-hash'] === rev).length;
    const ready = now2.filter(isPodReady).length;
    const prev = (s.status as Obj | undefined) ?? {};
    const done = updated === want && now2.length === want;
    const status: Obj = {
      observedGeneration: s.metadata.generation,
      replicas: now2.length,
      readyReplicas: ready,
      currentReplicas: done ? updated : now2.length - updated,
      updatedReplicas: updated,
      availableReplicas: ready,
      currentRevision: done ? rev : (prev.currentRevision ?? rev),
      updateRevision: rev,
      collisionCount: 0,
    };
    for (const f of ['readyReplicas', 'currentReplicas', 'updatedReplicas']) if (status[f] === 0) delete status[f];
    await c.writeStatus(this.rt(R.statefulsets), s, status);
  }

  // ---- DaemonSets (one node) ----

  private async daemonSet(ds: KubeObject): Promise<void> {
    const spec = ds.spec as Obj;
    const hash = templateHash(spec.template);
    const pods = this.podsOf(ds).filter((p) => !p.metadata.deletionTimestamp);
    const stale = pods.filter((p) => p.metadata.labels?.['controller-revision-hash'] !== hash);
    if (pods.length === 0) {
      const template = structuredClone(spec.template ?? {});
      await this.createPod(ds, template, undefined, { 'controller-revision-hash': hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) });
    } else {
      for (const p of stale) await this.deletePod(p);
      for (const p of pods.filter((x) => !stale.includes(x)).slice(1)) await this.deletePod(p);
    }
    const live = this.podsOf(ds).filter((p) => !p.metadata.deletionTimestamp);
    const ready = live.filter(isPodReady).length;
    const updated = live.filter((p) => p.metadata.labels?.['controller-revision-hash'] === hash).length;
    await this.cluster.writeStatus(this.rt(R.daemonsets), ds, {
      currentNumberScheduled: live.length,
      desiredNumberScheduled: 1,
      numberMisscheduled: 0,
      numberReady: ready,
      numberAvailable: ready,
      ...(ready < 1 ? { numberUnavailable: 1 } : {}),
      updatedNumberScheduled: updated,
      observedGeneration: ds.metadata.generation,
    });
  }

  // ---- Jobs ----

  private async job(j: KubeObject): Promise<void> {
    const spec = j.spec as Obj;
    const prev = (j.status as Obj | undefined) ?? {};
    const conds = (prev.conditions ?? []) as Obj[];
    const finished = conds.some((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
    const pods = this.podsOf(j);
    const phase = (p: KubeObject) => (p.status as Obj | undefined)?.phase;
    const succeeded = pods.filter((p) => phase(p) === 'Succeeded').length;
    const failed = pods.filter((p) => phase(p) === 'Failed').length;
    const active = pods.filter((p) => !['Succeeded', 'Failed'].includes(phase(p)) && !p.metadata.deletionTimestamp);
    const completions: number = spec.completions ?? 1;
    const parallelism: number = spec.parallelism ?? 1;
    const t = now();
    // A suspended Job has not started (its activeDeadlineSeconds counts from the resume).
    const status: Obj = { ...prev, startTime: spec.suspend && !finished ? undefined : (prev.startTime ?? t), uncountedTerminatedPods: {} };
    const failJob = (reason: string, message: string) => [
      { type: 'FailureTarget', status: 'True', reason, message, lastProbeTime: t, lastTransitionTime: t },
      { type: 'Failed', status: 'True', reason, message, lastProbeTime: t, lastTransitionTime: t },
    ];
    // podFailurePolicy: the first matching rule of each failed pod decides (FailJob, Ignore, Count).
    let counted = failed;
    let policyFailure: string | undefined;
    for (const p of pods.filter((x) => phase(x) === 'Failed')) {
      const action = podFailureAction(spec.podFailurePolicy, p);
      if (action?.action === 'Ignore') counted--;
      else if (action?.action === 'FailJob' && !policyFailure) policyFailure = action.message;
    }
    const deadlineMs = typeof spec.activeDeadlineSeconds === 'number' && !spec.suspend ? Date.parse(status.startTime) + spec.activeDeadlineSeconds * 1000 : undefined;
    if (!finished && !spec.suspend && policyFailure) {
      for (const p of active) await this.deletePod(p);
      this.event(j, 'Warning', 'PodFailurePolicy', policyFailure, 'job-controller');
      status.conditions = failJob('PodFailurePolicy', policyFailure);
    } else if (!finished && deadlineMs !== undefined && Date.now() >= deadlineMs && succeeded < completions) {
      for (const p of active) await this.deletePod(p);
      this.event(j, 'Warning', 'DeadlineExceeded', 'Job was active longer than specified deadline', 'job-controller');
      status.conditions = failJob('DeadlineExceeded', 'Job was active longer than specified deadline');
    } else if (!finished && !spec.suspend) {
      if (deadlineMs !== undefined && !this.deadlineTimers.has(j.metadata.uid!)) {
        // at most an hour ahead (setTimeout's range); the reconcile then schedules the next check
        const uid = j.metadata.uid!;
        this.deadlineTimers.add(uid);
        this.later(Math.min(3_600_000, Math.max(0, deadlineMs - Date.now()) + 50), () => {
          this.deadlineTimers.delete(uid);
          this.enqueue(R.jobs, j);
        });
      }
      if (counted > (spec.backoffLimit ?? 6)) {
        for (const p of active) await this.deletePod(p);
        this.event(j, 'Warning', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', 'job-controller');
        status.conditions = [
          { type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', lastProbeTime: t, lastTransitionTime: t },
          { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', lastProbeTime: t, lastTransitionTime: t },
        ];
      } else if (succeeded >= completions) {
        this.event(j, 'Normal', 'Completed', 'Job completed', 'job-controller');
        status.conditions = [
          { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: t, lastTransitionTime: t },
          { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: t, lastTransitionTime: t },
        ];
        status.completionTime = t;
      } else {
        const need = Math.min(parallelism, completions - succeeded) - active.length;
        for (let i = 0; i < need; i++) await this.createPod(j, spec.template ?? {}, undefined);
      }
    }
    // ttlSecondsAfterFinished: the TTL-after-finished controller deletes the Job (its pods and dependents follow).
    const doneCond = ((status.conditions ?? []) as Obj[]).find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
    if (doneCond && typeof spec.ttlSecondsAfterFinished === 'number' && !j.metadata.deletionTimestamp) {
      const at = Date.parse(doneCond.lastTransitionTime ?? t) + spec.ttlSecondsAfterFinished * 1000;
      if (Date.now() >= at) {
        await this.cluster.delete(this.rt(R.jobs), j.metadata.namespace, j.metadata.name!, { propagationPolicy: 'Background' }).catch(() => undefined);
        return;
      }
      if (!this.deadlineTimers.has(`ttl|${j.metadata.uid}`)) {
        const key = `ttl|${j.metadata.uid}`;
        this.deadlineTimers.add(key);
        this.later(Math.min(3_600_000, at - Date.now() + 50), () => {
          this.deadlineTimers.delete(key);
          this.enqueue(R.jobs, j);
        });
      }
    }
    const activeNow = this.podsOf(j).filter((p) => !['Succeeded', 'Failed'].includes(phase(p)) && !p.metadata.deletionTimestamp);
    status.active = activeNow.length || undefined;
    status.ready = activeNow.filter(isPodReady).length;
    status.terminating = 0;
    status.succeeded = succeeded || undefined;
    status.failed = failed || undefined;
    for (const k of Object.keys(status)) if (status[k] === undefined) delete status[k];
    await this.cluster.writeStatus(this.rt(R.jobs), j, status);
  }

  // ---- CronJobs ----

  private async cronJob(cj: KubeObject): Promise<void> {
    const c = this.cluster;
    const spec = cj.spec as Obj;
    const status = ((cj.status as Obj | undefined) ?? {}) as Obj;
    const ns = cj.metadata.namespace!;
    let cron: Cron;
    try {
      cron = new Cron(String(spec.schedule ?? ''), { paused: true, timezone: spec.timeZone ?? undefined });
    } catch (e) {
      this.log(`cronjob ${ns}/${cj.metadata.name}: bad schedule ${JSON.stringify(spec.schedule)}: ${e instanceof Error ? e.message : e}`);
      return;
    }
    const jobs = this.dependents(cj.metadata.uid!).filter((d) => d.res === R.jobs).map((d) => d.o);
    const finished = (j: KubeObject) => (((j.status as Obj | undefined)?.conditions ?? []) as Obj[]).find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True')?.type as string | undefined;
    const active = jobs.filter((j) => !finished(j));
    const last = Date.parse(status.lastScheduleTime ?? cj.metadata.creationTimestamp ?? '') || Date.now();
    const due = cron.nextRun(new Date(last));
    const next: Obj = { ...status };
    if (due && due.getTime() <= Date.now() && !spec.suspend) {
      const skip = spec.concurrencyPolicy === 'Forbid' && active.length > 0;
      if (!skip) {
        if (spec.concurrencyPolicy === 'Replace') for (const j of active) await c.delete(this.rt(R.jobs), ns, j.metadata.name!, { propagationPolicy: 'Background' }).catch(() => undefined);
        const tpl = structuredClone(spec.jobTemplate ?? {});
        // named after the scheduled minute, like the CronJob controller (seconds for 6-field schedules)
        const withSeconds = String(spec.schedule).trim().split(/\s+/).length === 6;
        const name = `${cj.metadata.name}-${Math.floor(due.getTime() / (withSeconds ? 1000 : 60000))}`;
        if (!c.store.getRaw(R.jobs, ns, name)) {
          await c.create(this.rt(R.jobs), ns, { metadata: { ...(tpl.metadata ?? {}), name, ownerReferences: [ownerRef(cj)], annotations: { ...(tpl.metadata?.annotations ?? {}), 'batch.kubernetes.io/cronjob-scheduled-timestamp': due.toISOString() } }, spec: tpl.spec ?? {} }, { fieldManager: MANAGER }).catch((e) => this.log(String(e)));
        }
      }
      next.lastScheduleTime = due.toISOString().replace(/\.\d+Z$/, 'Z');
    }
    const nowActive = this.dependents(cj.metadata.uid!).filter((d) => d.res === R.jobs && !finished(d.o));
    if (nowActive.length) next.active = nowActive.map((d) => ({ kind: 'Job', namespace: ns, name: d.o.metadata.name, uid: d.o.metadata.uid, apiVersion: 'batch/v1', resourceVersion: d.o.metadata.resourceVersion }));
    else delete next.active;
    const succeeded = jobs.filter((j) => finished(j) === 'Complete').sort((a, b) => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)));
    const failed = jobs.filter((j) => finished(j) === 'Failed').sort((a, b) => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)));
    if (succeeded.length) next.lastSuccessfulTime = (succeeded.at(-1)!.status as Obj).completionTime;
    for (const [list, keep] of [[succeeded, spec.successfulJobsHistoryLimit ?? 3], [failed, spec.failedJobsHistoryLimit ?? 1]] as const) {
      for (const j of list.slice(0, Math.max(0, list.length - keep))) await c.delete(this.rt(R.jobs), ns, j.metadata.name!, { propagationPolicy: 'Background' }).catch(() => undefined);
    }
    await c.writeStatus(this.rt(R.cronjobs), cj, next);
    const following = cron.nextRun(new Date(Math.max(Date.now(), Date.parse(next.lastScheduleTime ?? '') || 0)));
    if (following && !spec.suspend) {
      const key = `${ns}/${cj.metadata.name}`;
      if (!this.cronTimers.has(key)) {
        this.cronTimers.add(key);
        this.later(Math.max(50, following.getTime() - Date.now() + 20), () => {
          this.cronTimers.delete(key);
          this.enqueue(R.cronjobs, cj);
        });
      }
    }
  }

  // ---- Services → Endpoints / EndpointSlices ----

  private async service(ns: string, name: string, svc: KubeObject | undefined): Promise<void> {
    const c = this.cluster;
    const epT = this.rt(R.endpoints);
    const slT = this.rt(R.slices);
    const sliceName = `${name}-sandbox`;
    if (!svc || svc.metadata.deletionTimestamp) {
      if (c.store.getRaw(R.endpoints, ns, name)) await c.delete(epT, ns, name).catch(() => undefined);
      return;
    }
    const spec = svc.spec as Obj;
    if (spec.type === 'LoadBalancer' && !((svc.status as Obj | undefined)?.loadBalancer?.ingress ?? []).length) {
      // the sandbox's "cloud" hands out loopback at once
      await c.writeStatus(this.rt(R.services), svc, { loadBalancer: { ingress: [{ ip: '127.0.0.1', ipMode: 'VIP' }] } }, 'service-controller');
    }
    if (!spec.selector || spec.type === 'ExternalName') return;
    const sel = fromMap(spec.selector);
    const pods = [...c.store.iterate(R.pods, ns)].filter((p) => matchesLabels(sel, p.metadata.labels) && (p.status as Obj | undefined)?.podIP && !['Succeeded', 'Failed'].includes((p.status as Obj).phase));
    pods.sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
    const svcPorts = (spec.ports ?? []) as Obj[];
    const portFor = (p: KubeObject, sp: Obj): number | undefined => {
      const tp = sp.targetPort ?? sp.port;
      if (typeof tp === 'number') return tp;
      for (const ctr of ((p.spec as Obj).containers ?? []) as Obj[]) for (const cp of ctr.ports ?? []) if (cp.name === tp) return cp.containerPort;
      return undefined;
    };
    const addr = (p: KubeObject) => ({ ip: (p.status as Obj).podIP, nodeName: NODE_NAME, targetRef: { kind: 'Pod', namespace: ns, name: p.metadata.name, uid: p.metadata.uid } });
    const ready = pods.filter((p) => isPodReady(p) && !p.metadata.deletionTimestamp);
    const notReady = pods.filter((p) => !isPodReady(p) || p.metadata.deletionTimestamp);
    const ports = svcPorts
      .map((sp) => ({ ...(sp.name ? { name: sp.name } : {}), port: pods[0] ? portFor(pods[0], sp) : undefined, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) }))
      .filter((x) => x.port !== undefined);
    const subsets = pods.length && ports.length ? [{ ...(ready.length ? { addresses: ready.map(addr) } : {}), ...(notReady.length ? { notReadyAddresses: notReady.map(addr) } : {}), ports }] : [];
    const labels = { ...(svc.metadata.labels ?? {}) };
    const epBody = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: ns, labels: { ...labels, 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' } }, ...(subsets.length ? { subsets } : {}) } as KubeObject;
    const cur = c.store.getRaw(R.endpoints, ns, name);
    if (!cur) await c.create(epT, ns, epBody, { fieldManager: MANAGER }).catch(() => undefined);
    else if (JSON.stringify(cur.subsets ?? []) !== JSON.stringify(subsets)) await c.writeObject(epT, { ...cur, subsets: subsets.length ? subsets : undefined } as KubeObject);
    const slice = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: sliceName, namespace: ns, labels: { ...labels, 'kubernetes.io/service-name': name, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' }, ownerReferences: [{ ...ownerRef(svc), apiVersion: 'v1', kind: 'Service' }] },
      addressType: 'IPv4',
      endpoints: pods.map((p) => {
        const r = isPodReady(p) && !p.metadata.deletionTimestamp;
        return { addresses: [(p.status as Obj).podIP], conditions: { ready: r, serving: isPodReady(p), terminating: !!p.metadata.deletionTimestamp }, nodeName: NODE_NAME, targetRef: { kind: 'Pod', namespace: ns, name: p.metadata.name, uid: p.metadata.uid } };
      }),
      ports: ports.map((x) => ({ ...x })),
    } as unknown as KubeObject;
    const curSlice = c.store.getRaw(R.slices, ns, sliceName);
    if (!curSlice) await c.create(slT, ns, slice, { fieldManager: MANAGER }).catch(() => undefined);
    else if (JSON.stringify([curSlice.endpoints, curSlice.ports]) !== JSON.stringify([slice.endpoints, slice.ports])) await c.writeObject(slT, { ...curSlice, endpoints: slice.endpoints, ports: slice.ports } as KubeObject);
  }
}

export { apiVersionOf };
