/**
 * Deeply nested flow collections (`[[[[...]]]]`, thousands of levels) overflow the stacks of
 * the recursive YAML parsers we use, while go-yaml reads up to 10000 levels. Such segments are
 * cut out of the document, parsed here without recursion and put back into the result.
 * Supported inside a deep segment: flow sequences and mappings, plain and quoted scalars,
 * comments; anchors, aliases and tags make the caller report the depth error instead.
 */
import { newMap, type GoMap, type GoValue } from '../engine/types.js';

/** Flow nesting above which a segment is parsed here. */
export const DEEP_FLOW = 200;

export interface DeepSegment {
  start: number;
  end: number;
}

export class DeepFlowUnsupported extends Error {}

function prevSignificant(text: string, i: number): string {
  let j = i - 1;
  while (j >= 0 && (text[j] === ' ' || text[j] === '\t')) j--;
  return j < 0 ? '\n' : text[j];
}

/** Outermost flow collections nested deeper than DEEP_FLOW. */
export function findDeepFlow(text: string): DeepSegment[] {
  const out: DeepSegment[] = [];
  let depth = 0;
  let max = 0;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
      continue;
    }
    if ((c === '"' || c === "'") && (depth > 0 ? '[{,:\n '.includes(prevSignificant(text, i)) : ':-\n'.includes(prevSignificant(text, i)))) {
      let j = i + 1;
      for (; j < text.length; j++) {
        if (c === '"' && text[j] === '\\') j++;
        else if (text[j] === c) {
          if (c === "'" && text[j + 1] === "'") j++;
          else break;
        }
      }
      i = j;
      continue;
    }
    if (c === '[' || c === '{') {
      if (depth === 0) {
        if (!':-,\n['.includes(prevSignificant(text, i))) continue;
        start = i;
        max = 0;
      }
      depth++;
      if (depth > max) max = depth;
    } else if ((c === ']' || c === '}') && depth > 0) {
      depth--;
      if (depth === 0 && max > DEEP_FLOW) out.push({ start, end: i + 1 });
    }
  }
  return out;
}

type Frame =
  | { kind: 'seq'; items: GoValue[]; pairKey?: string; pairOpen: boolean }
  | { kind: 'map'; map: GoMap; key?: string; haveKey: boolean; afterColon: boolean };

/**
 * Parses one flow collection iteratively. `scalar` turns a plain scalar into its Go value;
 * `key` turns a decoded key scalar into the JSON key string.
 */
