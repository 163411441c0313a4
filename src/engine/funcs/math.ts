/** Sprig math and conversion functions (numeric.go, functions.go). */
import { nodeCrypto } from './lazy.js';
import { GoError, GoInt, goInt, sliceOf, type FuncMap, type GoValue } from '../types.js';
import { formatV } from './fmt.js';
import { castToFloat64E, i64, parseGoInt, toFloat64, toInt64 } from './convert.js';

/** Largest list until/untilStep/seq will build (Go would try to allocate any size). */
export const MAX_SEQ = 10_000_000;

/** strconv.Atoi with Sprig's ignore-the-error wrapper. */
export function atoi(s: string): bigint {
  if (!/^[+-]?[0-9]+$/.test(s)) return 0n;
  return parseGoInt(s, 10).value;
}

/** cast.ToInt: the same as ToInt64 on a 64-bit platform. */
export const toInt = toInt64;

export function untilStep(start: bigint, stop: bigint, step: bigint): bigint[] {
  const v: bigint[] = [];
  const check = () => {
    if (v.length > MAX_SEQ) throw new GoError(`sequence longer than ${MAX_SEQ} elements; rel refuses to build it`);
  };
  if (stop < start) {
    if (step >= 0n) return v;
    for (let i = start; i > stop; i += step) {
      v.push(i);
      check();
    }
    return v;
  }
  if (step <= 0n) return v;
  for (let i = start; i < stop; i += step) {
    v.push(i);
    check();
  }
  return v;
}

/** A Go []int. */
function intSlice(xs: bigint[]): GoValue[] {
  return sliceOf('[]int', xs.map((x) => new GoInt(x)));
}

function seq(...params: bigint[]): string {
  const join = (a: bigint[]) => a.map(String).join(' ');
  switch (params.length) {
    case 0:
      return '';
    case 1: {
      const start = 1n;
      const end = params[0];
      const inc = end < start ? -1n : 1n;
      return join(untilStep(start, end + inc, inc));
    }
    case 2: {
      const [start, end] = params;
      const step = end < start ? -1n : 1n;
      return join(untilStep(start, end + step, step));
    }
    case 3: {
      const [start, step, end] = params;
      let inc = 1n;
      if (end < start) {
        inc = -1n;
        if (step > 0n) return '';
      }
      return join(untilStep(start, end + inc, step));
    }
    default:
      return '';
  }
}

// ---- shopspring/decimal, just enough for addf/subf/mulf/divf -----------------

interface Dec {
  c: bigint; // coefficient
  e: number; // exponent: value = c * 10^e
}

function decFromFloat(f: number): Dec {
  if (!Number.isFinite(f)) throw new GoError(`Cannot create a Decimal from ${formatV(f)}`);
  // shortest decimal that round-trips, as NewFromFloat does
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(f))!;
  const frac = m[3] ?? '';
  const c = BigInt(m[1] + m[2] + frac);
  return { c, e: parseInt(m[4] ?? '0', 10) - frac.length };
}

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  const e = Math.min(a.e, b.e);
  return [a.c * 10n ** BigInt(a.e - e), b.c * 10n ** BigInt(b.e - e), e];
}

const decAdd = (a: Dec, b: Dec): Dec => {
  const [x, y, e] = align(a, b);
  return { c: x + y, e };
};
const decSub = (a: Dec, b: Dec): Dec => {
  const [x, y, e] = align(a, b);
  return { c: x - y, e };
};
const decMul = (a: Dec, b: Dec): Dec => ({ c: a.c * b.c, e: a.e + b.e });

/** d.Div(d2) = DivRound(d2, 16): rounded half away from zero to 16 decimal places. */
function decDiv(a: Dec, b: Dec): Dec {
  if (b.c === 0n) throw new GoError('decimal division by 0');
  const prec = 16;
  // a/b scaled to 10^-(prec+1) then rounded
  const num = a.c * 10n ** BigInt(Math.max(0, a.e + prec + 1 - b.e));
  const den = b.c * 10n ** BigInt(Math.max(0, -(a.e + prec + 1 - b.e)));
  let q = num / den; // truncated, 17 decimals
  const neg = q < 0n;
  if (neg) q = -q;
  let r = q / 10n;
  if (q % 10n >= 5n) r += 1n;
  return { c: neg ? -r : r, e: -prec };
}

function decToFloat(d: Dec): number {
  return Number(`${d.c}e${d.e}`);
}

function decimalOp(a: GoValue, rest: GoValue[], op: (x: Dec, y: Dec) => Dec): number {
  let acc = decFromFloat(toFloat64(a));
  for (const x of rest) acc = op(acc, decFromFloat(toFloat64(x)));
  return decToFloat(acc);
}

function roundSprig(a: GoValue, p: bigint, ...rOpt: number[]): number {
  const roundOn = rOpt.length > 0 ? rOpt[0] : 0.5;
  const val = toFloat64(a);
  const pow = Math.pow(10, Number(p));
  const digit = pow * val;
  const frac = digit - Math.trunc(digit);
  const r = frac >= roundOn ? Math.ceil(digit) : Math.floor(digit);
  return r / pow;
}

function toDecimal(v: GoValue): bigint {
  const s = formatV(v === undefined ? null : v);
  if (!/^[+-]?[0-7]+$/.test(s)) return 0n;
  const r = parseGoInt(s, 8);
  return r.err ? 0n : r.value;
}

