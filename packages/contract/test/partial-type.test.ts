// The contract's schemas and core's interfaces describe one wire shape twice; these checks hold them
// to one type. The type checks run when ts-jest compiles this file: a field added, dropped or retyped
// on one side only is a compile error, and so a failed suite.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeRange, toReport } from '@loganalyzer/core';
import type { MetricsReport as CoreMetricsReport, PartialMetrics as CorePartialMetrics } from '@loganalyzer/core';
import { generateMixedLog, writeLogFile } from '@loganalyzer/core/testing';
import { z } from 'zod';
import { MetricsReportSchema, PartialMetricsSchema } from '../src/metrics';

/** True only when A and B are the same type, optional and readonly modifiers included (not merely assignable). */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

const partialTypesAgree: Equals<z.infer<typeof PartialMetricsSchema>, CorePartialMetrics> = true;
const reportTypesAgree: Equals<z.infer<typeof MetricsReportSchema>, CoreMetricsReport> = true;

let dir = '';
let partial: CorePartialMetrics;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'loganalyzer-contract-test-'));
  const filepath = join(dir, 'mixed.log');
  // Every format and the nasty lines, so that every map, sample and sketch has something in it.
  const size = writeLogFile(filepath, generateMixedLog(2000, { seed: 31 }));
  partial = analyzeRange(filepath, 0, size);
});

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

it("has the contract's partial and report types equal to core's", () => {
  expect([partialTypesAgree, reportTypesAgree]).toStrictEqual([true, true]);
});

it('parses a real partial strictly, keeping every field as it was', () => {
  expect(partial.malformed_samples.length > 0 && partial.latency !== null && partial.top.user_agents.entries.length > 0).toBe(true);
  // A non-strict object schema would drop unknown keys silently: the parsed copy must equal the input.
  expect(PartialMetricsSchema.strict().parse(partial)).toStrictEqual(partial);
});

it('parses the report of a real partial strictly, keeping every field as it was', () => {
  const report = toReport(partial);
  expect(report.top.paths.items.length > 0 && report.timeline.length > 0).toBe(true);
  expect(MetricsReportSchema.strict().parse(report)).toStrictEqual(report);
});

it('parses the report of a partial analyzed in a time window, with the window shown', () => {
  const report = toReport({ ...partial, outside_window: 7 }, { sinceMs: Date.UTC(2024, 0, 24) });
  expect([report.outside_window, report.window]).toStrictEqual([7, { since: '2024-01-24T00:00:00.000Z', until: null }]);
  expect(MetricsReportSchema.strict().parse(report)).toStrictEqual(report);
});

it('refuses a partial of another version', () => {
  expect(PartialMetricsSchema.safeParse({ ...partial, version: 2 }).success).toBe(false);
  expect(PartialMetricsSchema.safeParse({ ...partial, version: 5 }).success).toBe(false);
  // 4 is written; 3, whose non-exact tables were always full, is still read.
  expect([3, 4].map((version) => PartialMetricsSchema.safeParse({ ...partial, version }).success)).toStrictEqual([true, true]);
});
