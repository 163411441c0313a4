import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, localKubelet, startSandbox } from '../../../src/sandbox/index.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// The "image" runs this script: it prints what a pod sees, then exits with the code named in its args.
const SCRIPT = `
const fs = require('node:fs');
const [mode, from] = process.argv.slice(2);
const sa = process.env.REL_SERVICEACCOUNT_PREFIX + '/var/run/secrets/kubernetes.io/serviceaccount';
console.log(JSON.stringify({
  host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT, scheme: process.env.REL_KUBERNETES_SERVICE_SCHEME,
  token: fs.readFileSync(sa + '/token', 'utf8'), ns: fs.readFileSync(sa + '/namespace', 'utf8'),
  file: fs.readFileSync(from + '/greeting', 'utf8'), fromEnv: process.env.GREETING, podName: process.env.POD,
}));
if (mode === 'sleep') setTimeout(() => {}, 60000);
else { console.error('Error: it went wrong'); process.exit(Number(mode)); }
`;

let sb: Sandbox;
const lines: string[] = [];
beforeAll(async () => {
  sb = await startSandbox({ port: 0, podStartMs: 20 });
  const dir = mkdtempSync(join(tmpdir(), 'rel-kubelet-unit-'));
  writeFileSync(join(dir, 'image.cjs'), SCRIPT);
  sb.controllers!.setPodRunner(localKubelet({ match: (img) => img === 'local:1', entrypoint: [process.execPath, join(dir, 'image.cjs')], apiUrl: sb.url, log: (pod, l) => lines.push(`${pod} ${l}`) }));
  const c = sb.cluster;
  await c.create(c.kind('v1', 'Secret'), 'default', { metadata: { name: 'greet' }, data: { greeting: Buffer.from('hello').toString('base64') } });
});
afterAll(async () => sb?.stop());

async function until<T>(fn: () => T | undefined, ms = 15000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out\n${lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const jobBody = (name: string, mode: string, extra: Obj = {}) => ({
  metadata: { name },
  spec: {
    backoffLimit: 3,
    podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [3] } }] },
    ...extra,
    template: {
      metadata: { labels: { job: name } },
      spec: {
        restartPolicy: 'Never',
        serviceAccountName: 'runner',
        containers: [
          {
            name: 'main',
            image: 'local:1',
            args: [mode, '/etc/greet'],
            env: [{ name: 'GREETING', valueFrom: { secretKeyRef: { name: 'greet', key: 'greeting' } } }, { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
            volumeMounts: [{ name: 'g', mountPath: '/etc/greet' }],
            terminationMessagePolicy: 'FallbackToLogsOnError',
          },
        ],
        volumes: [{ name: 'g', secret: { secretName: 'greet' } }],
      },
    },
  },
});

const jobCond = (name: string) => () => {
  const j = sb.cluster.store.getRaw('batch/jobs', 'default', name);
  return ((j?.status as Obj | undefined)?.conditions as Obj[] | undefined)?.find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
};
const podsOf = (name: string) => [...sb.cluster.store.iterate('/pods', 'default')].filter((p) => p.metadata.labels?.job === name);

describe('local kubelet', () => {
  it('runs the pod as a process with its service account, volumes and env; exit 0 completes the Job', async () => {
    await sb.cluster.create(sb.cluster.kind('batch/v1', 'Job'), 'default', jobBody('ok', '0'));
    expect(await until(jobCond('ok'))).toMatchObject({ type: 'Complete' });
    const out = JSON.parse(lines.find((l) => l.startsWith('default/ok-') && l.includes('{'))!.replace(/^\S+ /, ''));
    const pod = podsOf('ok')[0]!;
    expect(out).toEqual({
      host: '127.0.0.1',
      port: String(sb.port),
      scheme: 'http',
      token: `sandbox-token:default:runner:${pod.metadata.name}`,
      ns: 'default',
      file: 'hello',
      fromEnv: 'hello',
      podName: pod.metadata.name,
    });
    expect((pod.status as Obj).containerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
  });

  it('a non-zero exit fails the pod with the end of its output; podFailurePolicy FailJob ends the Job at once', async () => {
    await sb.cluster.create(sb.cluster.kind('batch/v1', 'Job'), 'default', jobBody('bad', '3'));
    const done = await until(jobCond('bad'));
    expect(done).toMatchObject({ type: 'Failed', reason: 'PodFailurePolicy' });
    expect(done.message).toMatch(/^Container main for pod default\/bad-\w+ failed with exit code 3 matching FailJob rule at index 0$/);
    const pods = podsOf('bad');
    expect(pods).toHaveLength(1);
    const term = (pods[0]!.status as Obj).containerStatuses[0].state.terminated;
    expect(term).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(term.message).toMatch(/Error: it went wrong/);
  });

  it('other exit codes are retried up to backoffLimit', async () => {
    await sb.cluster.create(sb.cluster.kind('batch/v1', 'Job'), 'default', jobBody('flaky', '7', { backoffLimit: 1 }));
    expect(await until(jobCond('flaky'))).toMatchObject({ type: 'Failed', reason: 'BackoffLimitExceeded' });
    expect(podsOf('flaky')).toHaveLength(2);
  });

  it('activeDeadlineSeconds fails the Job and stops its process; a suspended Job starts no pod', async () => {
    await sb.cluster.create(sb.cluster.kind('batch/v1', 'Job'), 'default', jobBody('slow', 'sleep', { activeDeadlineSeconds: 2, suspend: true }));
    await new Promise((r) => setTimeout(r, 300));
    expect(podsOf('slow')).toHaveLength(0);
    const j = sb.cluster.store.getRaw('batch/jobs', 'default', 'slow')!;
    expect((j.status as Obj | undefined)?.startTime).toBeUndefined();
    await sb.cluster.update(sb.cluster.kind('batch/v1', 'Job'), 'default', 'slow', { ...j, spec: { ...(j.spec as Obj), suspend: false } });
    await until(() => podsOf('slow').find((p) => (p.status as Obj | undefined)?.phase === 'Running'));
    const t0 = Date.now();
    expect(await until(jobCond('slow'))).toMatchObject({ type: 'Failed', reason: 'DeadlineExceeded' });
    expect(Date.now() - t0).toBeLessThan(4000);
    await until(() => (podsOf('slow').length === 0 ? true : undefined));
  });

  it('ttlSecondsAfterFinished deletes a finished Job and its pods', async () => {
    await sb.cluster.create(sb.cluster.kind('batch/v1', 'Job'), 'default', jobBody('short', '0', { ttlSecondsAfterFinished: 1 }));
    await until(jobCond('short'));
    expect(sb.cluster.store.getRaw('batch/jobs', 'default', 'short')).toBeDefined();
    await until(() => (!sb.cluster.store.getRaw('batch/jobs', 'default', 'short') && podsOf('short').length === 0 ? true : undefined), 6000);
  });

  it('other images keep the simulated behaviour', async () => {
    const body = jobBody('sim', '0');
    (body.spec.template.spec.containers[0] as Obj).image = 'busybox:1';
    await sb.cluster.create(sb.cluster.kind('batch/v1', 'Job'), 'default', body);
    expect(await until(jobCond('sim'))).toMatchObject({ type: 'Complete' });
    expect(lines.some((l) => l.startsWith('default/sim-'))).toBe(false);
  });
});
