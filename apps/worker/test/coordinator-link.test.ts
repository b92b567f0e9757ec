import { createCoordinatorClient } from '@loganalyzer/contract';
import { CoordinatorLink, CoordinatorLinkOptions } from '../src/coordinator-link';
import { LeaseLostError, PermanentError, ResultTooLargeError, RetryCancelledError } from '../src/retry';
import { FakeCoordinator, unusedPort, until } from './fake-coordinator';
import { LEASE, leaseToken, sampleMetrics, task } from './helpers';

const coordinators: FakeCoordinator[] = [];
const links: CoordinatorLink[] = [];

afterEach(async () => {
  for (const link of links.splice(0)) link.stop();
  await Promise.all(coordinators.splice(0).map((c) => c.stop()));
});

const TOKEN = 'link-test-token-0123456789abcdef';

function fakeCoordinator(options: { token?: string } = {}): FakeCoordinator {
  const coordinator = new FakeCoordinator(20, options);
  coordinators.push(coordinator);
  return coordinator;
}

function linkTo(port: number, options: Partial<CoordinatorLinkOptions> = {}) {
  const logged: string[] = [];
  const link = new CoordinatorLink({
    client: createCoordinatorClient(`http://127.0.0.1:${port}`, { timeoutMs: 2000 }),
    workerId: 'w-1',
    concurrency: 2,
    retry: { initialDelayMs: 5, maxDelayMs: 20 },
    log: (message) => logged.push(message),
    // The process's own memory and CPU vary; the tests of heartbeats that carry them give their own.
    sampleLoad: () => ({}),
    ...options,
  });
  links.push(link);
  const hasLogged = (text: string) => logged.some((line) => line.includes(text));
  return { link, logged, hasLogged };
}

const reportKey = () => ({ worker_id: 'w-1', job_id: 'job-1', chunk_id: 3, attempt: 2, lease_token: LEASE });
const metricsReport = () => ({ ...reportKey(), metrics: sampleMetrics() });

// ---- registration and heartbeats ----

it('registers its id, port and concurrency, then heartbeats at the interval the coordinator gives', async () => {
  const coordinator = fakeCoordinator();
  const { link, logged } = linkTo(await coordinator.start());

  await link.start(8123);
  await until(() => coordinator.heartbeats.length >= 2, 'two heartbeats arrived');

  expect(coordinator.registrations).toStrictEqual([{ worker_id: 'w-1', port: 8123, concurrency: 2 }]);
  expect(coordinator.heartbeats.slice(0, 2)).toStrictEqual([
    { worker_id: 'w-1', leases: [] },
    { worker_id: 'w-1', leases: [] },
  ]);
  expect(logged).toStrictEqual(['registered as w-1 (registered); heartbeat every 20 ms']);
});

it('sends the process load and the bytes its worker has finished with each heartbeat', async () => {
  const coordinator = fakeCoordinator();
  let beats = 0;
  const { link } = linkTo(await coordinator.start(), { sampleLoad: () => ({ rss_bytes: 50_000_000 + beats, cpu_percent: 12.5 }) });
  link.holdLeasesOf({ heldLeases: () => [], drop: () => {}, bytesProcessed: () => 1024 * ++beats });

  await link.start(8123);
  await until(() => coordinator.heartbeats.length >= 2, 'two heartbeats arrived');

  expect(coordinator.heartbeats.slice(0, 2)).toStrictEqual([
    { worker_id: 'w-1', leases: [], rss_bytes: 50_000_001, cpu_percent: 12.5, bytes_processed: 1024 },
    { worker_id: 'w-1', leases: [], rss_bytes: 50_000_002, cpu_percent: 12.5, bytes_processed: 2048 },
  ]);
});

it('registers with the advertised host when one is given', async () => {
  const coordinator = fakeCoordinator();
  const { link } = linkTo(await coordinator.start(), { advertiseHost: 'worker1.internal' });

  await link.start(8123);

  expect(coordinator.registrations).toStrictEqual([{ worker_id: 'w-1', port: 8123, concurrency: 2, host: 'worker1.internal' }]);
});

