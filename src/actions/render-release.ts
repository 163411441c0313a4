/**
 * Renders a chart for a release revision (install/upgrade), the way helm's action package does
 * before it applies: values → dependencies → coalesce → schema → render → sort into manifest and
 * hooks; NOTES.txt of the top chart; CRDs from crds/ folders. The same pieces as `rel template`
 * (src/actions/template.ts), with the cluster's capabilities and lookup.
 */
import * as nodePath from 'node:path';
import { UserError } from '../cli/errors.js';
import type { GoMap, GoValue } from '../engine/types.js';
import { goInt, newMap } from '../engine/types.js';
import type { Kube } from '../kube/client.js';
import type { Rendered } from '../release/operations.js';
import { chartToJSON } from '../storage/chart-json.js';
import type { HookJSON } from '../storage/release.js';
import { type TemplateOptions, collectValues, validateReleaseName } from './template.js';

export interface RenderReleaseInput {
  releaseName: string;
  namespace: string;
  chart: string;
  values: Pick<TemplateOptions, 'valueFiles' | 'set' | 'setString' | 'setFile' | 'setJson' | 'setLiteral'>;
  revision: number;
  isInstall: boolean;
  isUpgrade: boolean;
  /** Cluster for capabilities; undefined renders with helm's defaults. */
  kube?: Kube;
  /** Values to use instead of collecting them (rollback/resume). */
  config?: GoMap;
  cwd?: string;
}

/** What a `lookup` in the chart read: every (apiVersion, kind, namespace) it asked for (namespace "" = cluster-wide). */
export interface LookupRef {
  apiVersion: string;
  kind: string;
  namespace: string;
}

