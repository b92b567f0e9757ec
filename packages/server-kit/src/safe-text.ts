// Text that came from a request or a log file, made safe to show in a terminal or a JSON message:
// control characters (ESC, CR, BEL, …) are escaped so they cannot drive the reader's terminal.

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