it('keeps retrying registration until the coordinator starts listening', async () => {
  const port = await unusedPort();
  const { link, hasLogged } = linkTo(port);
  const starting = link.start(8123);
  await until(() => hasLogged('coordinator not reachable yet'), 'the first registration failed');

  const coordinator = fakeCoordinator();
  await coordinator.start(port);
  await starting;

  expect(coordinator.registrations).toStrictEqual([{ worker_id: 'w-1', port: 8123, concurrency: 2 }]);
  expect(hasLogged('registered as w-1 (registered)')).toBe(true);
});

it('gives up registering when the coordinator refuses the registration as invalid', async () => {
  const coordinator = fakeCoordinator();
  const { link } = linkTo(await coordinator.start());

  const starting = link.start(0);

  await expect(starting).rejects.toThrow(new PermanentError('registration refused: body.port: Number must be greater than or equal to 1'));
  await expect(starting).rejects.toBeInstanceOf(PermanentError);
  expect(coordinator.registrations).toStrictEqual([]);
});

it('registers with tls: true when the worker serves HTTPS', async () => {
  const coordinator = fakeCoordinator();
  const { link } = linkTo(await coordinator.start(), { tls: true });

  await link.start(8123);

  expect(coordinator.registrations).toStrictEqual([{ worker_id: 'w-1', port: 8123, concurrency: 2, tls: true }]);
});

it('registers and heartbeats with the cluster token when the coordinator requires one', async () => {
  const coordinator = fakeCoordinator({ token: TOKEN });
  const port = await coordinator.start();
  const { link } = linkTo(port, { client: createCoordinatorClient(`http://127.0.0.1:${port}`, { token: TOKEN, timeoutMs: 2000 }) });

  await link.start(8123);
  await until(() => coordinator.heartbeats.length >= 1, 'a heartbeat arrived');

  expect(coordinator.registrations).toStrictEqual([{ worker_id: 'w-1', port: 8123, concurrency: 2 }]);
});

it('gives up registering at once when the coordinator answers 401 to a wrong token', async () => {
  const coordinator = fakeCoordinator({ token: TOKEN });
  const port = await coordinator.start();
  const { link, logged } = linkTo(port, { client: createCoordinatorClient(`http://127.0.0.1:${port}`, { token: `${TOKEN}-old`, timeoutMs: 2000 }) });

  const starting = link.start(8123);

  await expect(starting).rejects.toThrow(new PermanentError('registration refused: the bearer token is not the cluster token'));
  expect(coordinator.registrations).toStrictEqual([]);
  expect(logged).toStrictEqual([]);
});

it('stops retrying registration once stopped', async () => {
  const { link, hasLogged } = linkTo(await unusedPort());
  const starting = link.start(8123);
  await until(() => hasLogged('coordinator not reachable yet'), 'the first registration failed');

  link.stop();

  await expect(starting).rejects.toBeInstanceOf(RetryCancelledError);
});

it('registers again when a heartbeat is answered 404', async () => {
  const coordinator = fakeCoordinator();
  const { link, hasLogged } = linkTo(await coordinator.start());
  await link.start(8123);

  coordinator.forget('w-1');
  await until(() => coordinator.registrations.length === 2, 'the worker registered again');

  expect(coordinator.registrations).toStrictEqual([
    { worker_id: 'w-1', port: 8123, concurrency: 2 },
    { worker_id: 'w-1', port: 8123, concurrency: 2 },
  ]);
  expect(hasLogged('coordinator does not know this worker; registering again')).toBe(true);
});

it('resumes heartbeats when the coordinator comes back after being unreachable', async () => {
  const coordinator = fakeCoordinator();
  const port = await coordinator.start();
  const { link, hasLogged } = linkTo(port);
  await link.start(8123);
  await coordinator.stop();
  await until(() => hasLogged('heartbeat failed'), 'a heartbeat failed');
  const before = coordinator.heartbeats.length;

  await coordinator.start(port);
  await until(() => coordinator.heartbeats.length > before, 'a heartbeat reached the restarted coordinator');

  await until(() => hasLogged('coordinator reachable again'), 'the link noticed the coordinator is back');
  expect(coordinator.heartbeats.at(-1)).toStrictEqual({ worker_id: 'w-1', leases: [] });
});

