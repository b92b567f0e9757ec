// HashSlots must find every id it holds, and only those, with its key's offset and length beside it,
// through growth, reserve() and removals, with hashes that collide in their low bits.
import { HashSlots } from '../src/analytics/hash-slots';
import { mulberry32, randomInt } from './helpers';

/** A key span of an id, as a test arena would place it. */
const offsetOf = (id: number, shift = 0): number => 7 * id + shift;
const lengthOf = (id: number): number => id % 13;

/** The ids a probe for `hash` passes, as a caller that then compares keys would see them, with their spans. */
function idsUnder(slots: HashSlots, hash: number): Array<[number, number, number]> {
  const found: Array<[number, number, number]> = [];
  for (let slot = slots.start(hash); slots.idAt(slot) >= 0; slot = slots.next(slot)) {
    if (slots.hashAt(slot) === (hash | 0)) found.push([slots.idAt(slot), slots.offsetAt(slot), slots.lengthAt(slot)]);
  }
  return found.sort((a, b) => a[0] - b[0]);
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
        slots.add(hash, nextId, { offsetOf: (id) => offsetOf(id), length: lengthOf });
        held.set(nextId++, hash);
      }
    }
    const expectedUnder = (hash: number, shift: number): Array<[number, number, number]> =>
      [...held].filter(([, h]) => h === hash).map(([id]): [number, number, number] => [id, offsetOf(id, shift), lengthOf(id)]).sort((a, b) => a[0] - b[0]);
    for (const hash of new Set(hashes)) expect([run, hash, idsUnder(slots, hash)]).toStrictEqual([run, hash, expectedUnder(hash, 0)]);
    // An arena that moved its keys: every held id takes its new offset.
    slots.refreshSpans({ offsetOf: (id) => offsetOf(id, 1000), length: lengthOf });
    for (const hash of new Set(hashes)) expect([run, hash, idsUnder(slots, hash)]).toStrictEqual([run, hash, expectedUnder(hash, 1000)]);
  }
});
