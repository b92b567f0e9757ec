// Time-zone abbreviations that programs write after a timestamp: PostgreSQL's default prefix gives
// `2024-01-24 10:15:32.123 UTC [1234] ERROR:  …`. Such a word is the timestamp's zone, never a level:
// the applog reader, which takes any upper-case word there for one, turns these lines away, and the
// event reader reads the zone (its offset, where the abbreviation names one offset) and finds the
// level after it. CST, IST and BST name several zones (US Central or China; India, Ireland or Israel;
// British Summer or Bangladesh): they are read as zones, but their times as UTC.

/** Abbreviation → offset east of UTC in minutes; null where it names several offsets. */
export const ZONE_OFFSETS: ReadonlyMap<string, number | null> = new Map<string, number | null>([
  ['UTC', 0],
  ['GMT', 0],
  ['WET', 0],
  ['WEST', 60],
  ['CET', 60],
  ['CEST', 120],
  ['EET', 120],
  ['EEST', 180],
  ['MSK', 180],
  ['EST', -300],
  ['EDT', -240],
  ['CDT', -300],
  ['MST', -420],
  ['MDT', -360],
  ['PST', -480],
  ['PDT', -420],
  ['AKST', -540],
  ['AKDT', -480],
  ['HST', -600],
  ['JST', 540],
  ['KST', 540],
  ['SGT', 480],
  ['HKT', 480],
  ['AWST', 480],
  ['ACST', 570],
  ['AEST', 600],
  ['AEDT', 660],
  ['NZST', 720],
  ['NZDT', 780],
  ['CST', null],
  ['IST', null],
  ['BST', null],
]);

/** The longest abbreviation above: a longer word is never one. */
export const MAX_ZONE_LETTERS = 4;

/** Upper-case letters packed 5 bits each (A = 1), as the applog readers pack a level's letters. */
export function packUpperLetters(word: string): number {
  let key = 0;
  for (let i = 0; i < word.length; i++) key = key * 32 + (word.charCodeAt(i) - 0x40);
  return key;
}

const OFFSETS_BY_KEY = new Map<number, number | null>([...ZONE_OFFSETS].map(([zone, offset]) => [packUpperLetters(zone), offset]));

/**
 * 1 at (length << 5 | last letter & 31) for the lengths and last letters of the abbreviations above:
 * a level (INFO, WARN, ERROR) is told apart by one load, without packing its letters, on every line.
 */
export const ZONE_SHAPES = new Uint8Array((MAX_ZONE_LETTERS + 1) << 5);
for (const zone of ZONE_OFFSETS.keys()) ZONE_SHAPES[(zone.length << 5) | (zone.charCodeAt(zone.length - 1) & 31)] = 1;

let lastKey = -1;
let lastIsZone = false;

/** Whether packed upper-case letters (packUpperLetters) spell a zone abbreviation above. */
export function isZoneKey(key: number): boolean {
  // Lines mostly repeat their level: one comparison instead of a set lookup.
  if (key !== lastKey) {
    lastKey = key;
    lastIsZone = OFFSETS_BY_KEY.has(key);
  }
  return lastIsZone;
}

/** The offset east of UTC, in minutes, of the zone isZoneKey(key) found; 0 for one of several offsets. */
export function zoneOffsetMinutes(key: number): number {
  return OFFSETS_BY_KEY.get(key) ?? 0;
}
