// Text from logs into HTML: control characters shown as \xNN (as in the terminal report), then the
// five characters HTML gives meaning to, so a path like "<script>" is text in any element or attribute.
import { escapeControl } from '@loganalyzer/server-kit';

const HTML_SPECIAL: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return escapeControl(text).replace(/[&<>"']/g, (c) => HTML_SPECIAL[c]);
}
