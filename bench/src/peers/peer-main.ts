// Child process of peers.ts: one peer query over one file, timed around the query only (the engine is
// loaded and started first), like our own end-to-end figure, which starts with a running cluster.
// Usage: node peer-main.js <peers dir> <duckdb|chdb> <format> <file> <threads>;
// prints {"seconds", "row"} on stdout, the row being what the query computed.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { InputFormat } from '../inputs';
import { secondsSince } from '../measure';
import { PeerName, peerQuery } from './peer-queries';

interface DuckdbApi {
  DuckDBInstance: {
    create(path: string, options: Record<string, string>): Promise<{ connect(): Promise<{ runAndReadAll(sql: string): Promise<{ getRowObjectsJson(): unknown[] }> }> }>;
  };
}
interface ChdbApi {
  query(sql: string, format: string): string;
}

async function runDuckdb(load: NodeRequire, sql: string, threads: number): Promise<{ seconds: number; row: unknown }> {
  const duckdb = load('@duckdb/node-api') as DuckdbApi;
  const instance = await duckdb.DuckDBInstance.create(':memory:', { threads: String(threads) });
  const connection = await instance.connect();
  await connection.runAndReadAll('SELECT 1');
  const start = process.hrtime.bigint();
  const reader = await connection.runAndReadAll(sql);
  return { seconds: secondsSince(start), row: reader.getRowObjectsJson()[0] };
}

function runChdb(load: NodeRequire, sql: string, threads: number): { seconds: number; row: unknown } {
  const chdb = load('chdb') as ChdbApi;
  chdb.query('SELECT 1', 'CSV');
  const start = process.hrtime.bigint();
  const out = chdb.query(`${sql} SETTINGS max_threads = ${threads}`, 'JSON');
  const seconds = secondsSince(start);
  const parsed = JSON.parse(out) as { data?: unknown[] };
  if (!parsed.data) throw new Error(`chdb answered without data: ${out.slice(0, 300)}`);
  return { seconds, row: parsed.data[0] };
}

async function main(): Promise<void> {
  const [peersDir, peer, format, file, threadsText] = process.argv.slice(2);
  const load = createRequire(join(peersDir, 'package.json'));
  const sql = peerQuery(peer as PeerName, format as InputFormat, file);
  const threads = Number(threadsText);
  const result = peer === 'duckdb' ? await runDuckdb(load, sql, threads) : runChdb(load, sql, threads);
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
