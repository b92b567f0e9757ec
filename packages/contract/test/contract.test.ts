import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { coordinatorContract, coordinatorOpenApi, createCoordinatorClient, embedJson, workerContract, workerOpenApi } from '../src';

type Route = { method: string; path: string; body?: unknown; responses: Record<number, unknown> };

function routes(router: Record<string, unknown>): Array<[string, Route]> {
  return Object.entries(router) as Array<[string, Route]>;
}

it('declares a 400 validation response on every route that takes a body or path parameters', () => {
  const all = [...routes(coordinatorContract), ...routes(workerContract)];
  const missing = all.filter(([, r]) => (r.body !== undefined || r.path.includes(':')) && r.responses[400] === undefined).map(([name]) => name);

  expect(missing).toStrictEqual([]);
});

it('lists every coordinator route in its OpenAPI document', () => {
  const doc = coordinatorOpenApi();

  expect(Object.keys(doc.paths).sort()).toStrictEqual(['/chunk_failures', '/health', '/jobs', '/jobs/{job_id}', '/metrics', '/register', '/workers']);
  expect(Object.keys(doc.paths['/metrics']).sort()).toStrictEqual(['get', 'post']);
});

it('lists every worker route in its OpenAPI document', () => {
  expect(Object.keys(workerOpenApi().paths).sort()).toStrictEqual(['/health', '/process_chunk']);
});

it('rejects a job body whose chunk size is not a positive safe integer', () => {
  const body = coordinatorContract.createJob.body;

  expect(body.safeParse({ filepath: '/x', chunk_size: 0 }).success).toBe(false);
  expect(body.safeParse({ filepath: '/x', chunk_size: 1e20 }).success).toBe(false);
  expect(body.safeParse({ filepath: '/x', chunk_size: 1.5 }).success).toBe(false);
  expect(body.safeParse({ filepath: '', chunk_size: 10 }).success).toBe(false);
  expect(body.safeParse({ filepath: '/x', chunk_size: 10 }).success).toBe(true);
});

describe('the axios-backed coordinator client', () => {
  let server: Server;
  let baseUrl: string;
  const requests: Array<{ method?: string; url?: string; body: string; length?: string }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (d: Buffer) => parts.push(d));
      req.on('end', () => {
        requests.push({ method: req.method, url: req.url, body: Buffer.concat(parts).toString('utf8'), length: req.headers['content-length'] });
        res.setHeader('content-type', 'application/json');
        if (req.url === '/jobs/missing') {
          res.statusCode = 404;
          res.end(JSON.stringify({ error: 'job_not_found', message: 'no job missing' }));
        } else {
          res.statusCode = 201;
          res.end(JSON.stringify({ job_id: 'j1' }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the typed body as JSON and returns the status with the parsed body', async () => {
    const client = createCoordinatorClient(baseUrl);

    const response = await client.createJob({ body: { filepath: '/var/log/app.log', chunk_size: 1024 } });

    expect(response.status).toBe(201);
    expect(response.body).toStrictEqual({ job_id: 'j1' });
    expect(requests.at(-1)).toMatchObject({ method: 'POST', url: '/jobs', body: JSON.stringify({ filepath: '/var/log/app.log', chunk_size: 1024 }) });
  });

  it('sends a field given with embedJson as its bytes, in place, with the right content-length', async () => {
    const client = createCoordinatorClient(baseUrl);
    const filepath = '/var/log/caf\u00e9 \u2603.log';
    const bytes = new TextEncoder().encode(JSON.stringify(filepath));

    const response = await client.createJob({ body: { chunk_size: 7, filepath: embedJson<string>(bytes), format: undefined } });

    expect(response.status).toBe(201);
    const expected = JSON.stringify({ chunk_size: 7, filepath });
    expect(requests.at(-1)).toStrictEqual({ method: 'POST', url: '/jobs', body: expected, length: String(Buffer.byteLength(expected)) });
    // The same bytes again: the body is rebuilt per request, so a retry sends it whole.
    await client.createJob({ body: { filepath: embedJson<string>(bytes) } });
    expect(requests.at(-1)?.body).toBe(JSON.stringify({ filepath }));
  });

  it('resolves an error status instead of throwing', async () => {
    const response = await createCoordinatorClient(baseUrl).getJob({ params: { job_id: 'missing' } });

    expect(response).toMatchObject({ status: 404, body: { error: 'job_not_found', message: 'no job missing' } });
  });

  it('rejects when nothing listens', async () => {
    const closed = createCoordinatorClient('http://127.0.0.1:1', { timeoutMs: 2000 });

    await expect(closed.listWorkers()).rejects.toThrow(/ECONNREFUSED/);
  });
});
