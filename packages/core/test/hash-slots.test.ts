// HashSlots must find every id it holds, and only those, through growth, reserve() and removals,
// with hashes that collide in their low bits.
import { HashSlots } from '../src/analytics/hash-slots';
import { mulberry32, randomInt } from './helpers';

/** The ids a probe for `hash` passes, as a caller that then compares keys would see them. */
function idsUnder(slots: HashSlots, hash: number): number[] {
  const found: number[] = [];
  for (let slot = slots.start(hash); slots.idAt(slot) >= 0; slot = slots.next(slot)) if (slots.hashAt(slot) === (hash | 0)) found.push(slots.idAt(slot));
  return found.sort((a, b) => a - b);
}

it('finds exactly the ids it holds through reserve, growth and removal', () => {
  const random = mulberry32(3);
  for (let run = 0; run < 20; run++) {
    const slots = new HashSlots();
    const held = new Map<number, number>();
    // Few distinct hashes, many sharing their low bits: long probe runs.
    const hashes = Array.from({ length: 50 }, () => (randomInt(random, 0, 1 << 20) << 8) | randomInt(random, 0, 3));
    let nextId = 0;
    for (let step = 0; step < 600; step++) {
      const action = randomInt(random, 0, 9);
      if (action === 0) {
        slots.reserve(held.size + randomInt(random, 0, 300));
      } else if (action <= 2 && held.size > 0) {
        const ids = [...held.keys()];
        const id = ids[randomInt(random, 0, ids.length - 1)];
        slots.remove(held.get(id)!, id);
        held.delete(id);
      } else {
        const hash = hashes[randomInt(random, 0, hashes.length - 1)];
        slots.add(hash, nextId);
        held.set(nextId++, hash);
      }
    }
    for (const hash of new Set(hashes)) {
      const expected = [...held].filter(([, h]) => h === hash).map(([id]) => id).sort((a, b) => a - b);
      expect([run, hash, idsUnder(slots, hash)]).toStrictEqual([run, hash, expected]);
    }
  }
});
