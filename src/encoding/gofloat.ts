/**
 * Go's strconv float formatting, as needed by the codecs:
 * `strconv.FormatFloat(f, 'g', -1, 64|32)` and encoding/json's number format.
 */

/** Shortest round-trip decimal digits and decimal point position of |f| (f finite, non-zero). */
function shortestDigits(f: number, bits: 32 | 64): { digits: string; dp: number } {
  let exp: string;
  if (bits === 64) {
    exp = Math.abs(f).toExponential();
  } else {
    const target = Math.fround(Math.abs(f));
    exp = target.toExponential(8);
    for (let p = 0; p <= 8; p++) {
      const cand = target.toExponential(p);
      if (Math.fround(Number(cand)) === target) {
        exp = cand;
        break;
      }
    }
  }
  const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(exp);
  if (!m) throw new Error(`internal: cannot format ${f}`);
  let digits = m[1] + (m[2] ?? '');
  digits = digits.replace(/0+$/, '') || '0';
  return { digits, dp: Number(m[3]) + 1 };
}

function expSuffix(e: number): string {
  const sign = e < 0 ? '-' : '+';
  const a = Math.abs(e);
  return 'e' + sign + (a < 10 ? '0' + a : String(a));
}

/** strconv.FormatFloat(f, 'g', -1, bits). */
export function formatFloatG(f: number, bits: 32 | 64 = 64): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  const neg = f < 0 || Object.is(f, -0);
  if (f === 0) return neg ? '-0' : '0';
  const { digits, dp } = shortestDigits(f, bits);
  // strconv/ftoa.go: with shortest precision, %e is used when exp < -4 || exp >= 6.
  const exp = dp - 1;
  let body: string;
  if (exp < -4 || exp >= 6) {
    body = digits[0] + (digits.length > 1 ? '.' + digits.slice(1) : '') + expSuffix(exp);
  } else {
    body = fixed(digits, dp);
  }
  return (neg ? '-' : '') + body;
}

/** strconv.FormatFloat(f, 'e', -1, bits). */
export function formatFloatE(f: number, bits: 32 | 64 = 64): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  const neg = f < 0 || Object.is(f, -0);
  if (f === 0) return (neg ? '-' : '') + '0e+00';
  const { digits, dp } = shortestDigits(f, bits);
  return (neg ? '-' : '') + digits[0] + (digits.length > 1 ? '.' + digits.slice(1) : '') + expSuffix(dp - 1);
}

/** strconv.FormatFloat(f, 'f', -1, bits). */
export function formatFloatF(f: number, bits: 32 | 64 = 64): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  const neg = f < 0 || Object.is(f, -0);
  if (f === 0) return neg ? '-0' : '0';
  const { digits, dp } = shortestDigits(f, bits);
  return (neg ? '-' : '') + fixed(digits, dp);
}

function fixed(digits: string, dp: number): string {
  if (dp <= 0) return '0.' + '0'.repeat(-dp) + digits;
  if (dp >= digits.length) return digits + '0'.repeat(dp - digits.length);
  return digits.slice(0, dp) + '.' + digits.slice(dp);
}

/** encoding/json float64 formatting (without the NaN/Inf check). */
export function formatJsonFloat(f: number, bits: 32 | 64 = 64): string {
  if (Object.is(f, -0)) return '-0';
  const abs = Math.abs(f);
  if (abs !== 0 && (bits === 64 ? abs < 1e-6 || abs >= 1e21 : Math.fround(abs) < 1e-6 || Math.fround(abs) >= 1e21)) {
    let s = formatFloatE(f, bits);
    const n = s.length;
    if (n >= 4 && s[n - 4] === 'e' && s[n - 3] === '-' && s[n - 2] === '0') s = s.slice(0, n - 2) + s[n - 1];
    return s;
  }
  return formatFloatF(f, bits);
}