it('sends no heartbeats once stopped', async () => {
  const coordinator = fakeCoordinator();
  const { link } = linkTo(await coordinator.start());
  // Stopping while the coordinator handles a heartbeat leaves no other heartbeat on the wire.
  coordinator.onHeartbeat = () => link.stop();
  await link.start(8123);
  await until(() => coordinator.heartbeats.length === 1, 'a heartbeat arrived');

  await new Promise((resolve) => setTimeout(resolve, 5 * coordinator.heartbeatIntervalMs));

  expect(coordinator.heartbeats).toStrictEqual([{ worker_id: 'w-1', leases: [] }]);
});

it('lists the leases its worker holds in each heartbeat, as they are at the time of the beat', async () => {
  const coordinator = fakeCoordinator();
  const { link } = linkTo(await coordinator.start());
  let held = [leaseToken(1), leaseToken(2)];
  link.holdLeasesOf({ heldLeases: () => held, drop: () => {} });
  // Each heartbeat is sent after the answer to the one before, so changing the leases as one arrives shows in the next.
  coordinator.onHeartbeat = () => {
    held = held.length === 2 ? [leaseToken(2)] : [];
  };

  await link.start(8123);
  await until(() => coordinator.heartbeats.length >= 3, 'three heartbeats arrived');

  expect(coordinator.heartbeats.slice(0, 3)).toStrictEqual([
    { worker_id: 'w-1', leases: [leaseToken(1), leaseToken(2)] },
    { worker_id: 'w-1', leases: [leaseToken(2)] },
    { worker_id: 'w-1', leases: [] },
  ]);
});

it('tells its worker to drop exactly the leases a heartbeat answer lists in drop', async () => {
  const coordinator = fakeCoordinator();
  const { link } = linkTo(await coordinator.start());
  const dropped: string[][] = [];
  let held = [leaseToken(1), leaseToken(2), leaseToken(3)];
  link.holdLeasesOf({
    heldLeases: () => held,
    drop: (tokens) => {
      dropped.push([...tokens]);
      held = held.filter((token) => !tokens.includes(token));
    },
  });
  coordinator.deadLeases.add(leaseToken(1));
  coordinator.deadLeases.add(leaseToken(3));
  coordinator.deadLeases.add(leaseToken(4));

  await link.start(8123);
  await until(() => coordinator.heartbeats.length >= 3, 'three heartbeats arrived');

  // The lease not listed (4) is not the worker's to drop; once the dead ones are gone, nothing more is dropped.
  expect(dropped).toStrictEqual([[leaseToken(1), leaseToken(3)]]);
  expect(coordinator.heartbeats.slice(1, 3)).toStrictEqual([
    { worker_id: 'w-1', leases: [leaseToken(2)] },
    { worker_id: 'w-1', leases: [leaseToken(2)] },
  ]);
});

it('drops nothing while every listed lease is live', async () => {
  const coordinator = fakeCoordinator();
  const { link } = linkTo(await coordinator.start());
  const dropped: string[][] = [];
  link.holdLeasesOf({ heldLeases: () => [leaseToken(1)], drop: (tokens) => dropped.push([...tokens]) });

  await link.start(8123);
  await until(() => coordinator.heartbeats.length >= 3, 'three heartbeats arrived');

  expect(dropped).toStrictEqual([]);
});

// ---- chunk reports ----

it('reports the metrics of a chunk with its key and the worker id', async () => {
  const coordinator = fakeCoordinator();
  const { link } = linkTo(await coordinator.start());

  await link.reportMetrics(task(), sampleMetrics());

  expect(coordinator.reports).toStrictEqual([metricsReport()]);
});

