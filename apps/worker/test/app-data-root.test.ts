// What a worker with a --data-root reads on a task's say-so: only regular files inside the root, after
// following symlinks, and only ranges within the input as planned. A refusal names the path and never
// carries a byte of the file it was pointed at.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChunkTask } from '@loganalyzer/contract';
import { analyzeRange } from '@loganalyzer/core';
import { DataRoots } from '@loganalyzer/server-kit';
import request from 'supertest';
import { createApp } from '../src/app';
import { ChunkWorker, ChunkProcessor } from '../src/chunk-worker';
import { fakeReporter, sampleMetrics, task } from './helpers';

const SECRET = 'root:$6$TOP-SECRET-MARKER-9f4c1e$:20228:0:99999:7:::';

let base: string;
let root: string;
let secretFile: string;
let appLog: string;

beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'worker-data-root-')));
  root = join(base, 'root');
  mkdirSync(join(root, 'sub'), { recursive: true });
  mkdirSync(join(base, 'outside'));
  secretFile = join(base, 'outside', 'shadow');
  writeFileSync(secretFile, `${SECRET}\n`);
  appLog = join(root, 'app.log');
  writeFileSync(appLog, '2024-01-24T10:15:32.123Z INFO user login ok took 12ms\n2024-01-24T10:15:33.000Z ERROR db timeout took 5003ms\n');
  symlinkSync(secretFile, join(root, 'escape-link'));
  symlinkSync(appLog, join(root, 'current.log'));
  execFileSync('mkfifo', [join(root, 'pipe')]);
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

/** The task of a chunk of `path` as the coordinator would plan it: its snapshot is the file's stat. */
function taskOf(path: string, overrides: Partial<ChunkTask> = {}): ChunkTask {
  let snapshot = task().snapshot;
  try {
    const stats = statSync(path);
    snapshot = { size: stats.size, mtime_ms: stats.mtimeMs, dev: stats.dev, ino: stats.ino };
  } catch {
    // a path that cannot be stat'ed keeps the placeholder snapshot
  }
  return task({ input: { kind: 'file', path }, snapshot, start: 0, size: Math.min(snapshot.size, 1024), ...overrides });
}

/** A worker confined to the temp root; by default its processor only records what it was given. */
async function setup(process?: ChunkProcessor) {
  const processed: ChunkTask[] = [];
  const { reporter, reports, reported } = fakeReporter();
  const worker = new ChunkWorker({
    workerId: 'w-1',
    concurrency: 2,
    process: (t, signal) => {
      processed.push(t);
      return process ? process(t, signal) : Promise.resolve(sampleMetrics());
    },
    reporter,
  });
  const app = createApp(worker, { dataRoots: await DataRoots.of([root]) });
  return { app, worker, processed, reports, reported };
}

/** The single pass a pool thread runs, on the calling thread. */
const readChunk: ChunkProcessor = async (t) => analyzeRange(t.input.path, t.start, t.size, { snapshot: t.snapshot });

describe('a path outside the data root', () => {
  it('answers 403 input_forbidden to /etc/shadow, naming the path and the root', async () => {
    const { app, processed } = await setup();

    const response = await request(app)
      .post('/process_chunk')
      .send(taskOf('/etc/shadow'));

    expect(response.status).toBe(403);
    expect(response.body).toStrictEqual({ error: 'input_forbidden', message: `/etc/shadow is outside the data root (${root})` });
    expect(processed).toStrictEqual([]);
  });

  it('answers 403 to a file outside the root, and no byte of the file is in the answer', async () => {
    const { app, worker, processed } = await setup();

    const response = await request(app).post('/process_chunk').send(taskOf(secretFile));

    expect(response.status).toBe(403);
    expect(response.body).toStrictEqual({ error: 'input_forbidden', message: `${secretFile} is outside the data root (${root})` });
    expect(response.text).not.toContain('TOP-SECRET-MARKER');
    expect(processed).toStrictEqual([]);
    expect(worker.chunksInFlight).toBe(0);
  });

  it('answers 403 to a ../ escape from the root, quoting the path as given', async () => {
    const { app, processed } = await setup();
    const escape = `${root}/../outside/shadow`;

    const response = await request(app).post('/process_chunk').send(taskOf(escape));

    expect(response.status).toBe(403);
    expect(response.body).toStrictEqual({ error: 'input_forbidden', message: `${escape} is outside the data root (${root})` });
    expect(response.text).not.toContain('TOP-SECRET-MARKER');
    expect(processed).toStrictEqual([]);
  });

  it('answers 403 to a symlink inside the root that points outside it', async () => {
    const { app, processed } = await setup();
    const link = join(root, 'escape-link');

    const response = await request(app).post('/process_chunk').send(taskOf(link));

    expect(response.status).toBe(403);
    expect(response.body).toStrictEqual({ error: 'input_forbidden', message: `${link} is outside the data root (${root})` });
    expect(response.text).not.toContain('TOP-SECRET-MARKER');
    expect(processed).toStrictEqual([]);
  });

  it('answers 403 to a missing file outside the root, as to an existing one', async () => {
    const { app } = await setup();
    const missing = join(base, 'outside', 'no-such.log');

    const response = await request(app).post('/process_chunk').send(taskOf(missing));

    expect(response.status).toBe(403);
    expect(response.body).toStrictEqual({ error: 'input_forbidden', message: `${missing} is outside the data root (${root})` });
  });
});

