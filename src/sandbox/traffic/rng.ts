/** Random numbers for the simulation: seedable so unit tests are reproducible. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
}

/** Small seeded generator (SplitMix32-style mixing); good enough for traffic statistics, not for crypto. */
export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  return {
    next(): number {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      z = (z ^ (z >>> 16)) >>> 0;
      return z / 4294967296;
    },
  };
}

export const mathRng: Rng = { next: () => Math.random() };

/** Integer uniformly drawn from 1..n, like Lua's math.random(n). */
export function randomInt1(rng: Rng, n: number): number {
  return 1 + Math.floor(rng.next() * n);
}

/** Standard normal deviate (Box-Muller). */
export function normal(rng: Rng): number {
  let u = rng.next();
  while (u <= Number.EPSILON) u = rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Log-normal deviate with the given arithmetic mean and shape sigma (sigma of the underlying normal). */
export function lognormalWithMean(rng: Rng, mean: number, sigma: number): number {
  if (mean <= 0) return 0;
  const mu = Math.log(mean) - (sigma * sigma) / 2;
  return Math.exp(mu + sigma * normal(rng));
}
