// How the coordinator learns an input's size and identity: an injected function, so tests can fake
// a file that changes, and new input kinds bring their own.
import type { Input, InputSnapshot } from '@loganalyzer/contract';
import { statInput } from '@loganalyzer/core';

/** Resolves to the input's snapshot; rejects with an error whose message names the input. */
export type InputProbe = (input: Input) => Promise<InputSnapshot>;

export const fileProbe: InputProbe = (input) => statInput(input.path);
