// AWS load balancer access logs, as they land in S3: a Classic Load Balancer's
//   2015-05-13T23:39:43.945958Z my-elb 192.168.131.39:2817 10.0.0.1:80 0.000073 0.001048 0.000057 200 200 0 29 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.38.0" - -
// and an Application Load Balancer's, which starts with the connection's type and goes on after the
// user agent with the TLS and routing fields:
//   https 2018-07-02T22:23:00.186641Z app/my-alb/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.086 0.048 0.037 200 200 0 57 "GET https://www.example.com:443/ HTTP/1.1" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 …
// The status is the load balancer's (what the client got); the duration is the sum of the three
// processing times (request, target, response) when none is -1, which AWS writes when the request
// never reached a target or the connection closed early. A TCP listener's line (request `- - - `)
// is a connection, not a request: an event with its client and bytes.
import { parseDurationField } from '../duration';
import { parseTimestamp, timestampEnd } from '../timestamp';
import { closingQuoteAt, parseByteCount, parseStatus, setRequestLine, setUnlessDash } from './access-log-parser';
import type { LineParser, LineRecord } from './line-record';

const SPACE = 0x20;
const QUOTE = 0x22;
const DASH = 0x2d;
const COLON = 0x3a;
const UPPER_Z = 0x5a;
const MICROS_PER_SECOND = 1_000_000;

/** The ALB's connection types, the first word of its lines. */
const ALB_TYPES = ['http', 'https', 'h2', 'grpcs', 'ws', 'wss'].map((type) => Buffer.from(type + ' ', 'latin1'));

function tokenEnd(buf: Buffer, i: number, end: number): number {
  while (i < end && buf[i] !== SPACE) i++;
  return i;
}

/** Where the port of `ip:port` starts its colon in buf[start, end), or -1. */
function portColon(buf: Buffer, start: number, end: number): number {
  for (let i = end - 1; i > start; i--) if (buf[i] === COLON) return i;
  return -1;
}

/** The length of the ALB type word (with its space) starting the line at i, or 0. */
function albTypeLength(buf: Buffer, i: number, end: number): number {
  for (const type of ALB_TYPES) {
    if (end - i <= type.length) continue;
    let k = 0;
    while (k < type.length && buf[i + k] === type[k]) k++;
    if (k === type.length) return k;
  }
  return 0;
}

/** The fields after the time, from the load balancer's name on, into rec; false when they are not a load balancer's. */
function readFields(buf: Buffer, i: number, end: number, rec: LineRecord, timeMs: number, format: 'elb' | 'alb'): boolean {
  // name, client:port, target:port, three processing times, two statuses, two byte counts.
  const starts: number[] = [];
  const ends: number[] = [];
  for (let field = 0; field < 10; field++) {
    if (buf[i] !== SPACE) return false;
    const fieldEnd = tokenEnd(buf, i + 1, end);
    if (fieldEnd === i + 1 || fieldEnd >= end) return false;
    starts.push(i + 1);
    ends.push(fieldEnd);
    i = fieldEnd;
  }
  const clientColon = portColon(buf, starts[1], ends[1]);
  const status = parseStatus(buf, starts[6], ends[6]);
  const received = parseByteCount(buf, starts[8], ends[8]);
  const sent = parseByteCount(buf, starts[9], ends[9]);
  if (clientColon < 0 || received < -1 || sent < -1 || (status < 0 && !(ends[6] - starts[6] === 1 && buf[starts[6]] === DASH))) return false;
  if (buf[i] !== SPACE || buf[i + 1] !== QUOTE) return false;
  const requestEnd = closingQuoteAt(buf, i + 2, end);
  if (requestEnd < 0) return false;
  let durationUs = 0;
  for (let t = 3; t < 6 && durationUs >= 0; t++) {
    const us = parseDurationField(buf, starts[t], ends[t], MICROS_PER_SECOND);
    durationUs = us < 0 ? -1 : durationUs + us;
  }
  const tcp = buf[i + 2] === DASH && buf[i + 3] === SPACE;
  rec.format = format;
  rec.timeMs = timeMs;
  rec.isRequest = !tcp;
  rec.mayHoldAccessEscapes = false;
  rec.client.set(starts[1], clientColon);
  if (status > 0) rec.status = status;
  if (sent >= 0) rec.bytesSent = sent;
  rec.durationUs = durationUs < 0 ? -1 : Math.round(durationUs);
  if (!tcp) setRequestLine(buf, i + 2, requestEnd, rec);
  if (buf[requestEnd + 1] === SPACE && buf[requestEnd + 2] === QUOTE) {
    const agentEnd = closingQuoteAt(buf, requestEnd + 3, end);
    if (agentEnd > 0) setUnlessDash(rec.userAgent, buf, requestEnd + 3, agentEnd);
  }
  return true;
}

/** A Classic or Application Load Balancer access line. */
export const parseAwsLoadBalancerLine: LineParser = (buf, start, end, rec) => {
  const typeLength = albTypeLength(buf, start, end);
  // Without an ALB type the line starts with its time: a syslog line's month is no such line.
  if (typeLength === 0 && !(buf[start] >= 0x30 && buf[start] <= 0x39)) return false;
  const timeStart = start + typeLength;
  const timeMs = parseTimestamp(buf, timeStart, end);
  // AWS writes its times in UTC with a Z; anything else is some other log with an ISO time.
  if (Number.isNaN(timeMs) || buf[timestampEnd - 1] !== UPPER_Z) return false;
  return readFields(buf, timestampEnd, end, rec, timeMs, typeLength > 0 ? 'alb' : 'elb');
};
