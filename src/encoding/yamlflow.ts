/**
 * go-yaml v2 (libyaml) on an unterminated or malformed flow collection (`[ ... ]`, `{ ... }`).
 *
 * The `yaml` package reports such errors where its own rules notice them (often an indentation
 * complaint on the next line), but libyaml ignores indentation inside flow collections: it reads
 * on to the end of the stream and fails at the first token its flow grammar does not accept. This
 * module replays that: a small flow-context scanner (tokens, simple keys) and the parser states of
 * libyaml's flow sequences and mappings, from the collection's opening bracket. It answers only
 * for the cases it models and returns undefined for anything else (the caller keeps its own
 * translation then).
 */

type TokKind = '[' | ']' | '{' | '}' | ',' | ':' | 'KEY' | 'NODE' | 'END' | 'BLOCK-ENTRY';

interface Tok {
  kind: TokKind;
  /** 0-based line of the token's start. */
  line: number;
}

/** Thrown inside the scanner for input outside the model. */
class Unsupported extends Error {}

interface SimpleKey {
  index: number; // position in the token list where KEY would go
  line: number;
  offset: number;
}

function isBlank(c: string | undefined): boolean {
  return c === undefined || c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

const FLOW_IND = ',[]{}';

/** Scans flow-context tokens from `start` (an opening bracket) until the outermost collection closes or the stream ends. */
function scan(text: string, start: number, endLine: number): Tok[] {
  const toks: Tok[] = [];
  let i = start;
  let line = 0;
  for (let k = 0; k < start; k++) if (text.charCodeAt(k) === 10) line++;
  let depth = 0;
  let keyAllowed = true;
  const keys: (SimpleKey | undefined)[] = [];
  const push = (kind: TokKind, l = line) => toks.push({ kind, line: l });
  const saveKey = () => {
    if (keyAllowed) keys[depth] = { index: toks.length, line, offset: i };
  };
  for (;;) {
    // skip blanks, line breaks and comments
    for (;;) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\r') i++;
      else if (c === '\n') {
        i++;
        line++;
      } else if (c === '#' && (i === 0 || isBlank(text[i - 1]))) {
        while (i < text.length && text[i] !== '\n') i++;
      } else break;
    }
    // stale simple keys (flow context: never required, just dropped)
    for (let d = 0; d < keys.length; d++) {
      const k = keys[d];
      if (k && (k.line < line || k.offset + 1024 < i)) keys[d] = undefined;
    }
    if (i >= text.length) {
      push('END', endLine);
      return toks;
    }
    const c = text[i]!;
    const col0 = i === 0 || text[i - 1] === '\n';
    if (col0 && (text.startsWith('---', i) || text.startsWith('...', i)) && isBlank(text[i + 3])) throw new Unsupported();
    if (c === '[' || c === '{') {
      saveKey();
      depth++;
      keys[depth] = undefined;
      push(c);
      i++;
      keyAllowed = true;
      continue;
    }
    if (c === ']' || c === '}') {
      keys[depth] = undefined;
      push(c);
      i++;
      depth--;
      keyAllowed = false;
      if (depth === 0) return toks;
      continue;
    }
    if (c === ',') {
      keys[depth] = undefined;
      push(',');
      i++;
      keyAllowed = true;
      continue;
    }
    if (c === ':') {
      const k = keys[depth];
      if (k) {
        toks.splice(k.index, 0, { kind: 'KEY', line: k.line });
        keys[depth] = undefined;
      }
      push(':');
      i++;
      keyAllowed = false;
      continue;
    }
    if (c === '-' && isBlank(text[i + 1])) {
      push('BLOCK-ENTRY');
      return toks;
    }
    if (c === '?' && isBlank(text[i + 1])) throw new Unsupported();
    if (c === '"' || c === "'") {
      saveKey();
      const startLine = line;
      i++;
      for (;;) {
        if (i >= text.length) throw new Unsupported(); // unterminated quote: a scanner error
        const q = text[i]!;
        if (q === '\n') line++;
        if (c === '"' && q === '\\') {
          if (text[i + 1] === '\n') line++;
          i += 2;
          continue;
        }
        if (q === c) {
          if (c === "'" && text[i + 1] === "'") {
            i += 2;
            continue;
          }
          i++;
          break;
        }
        i++;
      }
      push('NODE', startLine);
      keyAllowed = false;
      continue;
    }
    if (c === '&' || c === '!' || c === '*') {
      // anchors and tags are node properties, an alias is a node: none changes the structure here
      if (c === '*') saveKey();
      const startLine = line;
      i++;
      while (i < text.length && !isBlank(text[i]) && !FLOW_IND.includes(text[i]!)) i++;
      if (c === '*') {
        push('NODE', startLine);
        keyAllowed = false;
      }
      continue;
    }
    if ('|>%@`'.includes(c)) throw new Unsupported();
    // a plain scalar: may continue over spaces and line breaks; ends at ": ", a flow indicator or " #"
    saveKey();
    const startLine = line;
    for (;;) {
      if (i >= text.length) break;
      const p = text[i]!;
      if (p === ':' && (isBlank(text[i + 1]) || FLOW_IND.includes(text[i + 1] ?? ''))) {
        if (!isBlank(text[i + 1])) throw new Unsupported(); // "x:]" and the like: version-dependent in go-yaml
        break;
      }
      if (FLOW_IND.includes(p)) break;
      if (isBlank(p)) {
        // look past the blanks: a comment or the end stops the scalar, anything else continues it
        let j = i;
        let nl = 0;
        while (j < text.length && isBlank(text[j])) {
          if (text[j] === '\n') nl++;
          j++;
        }
        if (j >= text.length || text[j] === '#') break;
        const n = text[j]!;
        if (n === ':' && (isBlank(text[j + 1]) || FLOW_IND.includes(text[j + 1] ?? ''))) break;
        if (FLOW_IND.includes(n)) break;
        const atCol0 = j === 0 || text[j - 1] === '\n';
        if (nl > 0 && atCol0 && (text.startsWith('---', j) || text.startsWith('...', j)) && isBlank(text[j + 3])) break;
        line += nl;
        i = j;
        continue;
      }
      i++;
    }
    push('NODE', startLine);
    keyAllowed = false;
  }
}

