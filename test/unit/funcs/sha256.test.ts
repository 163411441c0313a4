import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/engine/funcs/sha256.js';
import { call } from './helpers.js';

const ref = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('sha256Hex (sha256sum without node:crypto)', () => {
  it('matches the FIPS 180-4 examples', () => {
    expect(sha256Hex(new Uint8Array())).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(new TextEncoder().encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('matches node:crypto for every length around the block and padding boundaries, and for large inputs', () => {
    let seed = 12345;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
    for (const n of [...Array.from({ length: 200 }, (_, i) => i), 1000, 4095, 4096, 65537, 1 << 20]) {
      const b = new Uint8Array(n);
      for (let i = 0; i < n; i++) b[i] = rnd();
      expect(sha256Hex(b), `length ${n}`).toBe(ref(b));
    }
  });

  it('is what sha256sum returns, raw bytes included', () => {
    expect(call('sha256sum', 'héllo')).toBe(ref(Buffer.from('héllo', 'utf8')));
  });
});
