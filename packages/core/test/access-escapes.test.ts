// Access-log keys are decoded (nginx \xHH, Apache \") whichever field holds the escape, while the
// parser spares the accumulator the search for backslashes on lines that have none in their fields.
import { analyzeFilePartial } from '../src/analyze';
import { useTempDir } from './helpers';

const temp = useTempDir();

const TIME = '[24/Jan/2024:10:15:32 +0000]';
const line = (client: string, request: string, referer: string, agent: string): string => `${client} - - ${TIME} ${request} 200 5 "${referer}" "${agent}"`;

/** The keys of a partial's top table of a dimension, in order. */
function keysOf(lines: string[], dimension: 'paths' | 'clients' | 'user_agents'): string[] {
  const partial = analyzeFilePartial(temp.write(`${dimension}.log`, lines.join('\n') + '\n'), { format: 'combined' });
  return partial.top[dimension].entries.map(([key]) => key);
}

it('decodes an escape in the path, the user agent or the client, with no backslash in the other fields of its line', () => {
  const lines = [
    line('10.0.0.1', '"GET /gr\\xC3\\xBC\\xC3\\x9Fe HTTP/1.1"', '-', 'plain/1.0'),
    line('10.0.0.2', '"GET /plain HTTP/1.1"', '-', 'B\\xC3\\xBCcher \\"quoted\\"/2.0'),
    line('10.0.0.\\x33', '"GET /plain HTTP/1.1"', '-', 'plain/1.0'),
    line('10.0.0.4', 'GET /unquoted\\x21 HTTP/1.1', '-', 'plain/1.0'),
  ];
  expect(keysOf(lines, 'paths')).toStrictEqual(['/grüße', '/plain', '/unquoted!']);
  expect(keysOf(lines, 'user_agents')).toStrictEqual(['Bücher "quoted"/2.0', 'plain/1.0']);
  expect(keysOf(lines, 'clients')).toStrictEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']);
});

it('counts a key with an escape and the same key written out as one, on lines with and without backslashes elsewhere', () => {
  const lines = [
    line('10.0.0.1', '"GET /caf\\xC3\\xA9 HTTP/1.1"', '-', 'a'),
    line('10.0.0.1', '"GET /café HTTP/1.1"', '-', 'a'),
    line('10.0.0.1', '"GET /café HTTP/1.1"', 'https://x/\\x22', 'a'),
  ];
  const partial = analyzeFilePartial(temp.write('same.log', lines.join('\n') + '\n'), { format: 'combined' });
  expect(partial.top.paths.entries.map(([key, count]) => [key, count])).toStrictEqual([['/café', 3]]);
});
