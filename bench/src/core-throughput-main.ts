// Child process of core-throughput.ts: one analyzeFilePartial pass over a file on this one thread,
// timed around the call only, so process start-up and module loading are not counted.
// Usage: node core-throughput-main.js <file> <format>; prints {"lines","bytes","seconds","cpu_seconds"}
// on stdout (CPU time of the whole process over the call, its GC threads included).
import { analyzeFilePartial } from '@loganalyzer/core';
import type { NamedFormat } from '@loganalyzer/core';
import { secondsSince } from './measure';

const [filepath, format] = process.argv.slice(2);
const cpuStart = process.cpuUsage();
const start = process.hrtime.bigint();
const metrics = analyzeFilePartial(filepath, { format: format as NamedFormat });
const seconds = secondsSince(start);
const cpu = process.cpuUsage(cpuStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
process.stdout.write(JSON.stringify({ lines: metrics.lines, bytes: metrics.bytes, seconds, cpu_seconds: cpuSeconds }) + '\n');
