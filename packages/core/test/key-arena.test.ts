// KeyArena's selection of the first k ids by key must pick exactly the ids a full sort would put
// first, and its sort must give a stable sort's order: keys sharing long prefixes, repeated keys (ties by id), keys ending where others go on, and
// non-ASCII keys (whose UTF-8 bytes rank as JS strings order their UTF-16 units).
import { KeyArena } from '../src/analytics/key-arena';
import { mulberry32, pick, randomInt, shuffled } from './helpers';

/** JS string order (of UTF-16 units), which the arena's byte order must reproduce. */
const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const PIECES = ['/api/', 'users/', '1', '2', '10', 'a', 'é', '\u20ac', '\ud83d\ude00', '\ue000', '', '/', '\u0000', '\u00ff', '/api/v1/'];

function arenaOf(keys: string[]): KeyArena {
  const arena = new KeyArena();
  keys.forEach((key, id) => arena.appendString(id, key));
  return arena;
}

it('puts first exactly the k ids a sort by key (ties by id) puts first, for every k', () => {
  const random = mulberry32(7);
  let sizes = 0;
  for (let run = 0; run < 60; run++) {
    const distinct = Array.from({ length: randomInt(random, 1, 40) }, () => Array.from({ length: randomInt(random, 0, 6) }, () => pick(random, PIECES)).join(''));
    const keys = Array.from({ length: randomInt(random, 1, 120) }, () => pick(random, distinct));
    const arena = arenaOf(keys);
    const byKey = keys.map((_, id) => id).sort((a, b) => compareStrings(keys[a], keys[b]) || a - b);
    for (let k = 0; k <= keys.length; k++) {
      const ids = Int32Array.from(shuffled(random, keys.map((_, id) => id)));
      arena.selectFirstIds(ids, k);
      expect([run, k, [...ids.subarray(0, k)].sort((a, b) => a - b)]).toStrictEqual([run, k, byKey.slice(0, k).sort((a, b) => a - b)]);
      // Nothing lost or repeated.
      expect([...ids].sort((a, b) => a - b)).toStrictEqual(keys.map((_, id) => id));
    }
    sizes += keys.length;
  }
  expect(sizes).toBeGreaterThan(2000);
});

it('sorts ids as a stable sort by key does: long shared prefixes, NUL bytes, keys ending inside a word', () => {
  const random = mulberry32(11);
  let sizes = 0;
  for (let run = 0; run < 200; run++) {
    const distinct = Array.from({ length: randomInt(random, 1, 60) }, () => Array.from({ length: randomInt(random, 0, 9) }, () => pick(random, PIECES)).join(''));
    const keys = Array.from({ length: randomInt(random, 1, 300) }, () => pick(random, distinct));
    const byKey = keys.map((_, id) => id).sort((a, b) => compareStrings(keys[a], keys[b]) || a - b);
    expect([run, [...arenaOf(keys).sortedIds(keys.length)!]]).toStrictEqual([run, byKey]);
    sizes += keys.length;
  }
  expect(sizes).toBeGreaterThan(20_000);
});