it('reports a result given as JSON bytes (a pool thread\'s runAsJson) as the same body, retrying it whole', async () => {
  const coordinator = fakeCoordinator();
  const { link } = linkTo(await coordinator.start());
  coordinator.unavailableReports = 1;

  const json = Buffer.from(JSON.stringify(sampleMetrics()));
  await link.reportMetrics(task(), [json.subarray(0, 10), json.subarray(10, 11), json.subarray(11)]);

  // The fake coordinator is a ts-rest Express app: the bytes passed its body validation like any report.
  expect(coordinator.metricsRequests).toStrictEqual([metricsReport(), metricsReport()]);
  expect(coordinator.reports).toStrictEqual([metricsReport()]);
});

it('reports a chunk failure with its error text', async () => {
  const coordinator = fakeCoordinator();
  const { link } = linkTo(await coordinator.start());

  await link.reportFailure(task(), 'EIO: i/o error, read');

  expect(coordinator.failures).toStrictEqual([{ ...reportKey(), error: 'EIO: i/o error, read' }]);
});

it('marks a permanent chunk failure as permanent', async () => {
  const coordinator = fakeCoordinator();
  const { link } = linkTo(await coordinator.start());

  await link.reportFailure(task(), '/a.gz is not valid gzip: unexpected end of file', undefined, true);

  expect(coordinator.failures).toStrictEqual([{ ...reportKey(), error: '/a.gz is not valid gzip: unexpected end of file', permanent: true }]);
});

it('retries a report answered 503 until the coordinator accepts it', async () => {
  const coordinator = fakeCoordinator();
  const { link, hasLogged } = linkTo(await coordinator.start());
  coordinator.unavailableReports = 2;

  await link.reportMetrics(task(), sampleMetrics());

  expect(coordinator.metricsRequests).toStrictEqual([metricsReport(), metricsReport(), metricsReport()]);
  expect(coordinator.reports).toStrictEqual([metricsReport()]);
  expect(hasLogged('report of chunk 3 failed')).toBe(true);
});

it('retries a report while the coordinator refuses connections and delivers it once it is back', async () => {
  const port = await unusedPort();
  const { link, hasLogged } = linkTo(port);
  const reporting = link.reportMetrics(task(), sampleMetrics());
  await until(() => hasLogged('report of chunk 3 failed'), 'the first report failed');

  const coordinator = fakeCoordinator();
  await coordinator.start(port);
  await reporting;

  expect(coordinator.reports).toStrictEqual([metricsReport()]);
});

it('gives up at once with a PermanentError on a report answered 404', async () => {
  const coordinator = fakeCoordinator();
  const { link } = linkTo(await coordinator.start());

  const reporting = link.reportMetrics(task({ job_id: 'job-from-before-a-restart' }), sampleMetrics());

  await expect(reporting).rejects.toBeInstanceOf(PermanentError);
  await expect(reporting).rejects.toThrow(
    'coordinator refused the report of chunk 3 of job job-from-before-a-restart: no job job-from-before-a-restart',
  );
  expect(coordinator.metricsRequests).toHaveLength(1);
});

it('gives up at once with a ResultTooLargeError on a report answered 413', async () => {
  const coordinator = fakeCoordinator();
  coordinator.refuseReports = { status: 413, body: { error: 'body_too_large', message: 'request entity too large' } };
  const { link } = linkTo(await coordinator.start());

  const reporting = link.reportMetrics(task(), sampleMetrics());

  await expect(reporting).rejects.toThrow(new ResultTooLargeError('the result of chunk 3 is too large for the coordinator (request entity too large); use smaller chunks'));
  await expect(reporting).rejects.toBeInstanceOf(ResultTooLargeError);
  expect(coordinator.metricsRequests).toHaveLength(1);
});

it('gives up at once with a PermanentError on a failure report answered 404', async () => {
  const coordinator = fakeCoordinator();
  const { link } = linkTo(await coordinator.start());

  const reporting = link.reportFailure(task({ job_id: 'gone' }), 'EIO');

  await expect(reporting).rejects.toThrow(new PermanentError('coordinator refused the report of chunk 3 of job gone: no job gone'));
  expect(coordinator.failures).toStrictEqual([]);
});