const divZero = () => new GoError('runtime error: integer divide by zero');

export function mathFuncs(): FuncMap {
  return {
    atoi: { params: ['string'], returns: 'int', fn: (s: string) => goInt(atoi(s)) },
    int64: { params: ['any'], returns: 'int64', fn: (v: GoValue) => toInt64(v) },
    int: { params: ['any'], returns: 'int', fn: (v: GoValue) => goInt(toInt(v)) },
    float64: { params: ['any'], returns: 'float64', fn: (v: GoValue) => toFloat64(v) },
    seq: { params: [], variadic: 'int', returns: 'string', fn: seq },
    toDecimal: { params: ['any'], returns: 'int64', fn: toDecimal },
    until: {
      params: ['int'],
      returns: '[]int',
      fn: (count: bigint) => intSlice(untilStep(0n, count, count < 0n ? -1n : 1n)),
    },
    untilStep: {
      params: ['int', 'int', 'int'],
      returns: '[]int',
      fn: (start: bigint, stop: bigint, step: bigint) => intSlice(untilStep(start, stop, step)),
    },
    add1: { params: ['any'], returns: 'int64', fn: (i: GoValue) => i64(toInt64(i) + 1n) },
    add: {
      params: [],
      variadic: 'any',
      returns: 'int64',
      fn: (...xs: GoValue[]) => xs.reduce<bigint>((a, b) => i64(a + toInt64(b)), 0n),
    },
    sub: { params: ['any', 'any'], returns: 'int64', fn: (a: GoValue, b: GoValue) => i64(toInt64(a) - toInt64(b)) },
    div: {
      params: ['any', 'any'],
      returns: 'int64',
      fn: (a: GoValue, b: GoValue) => {
        const y = toInt64(b);
        if (y === 0n) throw divZero();
        return i64(toInt64(a) / y);
      },
    },
    mod: {
      params: ['any', 'any'],
      returns: 'int64',
      fn: (a: GoValue, b: GoValue) => {
        const y = toInt64(b);
        if (y === 0n) throw divZero();
        return toInt64(a) % y;
      },
    },
    mul: {
      params: ['any'],
      variadic: 'any',
      returns: 'int64',
      fn: (a: GoValue, ...xs: GoValue[]) => xs.reduce<bigint>((acc, b) => i64(acc * toInt64(b)), toInt64(a)),
    },
    randInt: {
      params: ['int', 'int'],
      returns: 'int',
      fn: (min: bigint, max: bigint) => {
        const n = max - min;
        if (n <= 0n) throw new GoError('invalid argument to Intn');
        if (n <= 281474976710655n) return goInt(min + BigInt(nodeCrypto().randomInt(Number(n))));
        return goInt(min + (BigInt.asUintN(64, BigInt(nodeCrypto().randomInt(2 ** 47)) * BigInt(nodeCrypto().randomInt(2 ** 47))) % n));
      },
    },
    add1f: { params: ['any'], returns: 'float64', fn: (i: GoValue) => decimalOp(i, [1n], decAdd) },
    addf: { params: [], variadic: 'any', returns: 'float64', fn: (...xs: GoValue[]) => decimalOp(0, xs, decAdd) },
    subf: { params: ['any'], variadic: 'any', returns: 'float64', fn: (a: GoValue, ...xs: GoValue[]) => decimalOp(a, xs, decSub) },
    divf: { params: ['any'], variadic: 'any', returns: 'float64', fn: (a: GoValue, ...xs: GoValue[]) => decimalOp(a, xs, decDiv) },
    mulf: { params: ['any'], variadic: 'any', returns: 'float64', fn: (a: GoValue, ...xs: GoValue[]) => decimalOp(a, xs, decMul) },
    biggest: maxSpec(),
    max: maxSpec(),
    min: {
      params: ['any'],
      variadic: 'any',
      returns: 'int64',
      fn: (a: GoValue, ...xs: GoValue[]) => xs.reduce<bigint>((acc, b) => (toInt64(b) < acc ? toInt64(b) : acc), toInt64(a)),
    },
    maxf: {
      params: ['any'],
      variadic: 'any',
      returns: 'float64',
      fn: (a: GoValue, ...xs: GoValue[]) => xs.reduce<number>((acc, b) => Math.max(acc, toFloat64(b)), toFloat64(a)),
    },
    minf: {
      params: ['any'],
      variadic: 'any',
      returns: 'float64',
      fn: (a: GoValue, ...xs: GoValue[]) => xs.reduce<number>((acc, b) => Math.min(acc, toFloat64(b)), toFloat64(a)),
    },
    ceil: { params: ['any'], returns: 'float64', fn: (a: GoValue) => Math.ceil(toFloat64(a)) },
    floor: { params: ['any'], returns: 'float64', fn: (a: GoValue) => Math.floor(toFloat64(a)) },
    round: { params: ['any', 'int'], variadic: 'float64', returns: 'float64', fn: roundSprig },
  };
}

function maxSpec() {
  return {
    params: ['any' as const],
    variadic: 'any' as const,
    returns: 'int64',
    fn: (a: GoValue, ...xs: GoValue[]) => xs.reduce<bigint>((acc, b) => (toInt64(b) > acc ? toInt64(b) : acc), toInt64(a)),
  };
}

export { castToFloat64E };
