import { AsciiWriter } from '../src/text/ascii-writer';

it('writes every safe integer as String() does, on both sides of 2^31 and growing its buffer', () => {
  const writer = new AsciiWriter(2);
  const values = [0, 1, 9, 10, 99, 100, 65535, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 32 + 7, 123456789012, Number.MAX_SAFE_INTEGER, -1, -10, -(2 ** 31), -(2 ** 31) - 1, -Number.MAX_SAFE_INTEGER];
  for (const n of values) {
    writer.reset();
    writer.integer(n);
    expect({ n, text: writer.text() }).toStrictEqual({ n, text: String(n) });
  }
  writer.reset();
  for (const n of values) {
    writer.integer(n);
    writer.byte(0x2c);
  }
  expect(writer.text()).toBe(values.map((n) => `${n},`).join(''));
});
