// A job as JSON for a terminal. JSON.stringify escapes C0 controls (ESC becomes \u001b) but leaves DEL
// and the C1 range raw, and terminals obey C1 too (U+009B is CSI); written as \u00NN they are the same
// JSON value and drive nothing.
const LEFT_RAW_BY_JSON = /[\u007f-\u009f]/g;

export function toTerminalJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(LEFT_RAW_BY_JSON, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}
