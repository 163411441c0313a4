/** Keys whose values rel never prints in plain text unless asked (--show-secrets). */
const SECRET_KEY = /(pass(word|wd)?|secret|token|api[-_]?key|private[-_]?key|credential|auth)/i;

export const MASK = '*** (masked; --show-secrets to print)';

/** Copy of values with secret-looking leaves masked (by key name). */
export function maskSecrets(v: unknown, key = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => maskSecrets(x, key));
  if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = maskSecrets(x, k);
    return out;
  }
  if (SECRET_KEY.test(key) && v !== null && v !== undefined && v !== '') return MASK;
  return v;
}
