/** Modules loaded on first use, to keep `rel template` start-up lean. */
import { createRequire } from 'node:module';

const req = createRequire(import.meta.url);
let cryptoMod: typeof import('node:crypto') | undefined;

/** node:crypto (about 20 ms to load; most charts never need it). */
export function nodeCrypto(): typeof import('node:crypto') {
  cryptoMod ??= req('node:crypto') as typeof import('node:crypto');
  return cryptoMod;
}

export function lazyRequire<T>(id: string): () => T {
  let m: T | undefined;
  return () => (m ??= req(id) as T);
}
