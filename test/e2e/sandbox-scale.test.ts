// Scale: 1,000 Deployments (each rolled out to a pod) and 10,000 Secrets, listed over HTTP (whole, by label,
// paged) and watched while 100 change; list latency and memory are reported.
import { describe, expect, it } from 'vitest';
import { benchSandbox } from '../../src/sandbox/bench.js';

describe('sandbox at scale', () => {
  it('holds 1,000 Deployments and 10,000 Secrets, lists and watches them', async () => {
    const r = await benchSandbox({ deployments: 1000, secrets: 10_000, changes: 100 });
    console.log('sandbox scale:', JSON.stringify(r));
    expect(r.availableDeployments).toBe(1000);
    expect(r.listSecretsItems).toBe(10_000);
    expect(r.listSelectedItems).toBe(1000);
    expect(r.listDeploymentsItems).toBe(1000);
    expect({ pages: r.pages, items: r.pagedItems }).toEqual({ pages: 20, items: 10_000 });
    expect(r.watchEvents).toBe(100);
    expect(r.listSecretsMs).toBeLessThan(3000);
    expect(r.listDeploymentsMs).toBeLessThan(3000);
  });
});
