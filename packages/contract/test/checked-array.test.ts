// checkedArray must be z.array(item) in every answer but speed: the same success, data and issues
// for any input, and the same OpenAPI description. The top-table entry check is held to the entry
// tuple on valid entries and on every way one can be wrong.
import { initContract } from '@ts-rest/core';
import { generateOpenApi } from '@ts-rest/open-api';
import { z } from 'zod';
import { checkedArray } from '../src/checked-array';
import { SerializedTimelineSchema, SerializedTopKSchema } from '../src/metrics';

const entrySchema = SerializedTopKSchema.shape.entries.element;
const plainEntries = z.array(entrySchema);
const checkedEntries = SerializedTopKSchema.shape.entries;

/** Entries each wrong in one way (or right), as JSON could bring them and beyond. */
const ENTRY_VARIANTS: unknown[] = [
  ['/a', 3, 0, 1, null],
  ['/b', 0, 0, 0, '0;402:3,2:1'],
  ['', 9007199254740991, 9007199254740991, 0, ''],
  ['/c', -0, 0, 0, null],
  ['/d', 1.5, 0, 0, null],
  ['/e', -1, 0, 0, null],
  ['/f', NaN, 0, 0, null],
  ['/g', Infinity, 0, 0, null],
  ['/h', '3', 0, 0, null],
  ['/i', 3, 0.5, 0, null],
  ['/j', 3, 0, -2, null],
  ['/k', 3, 0, 0, 7],
  ['/l', 3, 0, 0, undefined],
  ['/m', 3, 0, 0],
  ['/n', 3, 0, 0, null, 'extra'],
  [null, 3, 0, 0, null],
  [4, 3, 0, 0, null],
  [],
  'not an entry',
  null,
  { 0: '/o', 1: 3, 2: 0, 3: 0, 4: null, length: 5 },
];

function parsedAlike(schema: z.ZodTypeAny, input: unknown): unknown {
  const result = schema.safeParse(input);
  return result.success ? { success: true, data: result.data } : { success: false, issues: result.error.issues };
}

it('answers every entry, alone or among good ones, as z.array of the entry tuple does', () => {
  const good = ENTRY_VARIANTS.slice(0, 4);
  // A sparse array's hole reads as undefined, which the tuple refuses.
  const sparse: unknown[] = [...good];
  sparse[good.length + 1] = good[0];
  const inputs: unknown[] = [[], good, sparse, 'not an array', null, { length: 0 }];
  for (const variant of ENTRY_VARIANTS) inputs.push([variant], [...good, variant], [variant, ...good]);
  for (const input of inputs) expect(parsedAlike(checkedEntries, input)).toStrictEqual(parsedAlike(plainEntries, input));
  // The variants hold both kinds, so the comparison above saw the fast path and zod's own.
  expect(inputs.filter((input) => checkedEntries.safeParse(input).success).length).toBeGreaterThan(3);
  expect(inputs.filter((input) => !checkedEntries.safeParse(input).success).length).toBeGreaterThan(20);
});

it('answers the timeline\'s per-minute arrays as z.array of their item does', () => {
  const values: unknown[] = [0, -0, 3, -3, 1.5, NaN, Infinity, -Infinity, 9007199254740993, '3', null, undefined, '0;402:3', '', {}, []];
  const shape = SerializedTimelineSchema.shape;
  const arrays = { minutes: shape.minutes, requests: shape.requests, errors: shape.errors, timed: shape.timed, duration_us: shape.duration_us, sketches: shape.sketches };
  let accepted = 0;
  let refused = 0;
  for (const [name, checked] of Object.entries(arrays)) {
    const plain = z.array(checked.element);
    const inputs: unknown[] = [[], values, 'not an array', null];
    for (const value of values) inputs.push([value], [value, value], [1, value]);
    for (const input of inputs) {
      expect([name, parsedAlike(checked, input)]).toStrictEqual([name, parsedAlike(plain, input)]);
      if (checked.safeParse(input).success) accepted++;
      else refused++;
    }
  }
  expect([accepted > 30, refused > 100]).toStrictEqual([true, true]);
});

it('passes a valid array through without copying it, and keeps its description and length limits', () => {
  const entries = [
    ['/a', 3, 0, 1, null],
    ['/b', 2, 0, 0, '0;402:2'],
  ];
  const parsed = checkedEntries.safeParse(entries);
  expect(parsed.success && parsed.data === entries).toBe(true);
  expect(checkedEntries.description).toMatch(/^\[key, count, error, errors/);

  const limited = checkedArray(z.number(), (v) => typeof v === 'number').min(2).max(3);
  expect([[1], [1, 2], [1, 2, 3, 4]].map((v) => limited.safeParse(v).success)).toStrictEqual([false, true, false]);
  const described = checkedArray(z.number(), (v) => typeof v === 'number').describe('numbers');
  const input = [1, 2];
  const result = described.safeParse(input);
  expect([described.description, result.success && result.data === input]).toStrictEqual(['numbers', true]);
});

/** The OpenAPI document of a one-route contract whose body is `body`. */
function documentWithBody(body: z.ZodTypeAny): unknown {
  const contract = initContract().router({ post: { method: 'POST', path: '/x', body, responses: { 204: z.null() } } });
  return generateOpenApi(contract, { info: { title: 'x', version: '1' } });
}

it('describes itself in OpenAPI exactly as the plain array does', () => {
  const checked = documentWithBody(z.object({ entries: checkedEntries }));
  expect(checked).toStrictEqual(documentWithBody(z.object({ entries: plainEntries.describe(checkedEntries.description!) })));
  expect(JSON.stringify(checked)).toContain('"entries":{"type":"array"');
});
