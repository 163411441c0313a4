import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../../src/sandbox/index.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ port: 0, podStartMs: 50, jobRunMs: 50 });
});
afterAll(async () => {
  await sb?.stop();
});

async function until<T>(fn: () => T | undefined, ms = 8000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('controllers', () => {
  it('rolls a Deployment with maxSurge 0 / maxUnavailable 1 without exceeding the replica count', async () => {
    const c = sb.cluster;
    const r = c.kind('apps/v1', 'Deployment');
    const body = (image: string) => ({ metadata: { name: 'roll' }, spec: { replicas: 3, strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } }, selector: { matchLabels: { app: 'roll' } }, template: { metadata: { labels: { app: 'roll' } }, spec: { containers: [{ name: 'c', image }] } } } });
    await c.create(r, 'default', body('img:1'));
    await until(() => (c.get(r, 'default', 'roll').status as { availableReplicas?: number })?.availableReplicas === 3 || undefined);
    let maxPods = 0;
    const w = c.store.watch('/pods', 'default', undefined, () => {
      const live = [...c.store.iterate('/pods', 'default')].filter((p) => p.metadata.labels?.app === 'roll' && !p.metadata.deletionTimestamp);
      maxPods = Math.max(maxPods, live.length);
    });
    const cur = c.get(r, 'default', 'roll');
    await c.update(r, 'default', 'roll', { ...cur, spec: body('img:2').spec });
    const done = await until(() => {
      const d = c.get(r, 'default', 'roll');
      const st = d.status as { observedGeneration?: number; updatedReplicas?: number; availableReplicas?: number; replicas?: number; conditions?: { type: string; reason: string }[] };
      return st.observedGeneration === 2 && st.updatedReplicas === 3 && st.availableReplicas === 3 && st.replicas === 3 && st.conditions?.some((x) => x.reason === 'NewReplicaSetAvailable') ? d : undefined;
    });
    w.stop();
    expect(maxPods).toBeLessThanOrEqual(3);
    expect(done.metadata.generation).toBe(2);
    expect((done.status as { observedGeneration: number }).observedGeneration).toBe(2);
  });

  it('garbage-collects dependents when the owner goes (background) and orphans on request', async () => {
    const c = sb.cluster;
    const r = c.kind('apps/v1', 'ReplicaSet');
    const rs = (name: string) => ({ metadata: { name }, spec: { replicas: 2, selector: { matchLabels: { rs: name } }, template: { metadata: { labels: { rs: name } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } });
    await c.create(r, 'default', rs('gc'));
    await c.create(r, 'default', rs('orphan'));
    const pods = (sel: string) => [...c.store.iterate('/pods', 'default')].filter((p) => p.metadata.labels?.rs === sel);
    await until(() => (pods('gc').length === 2 && pods('orphan').length === 2) || undefined);
    await c.delete(r, 'default', 'gc', { propagationPolicy: 'Background' });
    await c.delete(r, 'default', 'orphan', { propagationPolicy: 'Orphan' });
    await until(() => pods('gc').length === 0 || undefined);
    await until(() => !c.store.getRaw('apps/replicasets', 'default', 'orphan') || undefined);
    expect(pods('orphan')).toHaveLength(2);
    expect(pods('orphan').every((p) => !(p.metadata.ownerReferences ?? []).length)).toBe(true);
  });

  it('gives pods with fault annotations the statuses kubectl shows', async () => {
    const c = sb.cluster;
    const r = c.kind('v1', 'Pod');
    for (const f of ['crash', 'unready', 'image-pull']) await c.create(r, 'default', { metadata: { name: `f-${f}`, annotations: { 'sandbox.rel.dev/fail': f } }, spec: { containers: [{ name: 'c', image: 'i:1' }] } });
    const st = (n: string) => c.store.getRaw('/pods', 'default', n)?.status as { phase: string; containerStatuses?: { ready: boolean; state: { waiting?: { reason: string }; running?: object } }[] } | undefined;
    await until(() => (st('f-crash')?.containerStatuses && st('f-unready')?.containerStatuses && st('f-image-pull')?.containerStatuses) || undefined);
    expect(st('f-crash')!.containerStatuses![0]!.state.waiting!.reason).toBe('CrashLoopBackOff');
    expect(st('f-image-pull')!.containerStatuses![0]!.state.waiting!.reason).toBe('ImagePullBackOff');
    expect(st('f-image-pull')!.phase).toBe('Pending');
    expect(st('f-unready')!.phase).toBe('Running');
    expect(st('f-unready')!.containerStatuses![0]!.ready).toBe(false);
    const reasons = (n: string) => [...c.store.iterate('/events', 'default')].filter((e) => (e.involvedObject as { name: string }).name === n).map((e) => e.reason);
    expect(reasons('f-crash')).toContain('BackOff');
    expect(reasons('f-image-pull')).toContain('Failed');
    expect(reasons('f-unready')).toContain('Unhealthy');
  });

  it('runs CronJobs on schedule and keeps their history limits', async () => {
    const c = sb.cluster;
    const r = c.kind('batch/v1', 'CronJob');
    // croner also takes a seconds field, which keeps this test short
    await c.create(r, 'default', { metadata: { name: 'tick' }, spec: { schedule: '*/1 * * * * *', successfulJobsHistoryLimit: 2, jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'i' }] } } } } } });
    const jobs = () => [...c.store.iterate('batch/jobs', 'default')].filter((j) => j.metadata.ownerReferences?.[0]?.name === 'tick');
    await until(() => jobs().filter((j) => ((j.status as { succeeded?: number })?.succeeded ?? 0) > 0).length >= 2 || undefined, 10_000);
    const cj = c.get(r, 'default', 'tick');
    expect((cj.status as { lastScheduleTime?: string }).lastScheduleTime).toMatch(/Z$/);
    await new Promise((res) => setTimeout(res, 1500));
    expect(jobs().filter((j) => (j.status as { conditions?: { type: string }[] })?.conditions?.some((x) => x.type === 'Complete')).length).toBeLessThanOrEqual(2);
    await c.update(r, 'default', 'tick', { ...c.get(r, 'default', 'tick'), spec: { ...(c.get(r, 'default', 'tick').spec as object), suspend: true } });
  });
});
