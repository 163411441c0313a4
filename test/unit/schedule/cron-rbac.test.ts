import { describe, expect, it } from 'vitest';
import { toKubeCron } from '../../../src/schedule/cron.js';
import { ClusterScopedKindError, guessPlural, rulesForKinds } from '../../../src/schedule/rbac.js';

describe('toKubeCron', () => {
  it.each([
    ['0 2 * * 2', '0 2 * * 2', false],
    ['30 22 * * 1-5', '30 22 * * 1-5', false],
    ['@weekly', '@weekly', false],
    ['@annually', '@yearly', false],
    ['0 0 L * *', '0 0 28-31 * *', true],
    ['0 3 * * 5L', '0 3 * * 5', true],
    ['0 3 * * 2#1', '0 3 * * 2', true],
  ])('%s → %s', (input, out, widened) => {
    const c = toKubeCron(input);
    expect(c.schedule).toBe(out);
    expect(c.widened).toBe(widened);
    if (widened) expect(c.note).toMatch(/run-scheduled skips/);
  });

  it('refuses what Kubernetes cannot express', () => {
    expect(() => toKubeCron('0 L * * *')).toThrow(/hour field "L"/);
    expect(() => toKubeCron('0 2 * *')).toThrow(/5 fields/);
  });
});

describe('rulesForKinds', () => {
  const verbsOf = (rules: Awaited<ReturnType<typeof rulesForKinds>>, group: string, resource: string) =>
    rules.find((r) => r.apiGroups.includes(group) && r.resources.includes(resource))?.verbs;

  it('grants release records, rollout state and the chart kinds, nothing else', async () => {
    const rules = await rulesForKinds([
      { apiVersion: 'apps/v1', kind: 'Deployment' },
      { apiVersion: 'v1', kind: 'Service' },
      { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
      { apiVersion: 'v1', kind: 'ConfigMap' },
    ]);
    expect(verbsOf(rules, '', 'secrets')).toEqual(['get', 'list', 'create', 'update', 'delete']);
    expect(verbsOf(rules, '', 'configmaps')).toEqual(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']);
    expect(verbsOf(rules, 'apps', 'deployments')).toEqual(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']);
    expect(verbsOf(rules, '', 'services')).toEqual(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']);
    expect(verbsOf(rules, 'networking.k8s.io', 'ingresses')).toEqual(['get', 'list', 'watch', 'create', 'patch', 'delete']);
    const all = rules.flatMap((r) => r.resources);
    expect(all.sort()).toEqual(['configmaps', 'deployments', 'ingresses', 'secrets', 'services']);
    expect(rules.flatMap((r) => r.verbs)).not.toContain('*');
  });

  it('a chart without a Deployment gets no deployments rule; Jobs (hooks) get no update', async () => {
    const rules = await rulesForKinds([{ apiVersion: 'batch/v1', kind: 'Job' }]);
    expect(verbsOf(rules, 'apps', 'deployments')).toBeUndefined();
    expect(verbsOf(rules, 'batch', 'jobs')).toEqual(['get', 'list', 'watch', 'create', 'patch', 'delete']);
    expect(verbsOf(rules, '', 'configmaps')).toEqual(['get', 'list', 'create', 'update', 'patch', 'delete']);
  });

  it('custom kinds: the resolver first, else the default plural; HTTPRoutes get update', async () => {
    const rules = await rulesForKinds(
      [
        { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute' },
        { apiVersion: 'example.com/v1', kind: 'Policy' },
      ],
      (av, kind) => (kind === 'HTTPRoute' ? { group: 'gateway.networking.k8s.io', plural: 'httproutes', namespaced: true } : undefined),
    );
    expect(verbsOf(rules, 'gateway.networking.k8s.io', 'httproutes')).toContain('update');
    expect(verbsOf(rules, 'example.com', 'policies')).toEqual(['get', 'list', 'watch', 'create', 'patch', 'delete']);
    expect(guessPlural('Ingress')).toBe('ingresses');
    expect(guessPlural('Gateway')).toBe('gateways');
  });

  it('refuses cluster-scoped kinds, naming them', async () => {
    const err = await rulesForKinds([
      { apiVersion: 'v1', kind: 'Service' },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' },
      { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' },
    ]).catch((e: Error) => e);
    expect(err).toBeInstanceOf(ClusterScopedKindError);
    expect((err as Error).message).toMatch(/cluster-scoped ClusterRole \(rbac.authorization.k8s.io\/v1\), CustomResourceDefinition/);
  });
});
