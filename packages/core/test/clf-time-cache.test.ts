// Access-log times read in any order give the same instants as read one by one: the minute cache is
// keyed by the whole minute, so a slot shared by two days or two hours never answers for the other.
import { parseClfTime } from '../src/formats/clf-time';
import { mulberry32, randomInt, shuffled } from './helpers';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

it('reads times shuffled across days, hours and minutes exactly', () => {
  const random = mulberry32(5);
  const instants = Array.from({ length: 5000 }, () => Date.UTC(2024, randomInt(random, 0, 1), randomInt(random, 1, 28), randomInt(random, 0, 23), randomInt(random, 0, 59), randomInt(random, 0, 59)));
  const read = shuffled(random, instants).map((ms) => {
    const d = new Date(ms);
    const text = Buffer.from(`${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`);
    return [ms, parseClfTime(text, 0, text.length)];
  });
  expect(read.filter(([want, got]) => want !== got)).toStrictEqual([]);
});

it('applies each line\'s own zone to a cached minute', () => {
  const a = Buffer.from('10/Oct/2000:13:55:36 -0700');
  const b = Buffer.from('10/Oct/2000:13:55:36 +0200');
  expect([parseClfTime(a, 0, a.length), parseClfTime(b, 0, b.length)]).toStrictEqual([Date.UTC(2000, 9, 10, 20, 55, 36), Date.UTC(2000, 9, 10, 11, 55, 36)]);
});