it('gives up on a report with the last connection error once reportRetryMs has passed', async () => {
  const { link } = linkTo(await unusedPort(), { reportRetryMs: 50 });

  await expect(link.reportMetrics(task(), sampleMetrics())).rejects.toMatchObject({ code: 'ECONNREFUSED' });
});

it('gives up at once with a LeaseLostError, without retrying, on a report answered 409', async () => {
  const coordinator = fakeCoordinator();
  coordinator.deadLeases.add(LEASE);
  const { link } = linkTo(await coordinator.start());

  const reporting = link.reportMetrics(task(), sampleMetrics());

  await expect(reporting).rejects.toThrow(new LeaseLostError(`the coordinator ended attempt 2 of chunk 3: lease ${LEASE} is not live`));
  await expect(reporting).rejects.toBeInstanceOf(LeaseLostError);
  expect(coordinator.metricsRequests).toStrictEqual([metricsReport()]);
  expect(coordinator.reports).toStrictEqual([]);
});

it('gives up at once with a LeaseLostError, without retrying, on a report answered 422', async () => {
  const coordinator = fakeCoordinator();
  coordinator.refuseReports = { status: 422, body: { error: 'invalid_partial', message: 'the partial of chunk 3 counts 1024 bytes, the chunk has 1000' } };
  const { link } = linkTo(await coordinator.start());

  const reporting = link.reportMetrics(task(), sampleMetrics());

  await expect(reporting).rejects.toThrow(new LeaseLostError('the coordinator ended attempt 2 of chunk 3: the partial of chunk 3 counts 1024 bytes, the chunk has 1000'));
  await expect(reporting).rejects.toBeInstanceOf(LeaseLostError);
  expect(coordinator.metricsRequests).toStrictEqual([metricsReport()]);
});

it('gives up at once with a PermanentError that is not a LeaseLostError on a report answered 400', async () => {
  const coordinator = fakeCoordinator();
  coordinator.refuseReports = {
    status: 400,
    body: {
      error: 'validation_failed',
      message: 'body.metrics.lines: Expected number, received string',
      issues: [{ location: 'body', path: ['metrics', 'lines'], code: 'invalid_type', message: 'Expected number, received string' }],
    },
  };
  const { link } = linkTo(await coordinator.start());

  const reporting = link.reportMetrics(task(), sampleMetrics());

  await expect(reporting).rejects.toThrow(new PermanentError('coordinator refused the report of chunk 3 of job job-1: body.metrics.lines: Expected number, received string'));
  await expect(reporting).rejects.not.toBeInstanceOf(LeaseLostError);
  expect(coordinator.metricsRequests).toHaveLength(1);
});

it('gives up at once with a LeaseLostError on a failure report answered 409', async () => {
  const coordinator = fakeCoordinator();
  coordinator.deadLeases.add(LEASE);
  const { link } = linkTo(await coordinator.start());

  const reporting = link.reportFailure(task(), 'EIO');

  await expect(reporting).rejects.toThrow(new LeaseLostError(`the coordinator ended attempt 2 of chunk 3: lease ${LEASE} is not live`));
  expect(coordinator.failureRequests).toStrictEqual([{ ...reportKey(), error: 'EIO' }]);
  expect(coordinator.failures).toStrictEqual([]);
});

it('cuts a failure text longer than 4096 characters to 4096', async () => {
  const coordinator = fakeCoordinator();
  const { link } = linkTo(await coordinator.start());

  await link.reportFailure(task(), 'x'.repeat(5000));

  expect(coordinator.failures).toStrictEqual([{ ...reportKey(), error: 'x'.repeat(4096) }]);
});

it('stops retrying a report whose signal is aborted while a request is on the wire', async () => {
  const coordinator = fakeCoordinator();
  coordinator.unavailableReports = Number.POSITIVE_INFINITY;
  const { link } = linkTo(await coordinator.start());
  const lease = new AbortController();
  coordinator.onMetricsRequest = () => lease.abort();

  const reporting = link.reportMetrics(task(), sampleMetrics(), lease.signal);

  await expect(reporting).rejects.toBeInstanceOf(RetryCancelledError);
  expect(coordinator.metricsRequests).toStrictEqual([metricsReport()]);
});

