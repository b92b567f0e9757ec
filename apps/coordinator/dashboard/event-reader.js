// Reads a text/event-stream body (fetch + ReadableStream: EventSource cannot send an Authorization
// header). Follows the SSE rules the coordinator relies on: lines end in LF, CRLF or CR; a blank line
// ends a message; "event:" names it, "data:" lines are joined with LF; lines starting ":" are comments.

/** Parses SSE text fed in arbitrary pieces; calls onMessage({ type, data }) for each complete message. */
export class EventParser {
  constructor(onMessage) {
    this.onMessage = onMessage;
    this.buffer = '';
    this.type = '';
    this.data = [];
  }

  push(text) {
    this.buffer += text;
    let start = 0;
    for (;;) {
      const lf = this.buffer.indexOf('\n', start);
      const cr = this.buffer.indexOf('\r', start);
      let end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
      if (end === -1) break;
      // A CR at the very end may be the first half of a CRLF: wait for the next piece.
      if (end === cr && end === this.buffer.length - 1) break;
      const line = this.buffer.slice(start, end);
      start = end + (this.buffer[end] === '\r' && this.buffer[end + 1] === '\n' ? 2 : 1);
      this.line(line);
    }
    this.buffer = this.buffer.slice(start);
  }

  line(line) {
    if (line === '') {
      if (this.data.length > 0) this.onMessage({ type: this.type || 'message', data: this.data.join('\n') });
      this.type = '';
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.type = value;
    else if (field === 'data') this.data.push(value);
  }
}

/** Reads the stream to its end, handing each message (data parsed as JSON) to onMessage. */
export async function readEvents(body, onMessage) {
  const parser = new EventParser(({ type, data }) => {
    let parsed;
    try {
      parsed = JSON.parse(data);
    } catch {
      return; // not ours: every message the coordinator writes is one line of JSON
    }
    onMessage(type, parsed);
  });
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    parser.push(value);
  }
}
