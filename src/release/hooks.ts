import type { HookJSON } from '../storage/release.js';
import type { KubeObject } from '../kube/client.js';

export const HOOK_ANNOTATION = 'helm.sh/hook';
export const HOOK_WEIGHT_ANNOTATION = 'helm.sh/hook-weight';
export const HOOK_DELETE_ANNOTATION = 'helm.sh/hook-delete-policy';

export const HOOK_EVENTS = [
  'pre-install',
  'post-install',
  'pre-delete',
  'post-delete',
  'pre-upgrade',
  'post-upgrade',
  'pre-rollback',
  'post-rollback',
  'test',
] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

/** True when the object is a hook (has a helm.sh/hook annotation naming at least one known event). */
export function isHook(o: KubeObject): boolean {
  const a = o.metadata?.annotations?.[HOOK_ANNOTATION];
  return typeof a === 'string' && hookEvents(a).length > 0;
}

function hookEvents(annotation: string): HookEvent[] {
  return annotation
    .split(',')
    .map((s) => s.trim())
    .map((s) => (s === 'test-success' ? 'test' : s))
    .filter((s): s is HookEvent => (HOOK_EVENTS as readonly string[]).includes(s));
}

/** Builds the hook record Helm stores with the release. */
export function toHook(o: KubeObject, path: string, manifest: string): HookJSON {
  const ann = o.metadata?.annotations ?? {};
  const weight = Number.parseInt(ann[HOOK_WEIGHT_ANNOTATION] ?? '0', 10);
  const policies = (ann[HOOK_DELETE_ANNOTATION] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    name: o.metadata?.name,
    kind: o.kind,
    path,
    manifest,
    events: hookEvents(ann[HOOK_ANNOTATION] ?? ''),
    last_run: { phase: '' },
    weight: Number.isFinite(weight) ? weight : 0,
    delete_policies: policies.length ? policies : undefined,
  };
}

/** Hooks for an event in execution order: weight, then kind order (as given), then name; Helm's default delete policy applies. */
export function hooksFor(hooks: HookJSON[], event: HookEvent): HookJSON[] {
  return hooks
    .filter((h) => h.events?.includes(event))
    .sort((a, b) => (a.weight ?? 0) - (b.weight ?? 0) || (a.name ?? '').localeCompare(b.name ?? ''));
}

export function deletePolicies(h: HookJSON): string[] {
  return h.delete_policies?.length ? h.delete_policies : ['before-hook-creation'];
}
