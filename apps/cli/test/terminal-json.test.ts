// --json output: the same JSON value, with nothing in it a terminal would obey.
import { toTerminalJson } from '../src/terminal-json';

it('writes DEL and C1 controls as \\u00NN, which JSON.stringify leaves raw', () => {
  const value = { key: 'a\u007fb\u0080c\u009bd\u009f', other: ['\u00a0é'] };

  const text = toTerminalJson(value);

  expect(text).toBe(['{', String.raw`  "key": "a\u007fb\u0080c\u009bd\u009f",`, '  "other": [', '    "\u00a0é"', '  ]', '}'].join('\n'));
  expect(JSON.parse(text)).toStrictEqual(value);
});

it('leaves C0 controls to JSON.stringify, which escapes them', () => {
  expect(toTerminalJson({ text: '\u001b[2J\r\u0007' })).toBe(['{', String.raw`  "text": "\u001b[2J\r\u0007"`, '}'].join('\n'));
});
