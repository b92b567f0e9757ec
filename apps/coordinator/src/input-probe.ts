// How the coordinator learns an input's size, identity and kind: an injected function, so tests can
// fake a file that changes, and new input kinds bring their own.
import type { Input, InputSnapshot } from '@loganalyzer/contract';
import { AnalyzerError, inspectInput, unreadableCompression } from '@loganalyzer/core';

/** The input as the job reads it (its kind settled by its first bytes), and its snapshot. */
export interface ProbedInput {
  input: Input;
  snapshot: InputSnapshot;
}

/** Resolves to the probed input; rejects with an error whose message names the input. */
export type InputProbe = (input: Input) => Promise<ProbedInput>;

/**
 * A file's first bytes decide how it is read, not its name: gzip and zstd are
 * decompressed, other compressions are refused in one line naming the file, anything else is text.
 * An input tagged gzip or zstd must be one.
 */
export const fileProbe: InputProbe = async (input) => {
  const { snapshot, compression } = await inspectInput(input.path);
  if (compression !== null) {
    const refusal = unreadableCompression(input.path, compression);
    if (refusal !== null) throw new AnalyzerError('invalid_input', refusal);
  }
  const kind: Input['kind'] = compression === 'gzip' || compression === 'zstd' ? compression : 'file';
  if (input.kind !== 'file' && input.kind !== kind) {
    throw new AnalyzerError('invalid_input', `${input.path} was given as ${input.kind} but is ${kind === 'file' ? 'not compressed' : `${kind}-compressed`}`);
  }
  return { input: { kind, path: input.path }, snapshot };
};
