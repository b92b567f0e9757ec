// The hand-written byte scanners of serialized sketches and per-second counts (quantile-sketch.ts,
// second-counts.ts, over text/ascii-bytes.ts) accept exactly the texts their grammars' regular
// expressions accept (sketch keys also within the mapping's range, second counts within 32 bits), and
// read the same numbers.
import { MAX_SKETCH_KEY, MIN_SKETCH_KEY, QuantileSketch } from '../src/analytics/quantile-sketch';
import { forEachSerialized, MAX_SECOND_COUNT, SERIALIZED_SECONDS } from '../src/analytics/second-counts';
import { mulberry32, pick, Random, randomInt } from './helpers';

const SKETCH = /^\d+;(?:-?\d+:[1-9]\d*(?:,[1-9]\d*:[1-9]\d*)*)?$/;
const ALPHABET = ['0', '1', '7', '9', '-', ';', ':', ',', ' ', 'x'];

/** Valid text from the grammar, then (sometimes) one random edit, so both sides of the line get tried. */
function candidate(random: Random, sketch: boolean): string {
  const parts: string[] = [];
  const entries = randomInt(random, 0, 4);
  const number = (positive: boolean) => (positive ? String(randomInt(random, 1, 3000)) : String(randomInt(random, 0, 3000)));
  for (let e = 0; e < entries; e++) {
    const key = e === 0 ? `${random() < 0.3 ? '-' : ''}${number(false)}` : sketch || random() < 0.5 ? number(true) : '';
    parts.push(`${key}:${number(true)}`);
  }
  let text = (sketch ? `${number(false)};` : '') + parts.join(',');
  const edits = randomInt(random, 0, 2);
  for (let k = 0; k < edits; k++) {
    const at = randomInt(random, 0, text.length);
    const kind = randomInt(random, 0, 2);
    if (kind === 0) text = text.slice(0, at) + pick(random, ALPHABET) + text.slice(at);
    else if (kind === 1) text = text.slice(0, at) + text.slice(at + 1);
    else text = text.slice(0, at) + pick(random, ALPHABET) + text.slice(at + 1);
  }
  return text;
}

/** The pairs the old slice-and-Number reader found. */
function pairsBySlicing(text: string, sketch: boolean): Array<[number, number]> {
  const body = sketch ? text.slice(text.indexOf(';') + 1) : text;
  if (body === '') return [];
  let at = NaN;
  return body.split(',').map((entry, i) => {
    const [key, n] = entry.split(':');
    at = i === 0 ? Number(key) : at + (key === '' ? 1 : Number(key));
    return [at, Number(n)];
  });
}

it('accepts exactly the serialized sketches the grammar allows, keys within range, with the same bins', () => {
  const random = mulberry32(7);
  let accepted = 0;
  let keyOutOfRange = 0;
  for (let run = 0; run < 20_000; run++) {
    const text = candidate(random, true);
    let sketch: QuantileSketch | null = null;
    try {
      sketch = QuantileSketch.deserialize(text);
    } catch (err) {
      expect((err as Error).message).toBe('not a serialized quantile sketch');
    }
    const keysInRange = SKETCH.test(text) && pairsBySlicing(text, true).every(([key]) => key >= MIN_SKETCH_KEY && key <= MAX_SKETCH_KEY);
    if (SKETCH.test(text) && !keysInRange) keyOutOfRange++;
    expect({ text, accepted: sketch !== null }).toStrictEqual({ text, accepted: keysInRange });
    if (sketch === null) continue;
    accepted++;
    const pairs = pairsBySlicing(text, true);
    expect(sketch.count).toBe(Number(text.slice(0, text.indexOf(';'))) + pairs.reduce((sum, [, n]) => sum + n, 0));
    // Merging unpacks through the scanner's visits: the copy must hold the same bins.
    const merged = QuantileSketch.empty();
    merged.merge(sketch);
    expect(merged.serialize()).toBe(text.replace(/^0+(?=\d)/, '').replace(/;-0:/, ';0:').replace(/;(-?)0+(?=\d)/, ';$1'));
  }
  expect(accepted).toBeGreaterThan(2000);
  // Random edits make some keys too large; without them the range check would go untested here.
  expect(keyOutOfRange).toBeGreaterThan(10);
});

it('accepts exactly the per-second counts the grammar allows, counts within a 32-bit counter, with the same seconds', () => {
  const random = mulberry32(11);
  let accepted = 0;
  let countTooLarge = 0;
  for (let run = 0; run < 20_000; run++) {
    const text = candidate(random, false);
    const seen: Array<[number, number]> = [];
    let ok = true;
    try {
      forEachSerialized(text, (second, n) => seen.push([second, n]));
    } catch (err) {
      expect((err as Error).message).toBe('not serialized per-second counts');
      ok = false;
    }
    const countsFit = SERIALIZED_SECONDS.test(text) && pairsBySlicing(text, false).every(([, n]) => n <= MAX_SECOND_COUNT);
    if (SERIALIZED_SECONDS.test(text) && !countsFit) countTooLarge++;
    expect({ text, ok }).toStrictEqual({ text, ok: countsFit });
    if (!ok) {
      expect(seen).toStrictEqual([]);
      continue;
    }
    accepted++;
    // "-0:n" is second 0, which the decoded counts visit as 0; Number('-0') is -0.
    expect(seen).toStrictEqual(pairsBySlicing(text, false).map(([second, n]) => [second + 0, n]));
  }
  expect(accepted).toBeGreaterThan(2000);
  // Random edits make a few counts too large (4 in this run); the next test holds the edge itself.
  expect(countTooLarge).toBeGreaterThan(0);
});

it('takes a second count up to 2^32 - 1 and refuses the next', () => {
  const seen: Array<[number, number]> = [];
  forEachSerialized(`7:${MAX_SECOND_COUNT},:1`, (second, n) => seen.push([second, n]));
  expect(seen).toStrictEqual([[7, MAX_SECOND_COUNT], [8, 1]]);
  expect(() => forEachSerialized(`7:1,:${MAX_SECOND_COUNT + 1}`, () => undefined)).toThrow('not serialized per-second counts');
});
