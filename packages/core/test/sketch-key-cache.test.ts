import { QuantileSketch } from '../src/analytics/quantile-sketch';
import { SketchKeyCache } from '../src/analytics/sketch-key-cache';

it('answers QuantileSketch.keyOf for every duration, those sharing a slot and the zero bin included', () => {
  const cache = new SketchKeyCache();
  const durations = [0, 1, 4096, 8192, 999, 999 + 4096, 1e12, 1e12 - 4096, 2 ** 31 + 5, 5, 0, 4096, 1];
  for (let round = 0; round < 2; round++) {
    for (const us of durations) expect({ us, key: cache.keyOfMicros(us) }).toStrictEqual({ us, key: QuantileSketch.keyOf(us / 1000) });
  }
});