interface FlowError {
  /** go-yaml's message without the "line N: " prefix. */
  message: string;
  /** The 0-based line go-yaml prints (a parser error prints the token's 0-based line as is). */
  line0: number;
}

/** Parses the token list like libyaml's flow states; returns the first error or undefined. */
function parse(toks: Tok[]): FlowError | undefined {
  let p = 0;
  const peek = () => toks[p]!;
  const fail = (message: string): FlowError => ({ message, line0: peek().line });
  const nodeErr = () => fail('did not find expected node content');

  function node(): FlowError | undefined {
    const t = peek();
    if (t.kind === 'NODE') {
      p++;
      return undefined;
    }
    if (t.kind === '[') {
      p++;
      return collection(']');
    }
    if (t.kind === '{') {
      p++;
      return collection('}');
    }
    return nodeErr();
  }

  function pairValue(closer: TokKind): FlowError | undefined {
    if (peek().kind === ':') {
      p++;
      const k = peek().kind;
      if (k !== ',' && k !== closer) return node();
    }
    return undefined;
  }

  /** A flow sequence or mapping after its opener, up to `closer`: libyaml's grammar is the same for both here. */
  function collection(closer: ']' | '}'): FlowError | undefined {
    let first = true;
    for (;;) {
      let t = peek();
      if (t.kind !== closer) {
        if (!first) {
          if (t.kind === ',') {
            p++;
            t = peek();
          } else return fail(`did not find expected ',' or '${closer}'`);
        }
        first = false;
        if (t.kind === 'KEY') {
          p++;
          const k = peek().kind;
          if (k !== ':' && k !== ',' && k !== closer) {
            const e = node();
            if (e) return e;
          }
          const e = pairValue(closer);
          if (e) return e;
          continue;
        }
        if (t.kind !== closer) {
          const e = node();
          if (e) return e;
          continue;
        }
      }
      p++;
      return undefined;
    }
  }

  return node();
}

/**
 * go-yaml's error for the flow collection opening at `start`, or undefined when it closes
 * without error or uses something this model leaves to the caller. `endLine` is the 0-based line
 * libyaml gives the end of the stream.
 */
export function flowCollectionError(text: string, start: number, endLine: number): FlowError | undefined {
  if (text[start] !== '[' && text[start] !== '{') return undefined;
  let toks: Tok[];
  try {
    toks = scan(text, start, endLine);
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
  return parse(toks);
}
