// Following a job when the coordinator goes away: a short absence is ridden out, a long one fails
// with a message that names the coordinator and the job.
import { createServer } from 'node:net';
import { createCoordinatorClient } from '@loganalyzer/contract';
import { JobRequestError, waitForJob } from '../src/run-job';

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

it('names the coordinator and the job when the coordinator stays unreachable', async () => {
  const url = `http://127.0.0.1:${await closedPort()}`;
  const client = createCoordinatorClient(url, { timeoutMs: 500 });

  const following = waitForJob(client, 'job-42', { unreachableForMs: 600, pollIntervalMs: 50, coordinatorUrl: url });

  await expect(following).rejects.toThrow(JobRequestError);
  await expect(following).rejects.toThrow(new RegExp(`^lost the coordinator at ${url.replace(/[.]/g, '\\.')} while following job job-42: .*ECONNREFUSED`));
});