it('sends no further report once its signal is aborted during the wait before a retry', async () => {
  const coordinator = fakeCoordinator();
  coordinator.unavailableReports = Number.POSITIVE_INFINITY;
  const lease = new AbortController();
  // The first failure is logged just before the wait: aborting there puts the abort inside the wait.
  const { link } = linkTo(await coordinator.start(), {
    retry: { initialDelayMs: 20, maxDelayMs: 20 },
    log: (message) => message.startsWith('report of chunk 3 failed') && lease.abort(),
  });

  const reporting = link.reportMetrics(task(), sampleMetrics(), lease.signal);

  await expect(reporting).rejects.toBeInstanceOf(RetryCancelledError);
  expect(coordinator.metricsRequests).toStrictEqual([metricsReport()]);
});

// ---- deregistration ----

it('stops heartbeating and deregisters, returning the leases the coordinator released', async () => {
  const coordinator = fakeCoordinator();
  const { link } = linkTo(await coordinator.start());
  link.holdLeasesOf({ heldLeases: () => [leaseToken(1), leaseToken(2)], drop: () => {} });
  await link.start(8123);
  await until(() => coordinator.heartbeats.length >= 1, 'a heartbeat listed the leases');

  const released = await link.leave();

  expect(released).toBe(2);
  expect(coordinator.deregistrations).toStrictEqual([{ worker_id: 'w-1', released: 2 }]);
});

it('sends no heartbeat and does not register again once it has deregistered', async () => {
  const coordinator = fakeCoordinator();
  const { link } = linkTo(await coordinator.start());
  await link.start(8123);
  await until(() => coordinator.heartbeats.length >= 1, 'a heartbeat arrived');

  await link.leave();
  const heartbeats = coordinator.heartbeats.length;
  await new Promise((resolve) => setTimeout(resolve, 5 * coordinator.heartbeatIntervalMs));

  expect(coordinator.heartbeats).toHaveLength(heartbeats);
  expect(coordinator.registrations).toHaveLength(1);
});

it('does not register again when a heartbeat on the wire as it leaves is answered 404', async () => {
  const coordinator = fakeCoordinator();
  const { link } = linkTo(await coordinator.start());
  let leaving: Promise<number> | null = null;
  coordinator.onHeartbeat = () => {
    if (leaving) return;
    leaving = link.leave();
    coordinator.forget('w-1');
  };
  await link.start(8123);
  await until(() => leaving !== null, 'a heartbeat arrived');

  expect(await leaving).toBe(0);
  expect(coordinator.registrations).toHaveLength(1);
  expect(coordinator.deregistrations).toStrictEqual([]);
});

it('returns 0 released when the coordinator does not know it (404)', async () => {
  const coordinator = fakeCoordinator();
  const { link } = linkTo(await coordinator.start());
  await link.start(8123);
  coordinator.forget('w-1');

  expect(await link.leave()).toBe(0);
  expect(coordinator.deregistrations).toStrictEqual([]);
});

it('gives up deregistering with the connection error once deregisterRetryMs has passed', async () => {
  const coordinator = fakeCoordinator();
  const { link, hasLogged } = linkTo(await coordinator.start(), { deregisterRetryMs: 50 });
  await link.start(8123);
  await coordinator.stop();

  await expect(link.leave()).rejects.toThrow(/ECONNREFUSED/);
  expect(hasLogged('deregistration failed (')).toBe(true);
});

it('leaves without asking the coordinator when it never got to register', async () => {
  const coordinator = fakeCoordinator({ token: TOKEN });
  const port = await coordinator.start();
  const { link } = linkTo(port, { client: createCoordinatorClient(`http://127.0.0.1:${port}`, { token: 'not-the-token-of-this-cluster', timeoutMs: 2000 }) });
  await expect(link.start(8123)).rejects.toBeInstanceOf(PermanentError);

  expect(await link.leave()).toBe(0);
  expect(coordinator.deregistrations).toStrictEqual([]);
});
