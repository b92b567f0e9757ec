// Hand-written SVG charts: built with DOM calls (text goes in as text, never as markup), sized by
// viewBox so they scale with the page. Each chart's root carries its data as data-* attributes for tests.
const SVG = 'http://www.w3.org/2000/svg';

function el(name, attrs = {}, text) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function svgRoot(width, height, attrs = {}) {
  return el('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', preserveAspectRatio: 'xMidYMid meet', ...attrs });
}

function empty(message) {
  const p = document.createElement('p');
  p.className = 'empty';
  p.textContent = message;
  return p;
}

export const formatInt = (n) => Math.round(n).toLocaleString('en-US');
export const formatMs = (ms) => (ms === null || ms === undefined ? '–' : ms >= 100 ? formatInt(ms) : ms.toFixed(ms >= 10 ? 1 : 2));

/** Most bars drawn: a long log's minutes are summed into buckets of several minutes. */
const MAX_BARS = 240;

/** Requests (blue) and errors (red, in front) per minute, or per bucket of minutes for long spans. */
export function timelineChart(timeline) {
  if (timeline.length === 0) return { node: empty('no timestamped lines yet'), minutesPerBar: 1 };
  const minutesPerBar = Math.ceil(timeline.length / MAX_BARS);
  const bars = [];
  for (let i = 0; i < timeline.length; i += minutesPerBar) {
    const slice = timeline.slice(i, i + minutesPerBar);
    bars.push({ minute: slice[0].minute, requests: slice.reduce((s, m) => s + m.requests, 0), errors: slice.reduce((s, m) => s + m.errors, 0) });
  }
  const width = 600, height = 200, left = 52, bottom = 22, top = 10;
  const plotW = width - left - 4, plotH = height - top - bottom;
  const max = Math.max(1, ...bars.map((b) => b.requests));
  const step = plotW / bars.length;
  const totalRequests = bars.reduce((s, b) => s + b.requests, 0);
  const totalErrors = bars.reduce((s, b) => s + b.errors, 0);
  const svg = svgRoot(width, height, { 'data-bars': bars.length, 'data-total-requests': totalRequests, 'data-total-errors': totalErrors });
  svg.append(el('line', { class: 'axis', x1: left, y1: top + plotH, x2: width - 4, y2: top + plotH }));
  svg.append(el('text', { x: left - 4, y: top + 10, 'text-anchor': 'end' }, formatInt(max)));
  svg.append(el('text', { x: left - 4, y: top + plotH, 'text-anchor': 'end' }, '0'));
  bars.forEach((b, i) => {
    const x = left + i * step;
    const w = Math.max(0.5, step - (step > 3 ? 1 : 0));
    const h = (b.requests / max) * plotH;
    const requests = el('rect', { class: 'bar-requests', x, y: top + plotH - h, width: w, height: h, 'data-requests': b.requests });
    requests.append(el('title', {}, `${b.minute}: ${formatInt(b.requests)} requests, ${formatInt(b.errors)} errors`));
    svg.append(requests);
    const eh = (b.errors / max) * plotH;
    if (eh > 0) svg.append(el('rect', { class: 'bar-errors', x, y: top + plotH - eh, width: w, height: eh, 'data-errors': b.errors }));
  });
  const label = (minute) => minute.slice(0, 16).replace('T', ' ');
  svg.append(el('text', { x: left, y: height - 4 }, label(bars[0].minute)));
  svg.append(el('text', { x: width - 4, y: height - 4, 'text-anchor': 'end' }, label(bars[bars.length - 1].minute)));
  return { node: svg, minutesPerBar };
}

/** Horizontal bars: p50 … p99.9 of the response time. */
export function latencyChart(responseTime) {
  const rows = [['p50', responseTime.p50], ['p90', responseTime.p90], ['p95', responseTime.p95], ['p99', responseTime.p99], ['p99.9', responseTime.p99_9]].filter(([, v]) => v !== null);
  if (rows.length === 0) return empty('no timed requests yet');
  return horizontalBars(rows, 'bar-latency', (v) => `${formatMs(v)} ms`);
}

/** Requests per status class (2xx, 3xx, …). */
export function statusChart(statusClasses) {
  const rows = Object.entries(statusClasses).sort(([a], [b]) => a.localeCompare(b));
  if (rows.length === 0) return empty('no HTTP status codes in this log');
  return horizontalBars(rows, 'bar-status', formatInt);
}

function horizontalBars(rows, barClass, format) {
  const width = 600, rowH = 26, left = 56, right = 110;
  const height = rows.length * rowH + 4;
  const max = Math.max(...rows.map(([, v]) => v), 1e-9);
  const svg = svgRoot(width, height, { 'data-rows': rows.length });
  rows.forEach(([label, value], i) => {
    const y = 2 + i * rowH;
    const w = Math.max(1, (value / max) * (width - left - right));
    svg.append(el('text', { x: left - 6, y: y + 17, 'text-anchor': 'end' }, label));
    svg.append(el('rect', { class: barClass, x: left, y: y + 2, width: w, height: rowH - 6, 'data-label': label, 'data-value': value, 'data-class': label }));
    svg.append(el('text', { x: left + w + 6, y: y + 17 }, format(value)));
  });
  return svg;
}
