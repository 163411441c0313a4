/**
 * Label selectors (string form `a=b,c!=d,e in (x,y),!f` and the object form with matchLabels /
 * matchExpressions) and field selectors (`metadata.name=x,status.phase!=Running`).
 */
import { ApiError } from './errors.js';

export type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!exists' };

export type LabelSelector = Requirement[];

const KEY_RE = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

function bad(msg: string): ApiError {
  return new ApiError(400, 'BadRequest', `unable to parse requirement: ${msg}`);
}

/** Parses the string form of a label selector. Throws a 400 ApiError on bad syntax. */
export function parseLabelSelector(s: string | undefined | null): LabelSelector {
  const out: Requirement[] = [];
  if (!s || !s.trim()) return out;
  let i = 0;
  const n = s.length;
  const ws = () => {
    while (i < n && s[i] === ' ') i++;
  };
  const ident = (): string => {
    ws();
    const st = i;
    while (i < n && !' ,=!()'.includes(s[i]!)) i++;
    return s.slice(st, i);
  };
  while (i < n) {
    ws();
    if (s[i] === '!') {
      i++;
      const key = ident();
      if (!KEY_RE.test(key)) throw bad(`invalid label key "${key}"`);
      out.push({ key, op: '!exists' });
    } else {
      const key = ident();
      if (!KEY_RE.test(key)) throw bad(`invalid label key "${key}"`);
      ws();
      if (i >= n || s[i] === ',') {
        out.push({ key, op: 'exists' });
      } else if (s.startsWith('==', i) || s.startsWith('!=', i) || s[i] === '=') {
        const op = s.startsWith('==', i) ? '==' : s.startsWith('!=', i) ? '!=' : '=';
        i += op.length;
        const v = ident();
        out.push({ key, op: op === '!=' ? 'notin' : 'in', values: [v] });
      } else {
        const word = ident();
        if (word !== 'in' && word !== 'notin') throw bad(`found '${word}', expected: in, notin, =, ==, !=`);
        ws();
        if (s[i] !== '(') throw bad(`found '${s[i] ?? ''}', expected: '('`);
        i++;
        const close = s.indexOf(')', i);
        if (close < 0) throw bad(`found '', expected: ')'`);
        const values = s
          .slice(i, close)
          .split(',')
          .map((v) => v.trim())
          .filter((v) => v !== '');
        i = close + 1;
        out.push({ key, op: word, values });
      }
    }
    ws();
    if (i < n) {
      if (s[i] !== ',') throw bad(`found '${s[i]}', expected: ','`);
      i++;
    }
  }
  return out;
}

/** Converts a metav1.LabelSelector object (matchLabels + matchExpressions) to requirements. */
export function fromLabelSelectorObject(sel: unknown): LabelSelector | null {
  if (!sel || typeof sel !== 'object') return null;
  const o = sel as { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
  const out: Requirement[] = [];
  for (const [k, v] of Object.entries(o.matchLabels ?? {})) out.push({ key: k, op: 'in', values: [String(v)] });
  for (const e of o.matchExpressions ?? []) {
    const op = e.operator;
    if (op === 'In') out.push({ key: e.key, op: 'in', values: e.values ?? [] });
    else if (op === 'NotIn') out.push({ key: e.key, op: 'notin', values: e.values ?? [] });
    else if (op === 'Exists') out.push({ key: e.key, op: 'exists' });
    else if (op === 'DoesNotExist') out.push({ key: e.key, op: '!exists' });
  }
  return out;
}

/** Converts a plain map selector (Service spec.selector) to requirements. */
export function fromMap(m: Record<string, string> | undefined | null): LabelSelector {
  return Object.entries(m ?? {}).map(([key, v]) => ({ key, op: 'in' as const, values: [String(v)] }));
}

export function matchesLabels(sel: LabelSelector, labels: Record<string, string> | undefined | null): boolean {
  const l = labels ?? {};
  for (const r of sel) {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'exists':
        if (!has) return false;
        break;
      case '!exists':
        if (has) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(l[r.key]!)) return false;
        break;
      case 'notin':
        if (has && r.values.includes(l[r.key]!)) return false;
        break;
    }
  }
  return true;
}

export function labelSelectorString(sel: LabelSelector): string {
  return sel
    .map((r) => {
      switch (r.op) {
        case 'exists':
          return r.key;
        case '!exists':
          return `!${r.key}`;
        case 'in':
          return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(',')})`;
        case 'notin':
          return r.values.length === 1 ? `${r.key}!=${r.values[0]}` : `${r.key} notin (${r.values.join(',')})`;
      }
    })
    .join(',');
}

export interface FieldRequirement {
  path: string;
  op: '=' | '!=';
  value: string;
}

export function parseFieldSelector(s: string | undefined | null): FieldRequirement[] {
  if (!s || !s.trim()) return [];
  return s.split(',').map((part) => {
    const m = /^\s*([^!=\s]+)\s*(==|!=|=)\s*(.*?)\s*$/.exec(part);
    if (!m) throw new ApiError(400, 'BadRequest', `invalid selector: '${s}'; can't understand '${part}'`);
    return { path: m[1]!, op: m[2] === '!=' ? '!=' : '=', value: m[3]! };
  });
}

function fieldValue(obj: unknown, path: string): string {
  let cur: unknown = obj;
  for (const p of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[p];
  }
  if (cur === undefined || cur === null) return '';
  return typeof cur === 'object' ? JSON.stringify(cur) : String(cur);
}

export function matchesFields(reqs: FieldRequirement[], obj: unknown): boolean {
  for (const r of reqs) {
    const v = fieldValue(obj, r.path);
    if (r.op === '=' ? v !== r.value : v === r.value) return false;
  }
  return true;
}
