// Renders the dashboard's state into the page. Everything from the coordinator goes in as text
// (textContent), so a file name or an error message can never become markup.
import { formatInt, formatMs, latencyChart, statusChart, timelineChart } from './charts.js';

const $ = (id) => document.getElementById(id);

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function statusBadge(status) {
  const span = document.createElement('span');
  span.className = 'status';
  span.dataset.status = status;
  span.textContent = status;
  return span;
}

export function formatBytes(n) {
  if (n === undefined || n === null) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

const percentOf = (done, total) => (total > 0 ? Math.floor((done / total) * 100) : 0);

function progressBar(done, total, testId) {
  const wrap = document.createElement('div');
  wrap.className = 'progress';
  const bar = document.createElement('div');
  bar.className = 'bar';
  const percent = percentOf(done, total);
  bar.style.width = `${percent}%`;
  const label = document.createElement('span');
  label.textContent = `${percent}%`;
  if (testId) label.dataset.testid = testId;
  wrap.append(bar, label);
  return wrap;
}

export function renderWorkers(workers) {
  const body = $('workers-body');
  body.replaceChildren(
    ...workers.map((w) => {
      const tr = document.createElement('tr');
      tr.dataset.worker = w.worker_id;
      const status = document.createElement('td');
      status.append(statusBadge(w.status));
      tr.append(
        cell(w.worker_id),
        status,
        cell(`${w.chunks_in_flight} / ${w.concurrency}`, 'num'),
        cell(formatInt(w.chunks_done), 'num'),
        cell(w.bytes_per_second === undefined ? '–' : `${formatBytes(w.bytes_per_second)}/s`, 'num'),
        cell(formatBytes(w.rss_bytes), 'num'),
        cell(w.cpu_percent === undefined ? '–' : `${w.cpu_percent.toFixed(0)} %`, 'num'),
        cell(new Date(w.last_heartbeat).toLocaleTimeString()),
      );
      return tr;
    }),
  );
  if (workers.length === 0) {
    const tr = document.createElement('tr');
    const td = cell('no workers registered', 'empty');
    td.colSpan = 8;
    tr.append(td);
    body.append(tr);
  }
}

/** jobs: newest first, each { job_id, status, filepath, progress? }. */
export function renderJobs(jobs, selected, onSelect) {
  const list = $('jobs');
  list.replaceChildren(
    ...jobs.map((job) => {
      const li = document.createElement('li');
      li.dataset.job = job.job_id;
      li.setAttribute('aria-selected', String(job.job_id === selected));
      const id = document.createElement('span');
      id.textContent = job.job_id;
      const path = document.createElement('span');
      path.className = 'path';
      path.textContent = job.filepath + (job.inputs > 1 ? ` (+${job.inputs - 1} more)` : '');
      path.title = job.filepath;
      const done = job.status === 'completed' ? 1 : (job.progress?.bytes_done ?? 0);
      const total = job.status === 'completed' ? 1 : (job.progress?.bytes_total ?? 0);
      li.append(id, statusBadge(job.status), path, progressBar(done, total));
      li.addEventListener('click', () => onSelect(job.job_id));
      return li;
    }),
  );
  if (jobs.length === 0) list.append(Object.assign(document.createElement('li'), { className: 'empty', textContent: 'no jobs yet' }));
}

function tile(label, value, testId) {
  const div = document.createElement('div');
  div.className = 'tile';
  const l = document.createElement('div');
  l.className = 'label';
  l.textContent = label;
  const v = document.createElement('div');
  v.className = 'value';
  v.textContent = value;
  v.dataset.testid = testId;
  div.append(l, v);
  return div;
}

/** The selected job (GET /jobs/:id): progress per input, counters, charts, top paths. */
export function renderJob(job) {
  $('job-detail').hidden = false;
  $('job-id').textContent = job.job_id;
  $('job-status').replaceChildren(statusBadge(job.status));
  const p = job.progress;
  const percent = job.status === 'completed' ? 100 : percentOf(p.bytes_done, p.bytes_total);
  $('job-bar').style.width = `${percent}%`;
  $('job-percent').textContent = `${percent}%`;
  $('job-error').hidden = job.error === undefined;
  $('job-error').textContent = job.error ?? '';

  $('inputs-body').replaceChildren(
    ...job.input_progress.map((input, i) => {
      const tr = document.createElement('tr');
      const bar = document.createElement('td');
      bar.append(progressBar(input.bytes_done, input.bytes_total, `input-percent-${i}`));
      tr.append(cell(input.input.path ?? JSON.stringify(input.input)), bar, cell(`${formatInt(input.chunks_done)} / ${formatInt(input.chunks_total)}`, 'num'), cell(`${formatBytes(input.bytes_done)} / ${formatBytes(input.bytes_total)}`, 'num'));
      return tr;
    }),
  );

  const m = job.metrics;
  $('tiles').replaceChildren(
    tile('Requests', formatInt(m.request_count), 'requests'),
    tile('Errors', formatInt(m.error_count), 'errors'),
    tile('Error rate', `${(m.error_rate * 100).toFixed(2)} %`, 'error-rate'),
    tile('Lines', formatInt(m.lines), 'lines'),
    tile('Bytes', formatBytes(m.bytes), 'bytes'),
    tile('p95', `${formatMs(m.response_time.p95)} ms`, 'p95'),
    tile('Chunks', `${formatInt(p.chunks_done)} / ${formatInt(p.chunks_total)}`, 'chunks'),
  );

  const timeline = timelineChart(m.timeline);
  $('timeline-chart').replaceChildren(timeline.node);
  $('timeline-caption').textContent = timeline.minutesPerBar > 1 ? `Requests and errors per ${timeline.minutesPerBar} minutes` : 'Requests and errors per minute';
  $('latency-chart').replaceChildren(latencyChart(m.response_time));
  $('status-chart').replaceChildren(statusChart(m.status_classes));

  const paths = m.top.paths.items;
  $('top-paths-body').replaceChildren(
    ...paths.map((item) => {
      const tr = document.createElement('tr');
      tr.append(cell(item.key), cell(formatInt(item.count), 'num'), cell(item.errors === undefined ? '–' : formatInt(item.errors), 'num'));
      return tr;
    }),
  );
  if (paths.length === 0) {
    const tr = document.createElement('tr');
    const td = cell('no request paths in this log', 'empty');
    td.colSpan = 3;
    tr.append(td);
    $('top-paths-body').append(tr);
  }
}

const MAX_LOG_LINES = 100;

/** A warning from the event stream (a chunk taken back or failed, a refused result). */
export function appendLog(text) {
  const li = document.createElement('li');
  li.textContent = `${new Date().toLocaleTimeString()} ${text}`;
  const log = $('log');
  // The panel stays hidden until there is something to warn about.
  $('warnings').hidden = false;
  log.prepend(li);
  while (log.children.length > MAX_LOG_LINES) log.lastElementChild.remove();
}

export function setConnection(state, text) {
  const node = $('connection');
  node.dataset.state = state;
  node.textContent = text;
}