export function parseDeepFlow(
  src: string,
  scalar: (plain: string) => GoValue,
  keyOf: (plain: string | null, quoted: string | null) => string,
): GoValue {
  const stack: Frame[] = [];
  let result: GoValue | undefined;
  let i = 0;
  const n = src.length;
  let lastWasQuoted = false;

  const deliver = (v: GoValue, keyText: { plain: string | null; quoted: string | null }) => {
    const top = stack[stack.length - 1];
    if (!top) {
      result = v;
      return;
    }
    if (top.kind === 'seq') {
      if (top.pairOpen) {
        const m = newMap();
        m[top.pairKey!] = v;
        top.items.push(m);
        top.pairOpen = false;
        top.pairKey = undefined;
        return;
      }
      top.items.push(v);
      (top as { lastKey?: { plain: string | null; quoted: string | null } }).lastKey = keyText;
      return;
    }
    if (top.afterColon) {
      top.map[top.key!] = v;
      top.key = undefined;
      top.haveKey = false;
      top.afterColon = false;
      return;
    }
    if (typeof v === 'object' && v !== null) throw new DeepFlowUnsupported('collection key');
    top.key = keyOf(keyText.plain, keyText.quoted);
    top.haveKey = true;
  };

  const closeMapKey = (top: Frame) => {
    if (top.kind === 'map' && top.haveKey && !top.afterColon) {
      top.map[top.key!] = null;
      top.haveKey = false;
      top.key = undefined;
    }
    if (top.kind === 'map' && top.afterColon) {
      top.map[top.key!] = null;
      top.haveKey = false;
      top.afterColon = false;
      top.key = undefined;
    }
    if (top.kind === 'seq' && top.pairOpen) {
      const m = newMap();
      m[top.pairKey!] = null;
      top.items.push(m);
      top.pairOpen = false;
    }
  };

  while (i < n) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(src[i - 1]))) {
      const nl = src.indexOf('\n', i);
      i = nl < 0 ? n : nl;
      continue;
    }
    if (result !== undefined) throw new DeepFlowUnsupported('text after the collection');
    if (c === '[') {
      stack.push({ kind: 'seq', items: [], pairOpen: false });
      i++;
      continue;
    }
    if (c === '{') {
      stack.push({ kind: 'map', map: newMap(), haveKey: false, afterColon: false });
      i++;
      continue;
    }
    if (c === ']' || c === '}') {
      const top = stack.pop();
      if (!top || (c === ']') !== (top.kind === 'seq')) throw new DeepFlowUnsupported('unbalanced');
      closeMapKey(top);
      deliver(top.kind === 'seq' ? top.items : top.map, { plain: null, quoted: null });
      i++;
      continue;
    }
    if (c === ',') {
      const top = stack[stack.length - 1];
      if (!top) throw new DeepFlowUnsupported('comma');
      closeMapKey(top);
      i++;
      continue;
    }
    if (c === ':' && (i + 1 >= n || /[\s,[\]{}]/.test(src[i + 1]) || lastWasQuoted)) {
      const top = stack[stack.length - 1];
      if (!top) throw new DeepFlowUnsupported('colon');
      if (top.kind === 'map') {
        if (!top.haveKey) {
          top.key = keyOf('', null);
          top.haveKey = true;
        }
        top.afterColon = true;
      } else {
        const last = top.items.pop();
        const lk = (top as { lastKey?: { plain: string | null; quoted: string | null } }).lastKey;
        if (last === undefined || lk === undefined || (typeof last === 'object' && last !== null)) throw new DeepFlowUnsupported('pair key');
        top.pairKey = keyOf(lk.plain, lk.quoted);
        top.pairOpen = true;
      }
      lastWasQuoted = false;
      i++;
      continue;
    }
    lastWasQuoted = false;
    if (c === '&' || c === '*' || c === '!' || c === '|' || c === '>' || c === '%' || c === '@' || c === '`' || c === '?') {
      throw new DeepFlowUnsupported(`indicator ${c}`);
    }
    if (c === '"' || c === "'") {
      const { value, next } = c === '"' ? readDouble(src, i) : readSingle(src, i);
      i = next;
      lastWasQuoted = true;
      deliver(value, { plain: null, quoted: value });
      continue;
    }
    // plain scalar
    let j = i;
    while (j < n) {
      const d = src[j];
      if (d === ',' || d === '[' || d === ']' || d === '{' || d === '}') break;
      if (d === ':' && (j + 1 >= n || /[\s,[\]{}]/.test(src[j + 1]))) break;
      if (d === '#' && /\s/.test(src[j - 1])) break;
      j++;
    }
    const raw = src.slice(i, j);
    const plain = raw.replace(/[ \t]*\r?\n[ \t\r\n]*/g, (m) => {
      const breaks = (m.match(/\n/g) ?? []).length;
      return breaks === 1 ? ' ' : '\n'.repeat(breaks - 1);
    }).trim();
    i = j;
    deliver(scalar(plain), { plain, quoted: null });
  }
  if (stack.length > 0 || result === undefined) throw new DeepFlowUnsupported('unterminated');
  return result;
}
function fold(s: string): string {
  return s.replace(/[ \t]*\r?\n[ \t\r\n]*/g, (m) => {
    const breaks = (m.match(/\n/g) ?? []).length;
    return breaks === 1 ? ' ' : '\n'.repeat(breaks - 1);
  });
}

function readSingle(src: string, i: number): { value: string; next: number } {
  let j = i + 1;
  let out = '';
  for (;;) {
    if (j >= src.length) throw new DeepFlowUnsupported('unterminated quote');
    if (src[j] === "'") {
      if (src[j + 1] === "'") {
        out += "'";
        j += 2;
        continue;
      }
      return { value: fold(out), next: j + 1 };
    }
    out += src[j++];
  }
}

const ESC: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};

function readDouble(src: string, i: number): { value: string; next: number } {
  let j = i + 1;
  let out = '';
  let seg = '';
  for (;;) {
    if (j >= src.length) throw new DeepFlowUnsupported('unterminated quote');
    const c = src[j];
    if (c === '"') return { value: out + fold(seg), next: j + 1 };
    if (c === '\\') {
      out += fold(seg);
      seg = '';
      const e = src[j + 1];
      if (e === '\n' || e === '\r') {
        j += 2;
        while (j < src.length && /[ \t\r\n]/.test(src[j])) j++;
        continue;
      }
      if (e in ESC) {
        out += ESC[e];
        j += 2;
        continue;
      }
      const w = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      if (!w) throw new DeepFlowUnsupported('escape');
      const hex = src.slice(j + 2, j + 2 + w);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== w) throw new DeepFlowUnsupported('escape');
      out += String.fromCodePoint(parseInt(hex, 16));
      j += 2 + w;
      continue;
    }
    seg += c;
    j++;
  }
}
