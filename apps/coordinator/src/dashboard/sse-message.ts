// Server-sent event framing. Data is one line of JSON: JSON.stringify escapes CR, LF and every other
// control character, so nothing a worker or a file name says can end a message or forge a field.

/** `event: <type>` + `data: <json>`; the type is one of our own names, never from a request. */
export function sseMessage(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A comment line: ignored by readers, keeps idle proxies from closing the connection. */
export const SSE_KEEP_ALIVE = ': keep-alive\n\n';
