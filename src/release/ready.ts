/**
 * Readiness of a live object, in the spirit of kstatus (which helm 4's --wait uses):
 * `ready` (Current), `progress` (InProgress, with what is missing) or `failed` (with why).
 */
export interface Readiness {
  state: 'ready' | 'progress' | 'failed';
  message: string;
}

type Obj = {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; generation?: number; deletionTimestamp?: string };
  spec?: Record<string, any>;
  status?: Record<string, any>;
};

const ready = (message = 'ready'): Readiness => ({ state: 'ready', message });
const progress = (message: string): Readiness => ({ state: 'progress', message });
const failed = (message: string): Readiness => ({ state: 'failed', message });

function condition(o: Obj, type: string): { status?: string; reason?: string; message?: string } | undefined {
  const conds = o.status?.conditions as { type: string; status?: string; reason?: string; message?: string }[] | undefined;
  return conds?.find((c) => c.type === type);
}

function generationObserved(o: Obj): boolean {
  const gen = o.metadata?.generation;
  const observed = o.status?.observedGeneration as number | undefined;
  return gen === undefined || (observed !== undefined && observed >= gen);
}

export function readiness(o: Obj | undefined): Readiness {
  if (!o) return progress('not found yet');
  if (o.metadata?.deletionTimestamp) return progress('being deleted');
  const kind = o.kind ?? '';
  switch (kind) {
    case 'Deployment':
      return deployment(o);
    case 'StatefulSet':
      return statefulSet(o);
    case 'DaemonSet':
      return daemonSet(o);
    case 'ReplicaSet':
    case 'ReplicationController': {
      if (!generationObserved(o)) return progress('controller has not seen the latest spec');
      const want = (o.spec?.replicas as number | undefined) ?? 1;
      const have = (o.status?.readyReplicas as number | undefined) ?? 0;
      return have >= want ? ready() : progress(`${have}/${want} replicas ready`);
    }
    case 'Job':
      return job(o);
    case 'Pod':
      return pod(o);
    case 'PersistentVolumeClaim': {
      const phase = o.status?.phase as string | undefined;
      if (phase === 'Bound') return ready('bound');
      if (phase === 'Lost') return failed('claim lost its volume');
      return progress(`phase ${phase ?? 'Pending'}`);
    }
    case 'Service': {
      if (o.spec?.type !== 'LoadBalancer') return ready();
      const ing = o.status?.loadBalancer?.ingress as unknown[] | undefined;
      return ing && ing.length > 0 ? ready('load balancer assigned') : progress('waiting for a load balancer address');
    }
    case 'CustomResourceDefinition': {
      const est = condition(o, 'Established');
      if (est?.status === 'True') return ready('established');
      const names = condition(o, 'NamesAccepted');
      if (names?.status === 'False') return failed(`names not accepted: ${names.message ?? names.reason ?? ''}`);
      return progress('not established yet');
    }
    default:
      return generic(o);
  }
}

function deployment(o: Obj): Readiness {
  if (!generationObserved(o)) return progress('controller has not seen the latest spec');
  const prog = condition(o, 'Progressing');
  if (prog?.status === 'False' && prog.reason === 'ProgressDeadlineExceeded') {
    return failed(`progress deadline exceeded: ${prog.message ?? ''}`.trim());
  }
  if (o.spec?.paused) return progress('paused');
  const want = (o.spec?.replicas as number | undefined) ?? 1;
  const s = o.status ?? {};
  const updated = (s.updatedReplicas as number | undefined) ?? 0;
  const total = (s.replicas as number | undefined) ?? 0;
  const readyN = (s.readyReplicas as number | undefined) ?? 0;
  const avail = (s.availableReplicas as number | undefined) ?? 0;
  if (updated < want) return progress(`${updated}/${want} replicas updated`);
  if (total > updated) return progress(`${total - updated} old replicas pending termination`);
  if (readyN < want) return progress(`${readyN}/${want} replicas ready`);
  if (avail < want) return progress(`${avail}/${want} replicas available`);
  return ready(`${readyN}/${want} replicas ready`);
}

function statefulSet(o: Obj): Readiness {
  if (!generationObserved(o)) return progress('controller has not seen the latest spec');
  const want = (o.spec?.replicas as number | undefined) ?? 1;
  const s = o.status ?? {};
  const readyN = (s.readyReplicas as number | undefined) ?? 0;
  if (readyN < want) return progress(`${readyN}/${want} replicas ready`);
  if ((o.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
    const partition = (o.spec?.updateStrategy?.rollingUpdate?.partition as number | undefined) ?? 0;
    const updated = (s.updatedReplicas as number | undefined) ?? 0;
    if (updated < want - partition) return progress(`${updated}/${want - partition} replicas updated`);
    if (partition === 0 && s.updateRevision && s.currentRevision !== s.updateRevision) return progress('rolling update in progress');
  }
  return ready(`${readyN}/${want} replicas ready`);
}

function daemonSet(o: Obj): Readiness {
  if (!generationObserved(o)) return progress('controller has not seen the latest spec');
  const s = o.status ?? {};
  const desired = (s.desiredNumberScheduled as number | undefined) ?? 0;
  const updated = (s.updatedNumberScheduled as number | undefined) ?? 0;
  const readyN = (s.numberReady as number | undefined) ?? 0;
  if (updated < desired) return progress(`${updated}/${desired} pods updated`);
  if (readyN < desired) return progress(`${readyN}/${desired} pods ready`);
  return ready(`${readyN}/${desired} pods ready`);
}

function job(o: Obj): Readiness {
  const f = condition(o, 'Failed');
  if (f?.status === 'True') return failed(`job failed: ${f.reason ?? ''}${f.message ? `: ${f.message}` : ''}`);
  const c = condition(o, 'Complete');
  if (c?.status === 'True') return ready('complete');
  const succeeded = (o.status?.succeeded as number | undefined) ?? 0;
  const completions = (o.spec?.completions as number | undefined) ?? 1;
  return progress(`${succeeded}/${completions} completions`);
}

function pod(o: Obj): Readiness {
  const phase = o.status?.phase as string | undefined;
  if (phase === 'Succeeded') return ready('succeeded');
  if (phase === 'Failed') return failed(`pod failed: ${o.status?.reason ?? ''}`);
  const statuses = (o.status?.containerStatuses ?? []) as { name: string; state?: { waiting?: { reason?: string } } }[];
  for (const cs of statuses) {
    const reason = cs.state?.waiting?.reason;
    if (reason && /CrashLoopBackOff|ImagePullBackOff|ErrImagePull|CreateContainerConfigError|InvalidImageName/.test(reason)) {
      return progress(`container ${cs.name}: ${reason}`);
    }
  }
  return condition(o, 'Ready')?.status === 'True' ? ready() : progress(`phase ${phase ?? 'Pending'}, not ready`);
}

function generic(o: Obj): Readiness {
  if (!generationObserved(o) && o.status?.observedGeneration !== undefined) return progress('controller has not seen the latest spec');
  const r = condition(o, 'Ready');
  if (r?.status === 'False') return progress(`not ready: ${r.reason ?? ''}`);
  const stalled = condition(o, 'Stalled');
  if (stalled?.status === 'True') return failed(`stalled: ${stalled.message ?? stalled.reason ?? ''}`);
  return ready();
}
