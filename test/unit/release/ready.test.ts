import { describe, expect, it } from 'vitest';
import { readiness } from '../../../src/release/ready.js';

const dep = (spec: object, status: object, generation = 2) => ({ kind: 'Deployment', metadata: { name: 'd', generation }, spec, status });

describe('readiness', () => {
  it.each([
    ['unobserved generation', dep({ replicas: 2 }, { observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 }), 'progress'],
    ['not all updated', dep({ replicas: 3 }, { observedGeneration: 2, replicas: 3, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3 }), 'progress'],
    ['old pods left', dep({ replicas: 2 }, { observedGeneration: 2, replicas: 3, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 }), 'progress'],
    ['ready', dep({ replicas: 2 }, { observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 }), 'ready'],
    ['default 1 replica', dep({}, { observedGeneration: 2, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 }), 'ready'],
    [
      'deadline exceeded',
      dep({ replicas: 1 }, { observedGeneration: 2, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] }),
      'failed',
    ],
  ])('deployment: %s', (_n, obj, state) => {
    expect(readiness(obj).state).toBe(state);
  });

  it('jobs, pods, pvcs, services, crds', () => {
    expect(readiness({ kind: 'Job', status: { conditions: [{ type: 'Complete', status: 'True' }] } }).state).toBe('ready');
    expect(readiness({ kind: 'Job', status: { conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] } })).toEqual({
      state: 'failed',
      message: 'job failed: BackoffLimitExceeded',
    });
    expect(readiness({ kind: 'Job', spec: { completions: 2 }, status: { succeeded: 1 } }).message).toBe('1/2 completions');
    const crash = { kind: 'Pod', status: { phase: 'Running', containerStatuses: [{ name: 'app', state: { waiting: { reason: 'CrashLoopBackOff' } } }] } };
    expect(readiness(crash)).toEqual({ state: 'progress', message: 'container app: CrashLoopBackOff' });
    expect(readiness({ kind: 'PersistentVolumeClaim', status: { phase: 'Bound' } }).state).toBe('ready');
    expect(readiness({ kind: 'Service', spec: { type: 'LoadBalancer' }, status: {} }).state).toBe('progress');
    expect(readiness({ kind: 'Service', spec: { type: 'ClusterIP' } }).state).toBe('ready');
    expect(readiness({ kind: 'CustomResourceDefinition', status: { conditions: [{ type: 'Established', status: 'True' }] } }).state).toBe('ready');
    expect(readiness({ kind: 'ConfigMap' }).state).toBe('ready');
    expect(readiness(undefined).state).toBe('progress');
  });

  it('statefulsets and daemonsets', () => {
    const sts = { kind: 'StatefulSet', metadata: { generation: 1 }, spec: { replicas: 2 }, status: { observedGeneration: 1, readyReplicas: 2, updatedReplicas: 2, currentRevision: 'a', updateRevision: 'b' } };
    expect(readiness(sts).state).toBe('progress');
    expect(readiness({ ...sts, status: { ...sts.status, currentRevision: 'b' } }).state).toBe('ready');
    const ds = { kind: 'DaemonSet', metadata: { generation: 1 }, status: { observedGeneration: 1, desiredNumberScheduled: 1, updatedNumberScheduled: 1, numberReady: 0 } };
    expect(readiness(ds).message).toBe('0/1 pods ready');
  });
});
