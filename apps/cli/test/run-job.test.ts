// Following a job when the coordinator goes away: a short absence is ridden out, a long one fails
// with a message that names the coordinator and the job. A refused token fails at once.
import { createServer as createHttpServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCoordinatorClient } from '@loganalyzer/contract';
import { CoordinatorUnreachableError, runJob, UnauthorizedError, waitForJob } from '../src/run-job';
import { closedPort } from './closed-port';

/** A coordinator that answers every request 401, as one with a token does to a client without it. */
async function refusingCoordinator(): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createHttpServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="loganalyzer"' });
    res.end(JSON.stringify({ error: 'unauthorized', message: 'this route needs the cluster token: send "Authorization: Bearer <token>"' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A coordinator that refuses every job with 403, keeping the bodies it was sent. */
async function bodyKeepingCoordinator(): Promise<{ url: string; bodies: unknown[]; close(): Promise<void> }> {
  const bodies: unknown[] = [];
  const server: Server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      bodies.push(JSON.parse(body));
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'input_forbidden', message: 'not here' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, bodies, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

it('sends since_ms and until_ms only when they are given', async () => {
  const coordinator = await bodyKeepingCoordinator();
  try {
    const client = createCoordinatorClient(coordinator.url);
    const refused = `the coordinator at ${coordinator.url} refused the job: not here`;

    await expect(runJob(client, ['/a.log'], { coordinatorUrl: coordinator.url })).rejects.toThrow(refused);
    await expect(runJob(client, ['/a.log'], { coordinatorUrl: coordinator.url, sinceMs: 1_706_090_400_000 })).rejects.toThrow(refused);
    await expect(runJob(client, ['/a.log'], { coordinatorUrl: coordinator.url, untilMs: 0 })).rejects.toThrow(refused);
    await expect(runJob(client, ['/a.log'], { coordinatorUrl: coordinator.url, sinceMs: 1, untilMs: 2 })).rejects.toThrow(refused);

    expect(coordinator.bodies).toStrictEqual([
      { inputs: ['/a.log'] },
      { inputs: ['/a.log'], since_ms: 1_706_090_400_000 },
      { inputs: ['/a.log'], until_ms: 0 },
      { inputs: ['/a.log'], since_ms: 1, until_ms: 2 },
    ]);
  } finally {
    await coordinator.close();
  }
});

it('names the coordinator and the job when the coordinator stays unreachable', async () => {
  const url = `http://127.0.0.1:${await closedPort()}`;
  const client = createCoordinatorClient(url, { timeoutMs: 500 });

  const following = waitForJob(client, 'job-42', { unreachableForMs: 600, pollIntervalMs: 50, coordinatorUrl: url });

  await expect(following).rejects.toThrow(CoordinatorUnreachableError);
  await expect(following).rejects.toThrow(new RegExp(`^lost the coordinator at ${url.replace(/[.]/g, '\\.')} while following job job-42: .*ECONNREFUSED`));
});

it('fails at once, asking for a token, when a coordinator answers 401 to a client without one', async () => {
  const coordinator = await refusingCoordinator();
  try {
    const running = runJob(createCoordinatorClient(coordinator.url), ['/var/log/app.log'], { coordinatorUrl: coordinator.url });

    await expect(running).rejects.toThrow(UnauthorizedError);
    await expect(running).rejects.toThrow(`the coordinator at ${coordinator.url} needs a token: pass --token, --token-file or LOGANALYZER_TOKEN`);
    expect(coordinator.requests).toStrictEqual(['POST /jobs']);
  } finally {
    await coordinator.close();
  }
});

it('fails at once, saying the token was refused, when a coordinator answers 401 to the token sent', async () => {
  const coordinator = await refusingCoordinator();
  try {
    const client = createCoordinatorClient(coordinator.url, { token: 'not-the-cluster-token' });

    const running = runJob(client, ['/var/log/app.log'], { coordinatorUrl: coordinator.url, sendsToken: true });

    await expect(running).rejects.toThrow(`the coordinator at ${coordinator.url} refused the token: pass its cluster token with --token, --token-file or LOGANALYZER_TOKEN`);
    expect(coordinator.requests).toStrictEqual(['POST /jobs']);
  } finally {
    await coordinator.close();
  }
});

it('stops following a job at the first 401 instead of polling on', async () => {
  const coordinator = await refusingCoordinator();
  try {
    const following = waitForJob(createCoordinatorClient(coordinator.url), 'job-42', { coordinatorUrl: coordinator.url, pollIntervalMs: 10 });

    await expect(following).rejects.toThrow(UnauthorizedError);
    expect(coordinator.requests).toStrictEqual(['GET /jobs/job-42/progress']);
  } finally {
    await coordinator.close();
  }
});