export async function renderRelease(input: RenderReleaseInput): Promise<Rendered & { chartName: string; lookups: LookupRef[] }> {
  try {
    validateReleaseName(input.releaseName);
  } catch (e) {
    throw new UserError((e as Error).message);
  }
  const cwd = input.cwd ?? process.cwd();
  const [{ loadChart }, { processDependencies }, { coalesceValues }, { makeCapabilities }] = await Promise.all([
    import('../chart/loader.js'),
    import('../chart/dependencies.js'),
    import('../chart/coalesce.js'),
    import('../engine/capabilities.js'),
  ]);
  const warnings: string[] = [];
  let chart;
  try {
    chart = await loadChart(nodePath.resolve(cwd, input.chart), { warn: (m: string) => warnings.push(m) });
  } catch (e) {
    throw new UserError(`cannot load chart ${input.chart}: ${(e as Error).message}`);
  }
  const type = chart.metadata.Type;
  if (type !== '' && type !== 'application') throw new UserError(`${type} charts are not installable`);
  const config = input.config ?? (await collectValues({ chart: input.chart, ...input.values, cwd }));
  let kubeVersion: string | undefined;
  let apiVersions: string[] = [];
  if (input.kube) ({ kubeVersion, apiVersions } = await clusterCapabilities(input.kube));
  const caps = makeCapabilities({ kubeVersion, apiVersions });
  processDependencies(chart, config, () => {});
  const release = newMap();
  release.Name = input.releaseName;
  release.Namespace = input.namespace;
  release.IsUpgrade = input.isUpgrade;
  release.IsInstall = input.isInstall;
  release.Revision = goInt(input.revision); // Helm passes an int
  release.Service = 'Helm';
  const coalesced = coalesceValues(chart, config);
  const { validateAgainstSchema } = await import('../chart/schema.js');
  const schemaErr = await validateAgainstSchema(chart, coalesced);
  if (schemaErr !== '') throw new UserError(`values don't meet the specifications of the schema(s) in the following chart(s):\n${schemaErr}`);
  const top = newMap();
  top.Values = coalesced;
  top.Release = release;
  top.Capabilities = caps;

  const { Engine } = await import('../engine/render.js');
  // `lookup` reads the cluster. Template functions are synchronous (as in Go) and the cluster is asynchronous, so
  // rendering runs in passes: lookups not yet fetched return an empty map and are recorded; they are then fetched
  // and the chart is rendered again, until a pass asks for nothing new (templates may look up what a lookup found).
  const cache = new Map<string, GoMap>();
  const misses = new Map<string, [string, string, string, string]>();
  const looked = new Map<string, LookupRef>(); // for the RBAC of a detached rollout (actions/detach.ts)
  const lookup = input.kube
    ? (apiVersion: string, kind: string, namespace: string, name: string): GoMap => {
        looked.set(JSON.stringify([apiVersion, kind, namespace]), { apiVersion, kind, namespace });
        const key = JSON.stringify([apiVersion, kind, namespace, name]);
        const hit = cache.get(key);
        if (hit) return structuredClone(hit);
        misses.set(key, [apiVersion, kind, namespace, name]);
        return newMap();
      }
    : undefined;
  let files: Map<string, string> = new Map();
  for (let pass = 0; ; pass++) {
    const engine = await Engine.create({ lookup });
    await engine.prepareFor(chart);
    try {
      files = await engine.render(chart, top);
    } catch (e) {
      if (misses.size === 0) throw new UserError((e as Error).message);
    }
    if (misses.size === 0) break;
    if (pass >= 8) throw new UserError('lookup: the chart kept asking for new objects after 8 rendering passes');
    for (const [key, args] of misses) cache.set(key, await lookupOnce(input.kube!, ...args));
    misses.clear();
  }
  const notesKey = `${chart.name()}/templates/NOTES.txt`;
  const notes = files.get(notesKey) ?? '';
  for (const k of [...files.keys()]) if (k.endsWith('NOTES.txt')) files.delete(k);
  const [{ sortManifests }, { parseYaml }] = await Promise.all([import('../release/sort.js'), import('../encoding/yaml.js')]);
  let sorted;
  try {
    sorted = sortManifests(files, (text) => parseYaml(text) as GoValue);
  } catch (e) {
    throw new UserError((e as Error).message);
  }
  let manifest = '';
  for (const m of sorted.manifests) manifest += `---\n# Source: ${m.name}\n${m.content}\n`;
  const hooks: HookJSON[] = sorted.hooks.map((h) => ({
    name: h.name,
    kind: h.kind,
    path: h.path,
    manifest: h.manifest,
    events: h.events,
    last_run: { phase: '' },
    weight: h.weight,
    delete_policies: h.deletePolicies.length ? h.deletePolicies : undefined,
    output_log_policies: h.outputLogPolicies.length ? h.outputLogPolicies : undefined,
  }));
  const crds = chart.crdObjects().map((c) => ({ filename: c.filename, text: new TextDecoder().decode(c.file.data) }));
  return {
    manifest,
    hooks,
    notes: notes.trim(),
    crds,
    chart: chartToJSON(chart),
    config: JSON.parse(JSON.stringify(config, (_k, v) => (typeof v === 'bigint' ? Number(v) : v))) as Record<string, unknown>,
    chartName: chart.name(),
    lookups: [...looked.values()],
  };
}

/** Kubernetes version and served group/versions, for .Capabilities. */
async function clusterCapabilities(kube: Kube): Promise<{ kubeVersion?: string; apiVersions: string[] }> {
  const k8s = await import('@kubernetes/client-node');
  try {
    const v = await kube.config.makeApiClient(k8s.VersionApi).getCode();
    const apis = await kube.config.makeApiClient(k8s.ApisApi).getAPIVersions();
    const apiVersions = ['v1'];
    for (const g of apis.groups ?? []) for (const ver of g.versions ?? []) apiVersions.push(ver.groupVersion);
    kube.requests += 2;
    return { kubeVersion: v.gitVersion, apiVersions };
  } catch {
    return { apiVersions: [] };
  }
}

/** One `lookup`: an object (empty map when missing) or, with an empty name, a list. */
async function lookupOnce(kube: Kube, apiVersion: string, kind: string, namespace: string, name: string): Promise<GoMap> {
  if (name === '') {
    const items = await kube.list(apiVersion, kind, namespace || undefined);
    return { apiVersion, kind: `${kind}List`, metadata: {}, items } as unknown as GoMap;
  }
  const obj = await kube.get(apiVersion, kind, name, namespace || undefined);
  return (obj ? JSON.parse(JSON.stringify(obj)) : newMap()) as GoMap;
}
