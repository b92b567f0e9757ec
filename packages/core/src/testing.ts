// @loganalyzer/core/testing: deterministic log generators for tests, demos and benchmarks. Not part of
// the analyzer's surface (index.ts), so that what production code may use is obvious.
export { generateApplog, writeApplogFile } from './applog-generator';
export type { ApplogGeneratorOptions } from './applog-generator';
export { generateAccessLog, generateJsonLog, generateLogfmtLog, generateMixedLog, writeLogFile } from './log-generators';
export type { LogGeneratorOptions, AccessLogOptions, MixedLogOptions } from './log-generators';
export { mulberry32 } from './seeded-random';
export type { Random } from './seeded-random';
