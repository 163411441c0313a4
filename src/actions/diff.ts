import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';
import { UserError } from '../cli/errors.js';
import type { KubeObject } from '../kube/client.js';
import { objectKey, parseManifest } from '../release/manifest.js';
import { MASK } from '../values/mask.js';

export interface DiffOptions {
  namespace: string;
  showSecrets?: boolean;
  color?: boolean;
  context?: number;
}

export interface DiffResult {
  text: string;
  changed: boolean;
  counts: { added: number; removed: number; changed: number };
}

/** Secret values replaced by a marker that still shows whether each key changed. */
function maskSecret(o: KubeObject, other: KubeObject | undefined): KubeObject {
  if (o.kind !== 'Secret') return o;
  const copy = structuredClone(o) as KubeObject & { data?: Record<string, string>; stringData?: Record<string, string> };
  const otherData = { ...((other as { data?: Record<string, string> })?.data ?? {}), ...((other as { stringData?: Record<string, string> })?.stringData ?? {}) };
  for (const field of ['data', 'stringData'] as const) {
    const d = copy[field];
    if (!d) continue;
    for (const k of Object.keys(d)) d[k] = `${MASK}${otherData[k] !== undefined && otherData[k] !== d[k] ? ' (changed)' : ''}`;
  }
  return copy;
}

const paint = (color: boolean, code: number, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);

function title(o: KubeObject, ns: string): string {
  const group = (o.apiVersion ?? '').includes('/') ? ` (${o.apiVersion!.split('/')[0]})` : '';
  return `${o.metadata?.namespace ?? ns}, ${o.metadata?.name}, ${o.kind}${group}`;
}

/** Per-object unified diff between two release manifests (what would change in the cluster). */
export function diffManifests(before: string, after: string, opts: DiffOptions): DiffResult {
  let a: KubeObject[];
  let b: KubeObject[];
  try {
    a = parseManifest(before).map((d) => d.object);
    b = parseManifest(after).map((d) => d.object);
  } catch (e) {
    throw new UserError(`cannot compare manifests: ${(e as Error).message}`);
  }
  const ka = new Map(a.map((o) => [objectKey(o, opts.namespace), o]));
  const kb = new Map(b.map((o) => [objectKey(o, opts.namespace), o]));
  const keys = [...new Set([...ka.keys(), ...kb.keys()])];
  const color = opts.color ?? false;
  const out: string[] = [];
  const counts = { added: 0, removed: 0, changed: 0 };
  for (const k of keys) {
    const oa = ka.get(k);
    const ob = kb.get(k);
    const sa = oa ? stringify(opts.showSecrets ? oa : maskSecret(oa, undefined), { lineWidth: 0 }) : '';
    const sb = ob ? stringify(opts.showSecrets ? ob : maskSecret(ob, oa), { lineWidth: 0 }) : '';
    if (sa === sb) continue;
    const obj = (ob ?? oa)!;
    const verb = !oa ? 'has been added' : !ob ? 'has been removed' : 'has changed';
    if (!oa) counts.added++;
    else if (!ob) counts.removed++;
    else counts.changed++;
    out.push(paint(color, 33, `${title(obj, opts.namespace)} ${verb}:`));
    const patch = createTwoFilesPatch('before', 'after', sa, sb, '', '', { context: opts.context ?? 5 });
    for (const line of patch.split('\n').slice(3)) {
      if (line.startsWith('+')) out.push(paint(color, 32, line));
      else if (line.startsWith('-')) out.push(paint(color, 31, line));
      else if (line.startsWith('@@')) out.push(paint(color, 36, line));
      else if (line !== '\\ No newline at end of file') out.push(line);
    }
  }
  const changed = counts.added + counts.removed + counts.changed > 0;
  return { text: out.join('\n').replace(/\n+$/, '') + (out.length ? '\n' : ''), changed, counts };
}
