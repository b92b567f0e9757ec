// Text that came from a request or a log file, made safe to show in a terminal or a JSON message:
// control characters (ESC, CR, LF, BEL, …, and the C1 range a terminal also obeys) are written as \xNN
// so they cannot drive the reader's terminal. A backslash is left alone: it drives nothing.

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
