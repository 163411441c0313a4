import { describe, expect, it } from 'vitest';
import { StaticClusterView, type KubeObject } from '../../../src/sandbox/traffic/cluster-view.js';
import { buildGatewayModel, cookieNamesIn, gatewayRequestShapes, headerRegexMatches, matchGatewayRequest, requestHeader } from '../../../src/sandbox/traffic/gateway.js';
import type { SyntheticRequest } from '../../../src/sandbox/traffic/ingress-nginx.js';
import { ServiceIndex } from '../../../src/sandbox/traffic/k8s.js';
import { TrafficSimulator, type RequestRecord } from '../../../src/sandbox/traffic/simulator.js';
import { app, httpRoute } from './fixtures.js';

const req = (r: Partial<SyntheticRequest>): SyntheticRequest => ({ method: 'GET', host: 'h.test', path: '/', headers: {}, cookies: {}, ...r });
const ref = (name: string) => [{ name, port: 80 }];

/** The first backend of the rule the request matches, or undefined (404). */
function matched(rules: unknown[], r: Partial<SyntheticRequest>): string | undefined {
  const objs = [...app('a', 1), ...app('b', 1), ...app('c', 1), ...app('d', 1)];
  const model = buildGatewayModel([httpRoute('r', { hostnames: ['h.test'], rules })], new ServiceIndex(objs.filter((o) => o.kind === 'Service'), objs.filter((o) => o.kind === 'Pod')));
  return matchGatewayRequest(model, req(r))?.rule.backends[0]?.service;
}

describe('Gateway API header matching in the sandbox', () => {
  it('reads headers case-insensitively and serializes cookies into the Cookie header', () => {
    expect(requestHeader(req({ headers: { 'X-Canary': 'yes' } }), 'x-canary')).toBe('yes');
    expect(requestHeader(req({ headers: { Cookie: 'a=1' }, cookies: { b: '2' } }), 'cookie')).toBe('a=1; b=2');
    expect(requestHeader(req({}), 'cookie')).toBeUndefined();
  });

  it('RegularExpression matches the whole value (as Envoy-based implementations do)', () => {
    expect(headerRegexMatches('v[0-9]', 'v2')).toBe(true);
    expect(headerRegexMatches('v[0-9]', 'xv2')).toBe(false);
    expect(headerRegexMatches('.*', '')).toBe(true);
    expect(headerRegexMatches('(', 'x')).toBe(false);
    const rules = [
      { backendRefs: ref('a') },
      { matches: [{ headers: [{ type: 'RegularExpression', name: 'X-V', value: 'v[0-9]' }] }], backendRefs: ref('b') },
      { matches: [{ headers: [{ type: 'RegularExpression', name: 'Cookie', value: '^(.*;\\s*)?beta=always(\\s*;.*)?$' }] }], backendRefs: ref('c') },
    ];
    expect(matched(rules, { headers: { 'x-v': 'v7' } })).toBe('b');
    expect(matched(rules, { headers: { 'x-v': 'v77' } })).toBe('a');
    expect(matched(rules, { cookies: { x: '1', beta: 'always', y: '2' } })).toBe('c');
    expect(matched(rules, { cookies: { beta: 'never' } })).toBe('a');
  });

  it('follows the precedence: path (Exact, longest prefix), then method, then number of header matches, then rule order', () => {
    const rules = [
      { matches: [{ path: { type: 'PathPrefix', value: '/' }, headers: [{ name: 'X-A', value: '1' }, { name: 'X-B', value: '1' }] }], backendRefs: ref('a') },
      { matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: ref('b') },
      { matches: [{ path: { type: 'PathPrefix', value: '/api' }, method: 'POST' }], backendRefs: ref('c') },
      { matches: [{ path: { type: 'PathPrefix', value: '/api' }, headers: [{ name: 'X-A', value: '1' }] }], backendRefs: ref('d') },
      { matches: [{ path: { type: 'PathPrefix', value: '/api' }, headers: [{ name: 'X-B', value: '1' }] }], backendRefs: ref('a') },
    ];
    const both = { 'X-A': '1', 'X-B': '1' };
    expect(matched(rules, { path: '/', headers: both })).toBe('a');
    expect(matched(rules, { path: '/api/x', headers: both })).toBe('d'); // longer path beats more headers; then rule order
    expect(matched(rules, { path: '/api/x', method: 'POST', headers: both })).toBe('c'); // method beats headers
    expect(matched(rules, { path: '/api/x', headers: { 'X-B': '1' } })).toBe('a');
    expect(matched(rules, { path: '/api/x' })).toBe('b');
    expect(matched(rules, { path: '/other' })).toBeUndefined();
  });

  it('counts only the first of equivalent header names', () => {
    const rules = [
      { backendRefs: ref('a') },
      { matches: [{ headers: [{ name: 'X-A', value: '1' }, { name: 'x-a', value: '2' }] }], backendRefs: ref('b') },
      { matches: [{ headers: [{ name: 'X-A', value: '1' }] }], backendRefs: ref('c') },
    ];
    // Rule b has one effective header match, like rule c; b comes first.
    expect(matched(rules, { headers: { 'X-A': '1' } })).toBe('b');
  });

  it('synthetic requests carry the headers and cookies the routes match', () => {
    const route = httpRoute('web', {
      hostnames: ['web.test'],
      rules: [
        { backendRefs: ref('web') },
        { matches: [{ headers: [{ type: 'RegularExpression', name: 'Cookie', value: '^(.*;\\s*)?be\\.ta=always(\\s*;.*)?$' }] }], backendRefs: ref('web-canary') },
        { matches: [{ headers: [{ type: 'Exact', name: 'X-Version', value: 'v2' }] }], backendRefs: ref('web-canary') },
        { matches: [{ headers: [{ type: 'RegularExpression', name: 'X-Any', value: '.*' }] }], backendRefs: ref('web-canary') },
      ],
    });
    expect(cookieNamesIn('^(.*;\\s*)?be\\.ta=always(\\s*;.*)?$', 'always')).toEqual(['be.ta']);
    expect(cookieNamesIn('^(.*;\\s*)?beta=never(\\s*;.*)?$', 'always')).toEqual([]);
    const objs: KubeObject[] = [...app('web', 2), ...app('web-canary', 1), route];
    const model = buildGatewayModel([route], new ServiceIndex(objs.filter((o) => o.kind === 'Service'), objs.filter((o) => o.kind === 'Pod')));
    expect(gatewayRequestShapes(model, 'web.test')).toEqual({ paths: ['/'], headers: [['X-Version', 'v2'], ['X-Any', 'always']], cookies: ['be.ta'] });

    const sim = new TrafficSimulator(new StaticClusterView(objs), { seed: 3, serviceRequestsPerSecond: 0, headerShare: 0.1, cookieShare: 0.2 });
    const seen: RequestRecord[] = [];
    sim.onRequest((r) => seen.push(r));
    sim.tick(200);
    const marked = (r: RequestRecord) => r.cookies?.['be.ta'] === 'always' || r.headers?.['X-Version'] === 'v2' || r.headers?.['X-Any'] !== undefined;
    expect(seen.filter((r) => r.cookies?.['be.ta'] === 'always').length / seen.length).toBeCloseTo(0.2, 1);
    expect(seen.filter(marked).every((r) => r.service === 'web-canary')).toBe(true);
    expect(seen.filter((r) => !marked(r)).every((r) => r.service === 'web')).toBe(true);
  });
});
