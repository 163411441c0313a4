import { createHash } from 'node:crypto';

/** Kubernetes limits: object names that are DNS subdomains (Ingress, ConfigMap…) and label values. */
export const MAX_NAME = 253;
export const MAX_LABEL_VALUE = 63;

const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 8);
/** A cut name must still end in an alphanumeric character. */
const trimEnd = (s: string) => s.replace(/[^a-z0-9A-Z]+$/, '');

/**
 * The name of an object rel creates beside `base` (an Ingress) for one backend Service: `<base><suffix>` without
 * a service (callers pass one only when the Ingress routes to several Services) or when the Service has the base's
 * name, else `<base>-<service><suffix>`, so two Services behind one Ingress get two objects.
 * Longer than `max`: cut, with a hash of the whole so different long names stay different. Deterministic, so a
 * later process (resume, abort, takeover) finds the same name.
 */
export function routedName(base: string, service: string | undefined, suffix: string, max = MAX_NAME): string {
  const whole = service && service !== base ? `${base}-${service}` : base;
  const name = `${whole}${suffix}`;
  if (name.length <= max) return name;
  const h = hash(whole);
  return `${trimEnd(whole.slice(0, max - suffix.length - h.length - 1))}-${h}${suffix}`;
}

/** A label value of at most 63 characters: as is when it fits, else cut with a hash of the whole. */
export function labelValue(v: string): string {
  if (v.length <= MAX_LABEL_VALUE) return v;
  const h = hash(v);
  return `${trimEnd(v.slice(0, MAX_LABEL_VALUE - h.length - 1))}-${h}`;
}
