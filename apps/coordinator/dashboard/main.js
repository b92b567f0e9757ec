// The dashboard: loads workers and jobs, follows GET /events, and refetches what an event says has
// changed (the selected job at most twice a second, however fast its chunks commit).
import { forgetToken, getJson, HttpError, openEventStream, setToken, takeTokenFromFragment, Unauthorized } from './api.js';
import { readEvents } from './event-reader.js';
import { appendLog, renderJob, renderJobs, renderWorkers, setConnection } from './views.js';

const JOBS_SHOWN = 50;
const WORKER_POLL_MS = 2000;
const JOB_REFRESH_MS = 500;
/** GET /jobs every this many worker polls (10 s), besides on every job event. */
const JOBS_POLL_TICKS = 5;

const state = {
  /** job_id → summary (GET /jobs) with progress (from progress messages or GET /jobs/:id). */
  jobs: new Map(),
  selected: null,
  /** Set by the user's click: a new job no longer takes the selection. */
  pinned: false,
  stream: null,
};

function showTokenForm(message) {
  state.stream?.abort();
  document.getElementById('dashboard').hidden = true;
  document.getElementById('token-form').hidden = false;
  const error = document.getElementById('token-error');
  error.hidden = !message;
  error.textContent = message ?? '';
  setConnection('error', 'token needed');
}

function failed(err) {
  if (err instanceof Unauthorized) {
    forgetToken();
    showTokenForm('The coordinator did not accept that token.');
    return;
  }
  if (err?.name !== 'AbortError') setConnection('error', String(err.message ?? err));
}

function drawJobs() {
  const jobs = [...state.jobs.values()].sort((a, b) => b.created_at.localeCompare(a.created_at)).slice(0, JOBS_SHOWN);
  renderJobs(jobs, state.selected, (jobId) => {
    state.selected = jobId;
    state.pinned = true;
    drawJobs();
    refreshSelected();
  });
}

async function refreshWorkers() {
  try {
    renderWorkers((await getJson('/workers')).workers);
  } catch (err) {
    failed(err);
  }
}

async function refreshJobs() {
  try {
    const { jobs } = await getJson('/jobs');
    const known = new Set();
    for (const summary of jobs) {
      known.add(summary.job_id);
      state.jobs.set(summary.job_id, { ...state.jobs.get(summary.job_id), ...summary });
    }
    for (const id of [...state.jobs.keys()]) if (!known.has(id)) state.jobs.delete(id);
    if (!state.pinned || !state.jobs.has(state.selected)) {
      const newest = [...state.jobs.values()].sort((a, b) => b.created_at.localeCompare(a.created_at));
      state.selected = (newest.find((j) => j.status === 'running' || j.status === 'queued') ?? newest[0])?.job_id ?? null;
    }
    if (state.selected === null) document.getElementById('job-detail').hidden = true;
    drawJobs();
    refreshSelected();
  } catch (err) {
    failed(err);
  }
}

// At most one GET /jobs/:id in flight, and one more queued behind it.
let jobFetch = null;
let jobFetchAgain = false;
let lastJobFetchAt = 0;

function refreshSelected() {
  if (state.selected === null) return;
  if (jobFetch) {
    jobFetchAgain = true;
    return;
  }
  const wait = Math.max(0, lastJobFetchAt + JOB_REFRESH_MS - Date.now());
  let jobId = null;
  jobFetch = new Promise((resolve) => setTimeout(resolve, wait))
    .then(async () => {
      lastJobFetchAt = Date.now();
      jobId = state.selected;
      if (jobId === null) return;
      const job = await getJson(`/jobs/${encodeURIComponent(jobId)}`);
      const entry = state.jobs.get(jobId);
      if (entry) entry.progress = job.progress;
      if (state.selected === jobId) renderJob(job);
      drawJobs();
    })
    .catch((err) => {
      // Deleted meanwhile (no event says so): forget it and show what is there now.
      if (err instanceof HttpError && err.status === 404) {
        state.jobs.delete(jobId);
        if (state.selected === jobId) {
          state.selected = null;
          state.pinned = false;
          document.getElementById('job-detail').hidden = true;
        }
        void refreshJobs();
        return;
      }
      failed(err);
    })
    .finally(() => {
      jobFetch = null;
      if (jobFetchAgain) {
        jobFetchAgain = false;
        refreshSelected();
      }
    });
}

const WARNINGS = {
  chunk_expired: (e) => `chunk ${e.chunk_id} of job ${e.job_id} taken back from ${e.worker_id}: ${e.reason}`,
  chunk_failed: (e) => `chunk ${e.chunk_id} of job ${e.job_id} failed on ${e.worker_id}: ${e.error}`,
  result_refused: (e) => `result for chunk ${e.chunk_id} of job ${e.job_id} from ${e.worker_id} refused: ${e.reason}`,
  registration_refused: (e) => `registration of ${e.worker_id} refused: ${e.reason}`,
  worker_lost: (e) => `worker ${e.worker_id} lost: ${e.reason}`,
  job_failed: (e) => `job ${e.job_id} failed: ${e.error}`,
  loop_blocked: (e) => `coordinator event loop blocked for ${e.ms} ms`,
};

function onMessage(type, data) {
  if (WARNINGS[type]) appendLog(WARNINGS[type](data));
  switch (type) {
    case 'ready':
      setConnection('live', 'live');
      void refreshWorkers();
      void refreshJobs();
      return;
    case 'progress':
      for (const update of data.jobs) {
        const entry = state.jobs.get(update.job_id);
        if (!entry) continue;
        entry.status = update.status;
        entry.progress = { ...entry.progress, ...update };
      }
      drawJobs();
      if (data.jobs.some((j) => j.job_id === state.selected)) refreshSelected();
      return;
    case 'job_planned':
    case 'job_completed':
    case 'job_failed':
    case 'job_resumed':
      void refreshJobs();
      // The workers' held chunks change with it.
      void refreshWorkers();
      return;
    case 'worker_joined':
    case 'worker_lost':
    case 'worker_left':
      void refreshWorkers();
      return;
  }
}

/** Follows the event stream, reconnecting (and reloading everything) after it ends or fails. */
async function follow() {
  let delay = 1000;
  for (;;) {
    const controller = new AbortController();
    state.stream = controller;
    try {
      const body = await openEventStream(controller.signal);
      delay = 1000;
      await readEvents(body, onMessage);
      setConnection('error', 'stream ended; reconnecting…');
    } catch (err) {
      if (err instanceof Unauthorized || controller.signal.aborted) return failed(err);
      setConnection('error', `${err.message ?? err}; reconnecting…`);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 15_000);
  }
}

let workerPoll = null;

function start() {
  document.getElementById('token-form').hidden = true;
  document.getElementById('dashboard').hidden = false;
  setConnection('connecting', 'connecting…');
  // Heartbeat figures (memory, CPU, throughput) change without an event, and so does a deleted job.
  let ticks = 0;
  workerPoll ??= setInterval(() => {
    if (document.getElementById('dashboard').hidden) return;
    void refreshWorkers();
    if (++ticks % JOBS_POLL_TICKS === 0) void refreshJobs();
  }, WORKER_POLL_MS);
  void follow();
}

document.getElementById('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = document.getElementById('token-input');
  setToken(input.value);
  input.value = '';
  start();
});

takeTokenFromFragment();
start();