describe('a path inside the data root', () => {
  it('answers 400 input_not_regular_file to a FIFO, without opening it', async () => {
    const { app, processed } = await setup();
    const pipe = join(root, 'pipe');

    const response = await request(app).post('/process_chunk').send(taskOf(pipe));

    expect(response.status).toBe(400);
    expect(response.body).toStrictEqual({ error: 'input_not_regular_file', message: `${pipe} is a FIFO; only regular files are read` });
    expect(processed).toStrictEqual([]);
  });

  it('answers 400 input_not_regular_file to a directory', async () => {
    const { app, processed } = await setup();
    const dir = join(root, 'sub');

    const response = await request(app).post('/process_chunk').send(taskOf(dir));

    expect(response.status).toBe(400);
    expect(response.body).toStrictEqual({ error: 'input_not_regular_file', message: `${dir} is a directory; only regular files are read` });
    expect(processed).toStrictEqual([]);
  });

  it('accepts a regular file and runs the chunk on it', async () => {
    const { app, processed } = await setup();

    const response = await request(app).post('/process_chunk').send(taskOf(appLog));

    expect(response.status).toBe(202);
    expect(processed).toStrictEqual([taskOf(appLog)]);
  });

  it('runs a chunk of a symlink inside the root on the real path it resolves to, and reports it with the task\'s own key', async () => {
    const { app, processed, reported } = await setup();
    const sent = taskOf(join(root, 'current.log'), { lease_token: 'feed0000feed0000feed0000feed0000' });

    const response = await request(app).post('/process_chunk').send(sent);

    expect(response.status).toBe(202);
    expect(processed).toStrictEqual([{ ...sent, input: { kind: 'file', path: appLog } }]);
    const [report] = await reported(1);
    expect([report.task.job_id, report.task.chunk_id, report.task.attempt, report.task.lease_token]).toStrictEqual([sent.job_id, sent.chunk_id, sent.attempt, sent.lease_token]);
  });

  it('runs a chunk named through a ../ that stays inside the root on its real path', async () => {
    const { app, processed } = await setup();

    const response = await request(app)
      .post('/process_chunk')
      .send(taskOf(`${root}/sub/../app.log`));

    expect(response.status).toBe(202);
    expect(processed.map((t) => t.input.path)).toStrictEqual([appLog]);
  });

  it('accepts a missing file, whose read then reports a failure naming it', async () => {
    const { app, reported } = await setup(readChunk);
    const missing = join(root, 'rotated-away.log');

    const response = await request(app).post('/process_chunk').send(taskOf(missing));

    expect(response.status).toBe(202);
    expect(await reported(1)).toStrictEqual([{ kind: 'failure', task: taskOf(missing), error: `log file not found: ${missing}` }]);
  });
});

describe('the range of a chunk', () => {
  it('answers 400 chunk_out_of_range to a range that ends past the input as planned', async () => {
    const { app, processed } = await setup();
    const size = statSync(appLog).size;

    const response = await request(app)
      .post('/process_chunk')
      .send(taskOf(appLog, { start: 10, size }));

    expect(response.status).toBe(400);
    expect(response.body).toStrictEqual({
      error: 'chunk_out_of_range',
      message: `chunk 3 of job job-1: bytes 10–${10 + size} end past its input as planned (${size} bytes)`,
    });
    expect(processed).toStrictEqual([]);
  });

  it('answers 400 chunk_out_of_range to a range that starts past the input as planned', async () => {
    const { app } = await setup();
    const size = statSync(appLog).size;

    const response = await request(app)
      .post('/process_chunk')
      .send(taskOf(appLog, { start: size + 1, size: 0 }));

    expect(response.status).toBe(400);
    expect(response.body.error).toBe('chunk_out_of_range');
  });

  it('accepts the range that ends exactly at the end of the input', async () => {
    const { app, processed } = await setup();
    const size = statSync(appLog).size;

    const response = await request(app)
      .post('/process_chunk')
      .send(taskOf(appLog, { start: 10, size: size - 10 }));

    expect(response.status).toBe(202);
    expect(processed).toHaveLength(1);
  });

  it('answers 400 chunk_out_of_range to a gzip chunk that is not its whole input, and accepts the whole one', async () => {
    const { app, processed } = await setup();
    const size = statSync(appLog).size;
    const gzipTask = (start: number, chunkSize: number) => taskOf(appLog, { input: { kind: 'gzip', path: appLog }, start, size: chunkSize });

    const part = await request(app).post('/process_chunk').send(gzipTask(0, size - 1));
    const tail = await request(app).post('/process_chunk').send(gzipTask(1, size - 1));
    const whole = await request(app).post('/process_chunk').send(gzipTask(0, size));

    expect([part.status, part.body]).toStrictEqual([400, { error: 'chunk_out_of_range', message: `chunk 3 of job job-1: a gzip input is read whole (bytes 0–${size}), not bytes 0–${size - 1}` }]);
    expect([tail.status, tail.body.error]).toStrictEqual([400, 'chunk_out_of_range']);
    expect(whole.status).toBe(202);
    expect(processed.map((t) => [t.input.kind, t.start, t.size])).toStrictEqual([['gzip', 0, size]]);
  });

  it('accepts a chunk of a file cut below its planned size, whose read then fails it naming both sizes', async () => {
    const { app, reported } = await setup(readChunk);
    const cut = join(root, 'cut.log');
    writeFileSync(cut, 'x'.repeat(100) + '\n');
    const planned = taskOf(cut);
    truncateSync(cut, 40);

    const response = await request(app).post('/process_chunk').send(planned);

    expect(response.status).toBe(202);
    expect(await reported(1)).toStrictEqual([{ kind: 'failure', task: planned, error: `${cut} changed during the job: 101 → 40 bytes` }]);
  });
});
