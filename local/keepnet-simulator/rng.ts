// A small seeded PRNG (mulberry32): the seed data, generated ids and probabilistic faults repeat
// exactly for a given seed, which keeps failing tests reproducible.

/** A source of numbers in [0, 1), like Math.random. */
export type Random = () => number;

/**
 * mulberry32 seeded with `seed` (taken as an unsigned 32-bit integer): the same seed gives the same sequence.
 */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Keepnet resource ids: 12 alphanumeric characters. */
export function resourceId(random: Random): string {
  let id = '';
  for (let i = 0; i < 12; i++) id += ID_ALPHABET[Math.floor(random() * ID_ALPHABET.length)];
  return id;
}

/** A random element of `items`; throws on an empty list. */
export function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}
