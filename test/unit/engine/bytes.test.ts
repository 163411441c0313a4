import { describe, expect, it } from 'vitest';
import { goByteLen, goBytes, goString, hasRawBytes, outputBytes, toValidUtf8 } from '../../../src/engine/bytes.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const fromHex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));

describe('Go byte strings in JS strings (surrogateescape)', () => {
  it.each([
    ['', ''],
    ['61', 'a'],
    ['c3a9', 'é'],
    ['f09f9880', '😀'],
    ['ff', '\udcff'],
    ['61ff62', 'a\udcffb'],
    ['c3', '\udcc3'], // a cut multi-byte character
    ['c328', '\udcc3('],
    ['e282', '\udce2\udc82'],
    ['eda080', '\udced\udca0\udc80'], // an encoded surrogate is not UTF-8 in Go
    ['c080', '\udcc0\udc80'], // overlong
    ['f4908080', '\udcf4\udc90\udc80\udc80'], // beyond U+10FFFF
    ['efbbbf61', '\ufeffa'], // a BOM is kept
    ['80c3a9ff', '\udc80é\udcff'],
  ])('%s <-> %j', (h, s) => {
    expect(goString(fromHex(h))).toBe(s);
    expect(hex(goBytes(s))).toBe(h);
    expect(goByteLen(s)).toBe(h.length / 2);
  });

  it('round-trips every byte sequence of length 1 and 2', () => {
    for (let a = 0; a < 256; a++) {
      const one = Uint8Array.of(a);
      expect(hex(goBytes(goString(one)))).toBe(hex(one));
      for (let b = 0x70; b < 256; b += 7) {
        const two = Uint8Array.of(a, b);
        expect(hex(goBytes(goString(two)))).toBe(hex(two));
      }
    }
  });

  it('tells strings with raw bytes from valid text', () => {
    expect(hasRawBytes('plain ✓ 😀')).toBe(false);
    expect(hasRawBytes('a\udcffb')).toBe(true);
    expect(hasRawBytes('\ud83d')).toBe(true); // a lone high surrogate is no valid text either
  });

  it('a lone surrogate rel did not make is U+FFFD in bytes', () => {
    expect(hex(goBytes('\ud83d'))).toBe('efbfbd');
    expect(hex(goBytes('\udc10'))).toBe('efbfbd');
  });

  it('toValidUtf8 replaces each raw byte with U+FFFD, as json.Marshal does', () => {
    expect(toValidUtf8('a\udcff\udcfeb😀')).toBe('a\ufffd\ufffdb😀');
    expect(toValidUtf8('ok')).toBe('ok');
  });

  it('the output writer gets the raw bytes', () => {
    expect(outputBytes('text')).toBe('text');
    expect(hex(outputBytes('a\udcffb') as Uint8Array)).toBe('61ff62');
  });
});
