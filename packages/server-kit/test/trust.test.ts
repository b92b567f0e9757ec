// The pieces of the trust boundary both apps share: the bearer check, where the token comes from,
// which hosts an app may bind, which files a request may name, body limits, and HTTPS.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { globalAgent } from 'node:http';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import {
  AppError,
  chooseListenHost,
  DataRoots,
  errorHandler,
  escapeControl,
  isLoopbackHost,
  jsonBodies,
  listen,
  requireBearerToken,
  resolveClusterToken,
  securityFrom,
  tokenMatches,
} from '../src';

/** JSON.parse's message for a text that is not JSON. */
function jsonError(text: string): string {
  try {
    JSON.parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`${text} is JSON`);
}

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'loganalyzer-server-kit-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TOKEN = 'a-cluster-token-of-32-characters';

function guarded(token: string | undefined) {
  const app = express();
  app.use(requireBearerToken(token));
  app.get('/livez', (_req, res) => res.json({ status: 'ok' }));
  app.get('/jobs', (_req, res) => res.json({ jobs: [] }));
  app.use(errorHandler());
  return app;
}

describe('the bearer check', () => {
  it('lets through only the exact token, and the liveness route without one', async () => {
    const app = guarded(TOKEN);
    const statuses = await Promise.all([
      request(app).get('/jobs'),
      request(app).get('/jobs').set('Authorization', `Bearer ${TOKEN}`),
      request(app).get('/jobs').set('Authorization', `Bearer ${TOKEN.slice(0, -1)}`),
      request(app).get('/jobs').set('Authorization', `Bearer ${TOKEN}${TOKEN}`),
      request(app).get('/jobs').set('Authorization', `bearer ${TOKEN}`),
      request(app).get('/jobs').set('Authorization', TOKEN),
      request(app).get('/livez'),
    ]);
    expect(statuses.map((r) => r.status)).toStrictEqual([401, 200, 401, 401, 401, 401, 200]);
  });

  it('checks nothing when no token is configured (a loopback-only app)', async () => {
    expect((await request(guarded(undefined)).get('/jobs')).status).toBe(200);
  });

  it('compares equal and unequal tokens of any length without throwing', () => {
    expect([tokenMatches(TOKEN, TOKEN), tokenMatches('', TOKEN), tokenMatches(TOKEN + 'x', TOKEN), tokenMatches('é'.repeat(40), TOKEN)]).toStrictEqual([true, false, false, false]);
  });
});

describe('the cluster token sources', () => {
  it('takes --token, else --token-file (trimmed), else LOGANALYZER_TOKEN, else none', () => {
    const file = join(dir, 'token');
    writeFileSync(file, `${TOKEN}\n`);
    expect(resolveClusterToken({ token: TOKEN, env: {} })).toBe(TOKEN);
    expect(resolveClusterToken({ tokenFile: file, env: { LOGANALYZER_TOKEN: 'other-token-from-the-env' } })).toBe(TOKEN);
    expect(resolveClusterToken({ env: { LOGANALYZER_TOKEN: TOKEN } })).toBe(TOKEN);
    expect(resolveClusterToken({ env: {} })).toBeUndefined();
    expect(resolveClusterToken({ env: { LOGANALYZER_TOKEN: '' } })).toBeUndefined();
  });

  it('refuses short tokens, tokens with spaces, both flags at once and unreadable files, naming the source', () => {
    expect(() => resolveClusterToken({ token: 'short', env: {} })).toThrow('the token from --token is 5 characters; use at least 16 (e.g. openssl rand -hex 32)');
    expect(() => resolveClusterToken({ env: { LOGANALYZER_TOKEN: 'has a space in the middle' } })).toThrow('the token from LOGANALYZER_TOKEN must be printable ASCII without spaces');
    expect(() => resolveClusterToken({ token: TOKEN, tokenFile: 'x', env: {} })).toThrow('give --token or --token-file, not both');
    expect(() => resolveClusterToken({ tokenFile: join(dir, 'missing'), env: {} })).toThrow(`cannot read --token-file ${join(dir, 'missing')}: ENOENT`);
  });

  it('wants --tls-cert and --tls-key together, and a readable --ca', () => {
    expect(() => securityFrom({ 'tls-cert': 'c.pem' }, {})).toThrow('give --tls-cert and --tls-key together');
    expect(() => securityFrom({ ca: join(dir, 'missing.pem') }, {})).toThrow(`cannot read --ca ${join(dir, 'missing.pem')}: ENOENT`);
    expect(securityFrom({ 'data-root': ['/srv/logs'] }, {})).toStrictEqual({ token: undefined, tls: undefined, dataRoots: ['/srv/logs'], ca: undefined });
  });
});

describe('the listen host', () => {
  it('binds loopback by default, and beyond loopback only with a token and a data root', () => {
    expect(chooseListenHost({})).toBe('127.0.0.1');
    expect(chooseListenHost({ token: TOKEN })).toBe('127.0.0.1');
    expect(chooseListenHost({ host: '::1' })).toBe('::1');
    expect(() => chooseListenHost({ host: '0.0.0.0' })).toThrow('--host 0.0.0.0 is beyond loopback: set a cluster token (--token, --token-file or LOGANALYZER_TOKEN) first');
    expect(() => chooseListenHost({ host: '0.0.0.0', token: TOKEN })).toThrow('--host 0.0.0.0 is beyond loopback: give --data-root DIR for the files it may read');
    expect(chooseListenHost({ host: '0.0.0.0', token: TOKEN, dataRoots: ['/srv'] })).toBe('0.0.0.0');
  });

  it('knows loopback names and addresses from the rest', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1', '0.0.0.0', '::', '10.0.0.1', 'example.com'].map(isLoopbackHost)).toStrictEqual([
      true, true, true, true, true, true, false, false, false, false,
    ]);
  });
});

describe('the data root', () => {
  const SECRET = 'SECRET-MARKER-of-a-file-outside';
  let root = '';
  let roots: DataRoots;

  beforeAll(async () => {
    root = join(dir, 'root');
    mkdirSync(join(root, 'nested'), { recursive: true });
    writeFileSync(join(root, 'nested', 'app.log'), 'line\n');
    writeFileSync(join(dir, 'outside.log'), `${SECRET}\n`);
    symlinkSync(join(dir, 'outside.log'), join(root, 'link-out.log'));
    symlinkSync(join(root, 'nested', 'app.log'), join(root, 'link-in.log'));
    execFileSync('mkfifo', [join(root, 'fifo')]);
    roots = await DataRoots.of([root]);
  });

  async function outcome(path: string): Promise<string> {
    try {
      return `ok ${await roots.confine(path)}`;
    } catch (err) {
      expect((err as Error).message).not.toContain(SECRET);
      return `${(err as AppError).code}: ${(err as Error).message}`;
    }
  }

  it('gives the real path of a file inside, through symlinks that stay inside', async () => {
    expect(await outcome(join(root, 'nested', 'app.log'))).toBe(`ok ${join(root, 'nested', 'app.log')}`);
    expect(await outcome(join(root, 'link-in.log'))).toBe(`ok ${join(root, 'nested', 'app.log')}`);
    expect(await outcome(join(root, 'nested', '..', 'nested', 'app.log'))).toBe(`ok ${join(root, 'nested', 'app.log')}`);
  });

  it('refuses what leads outside: an absolute path, ../, a symlink out, and a sibling whose name starts like the root', async () => {
    writeFileSync(`${root}-sibling.log`, 'x\n');
    expect(await outcome('/etc/passwd')).toBe(`input_forbidden: /etc/passwd is outside the data root (${root})`);
    expect(await outcome(join(root, '..', 'outside.log'))).toBe(`input_forbidden: ${join(root, '..', 'outside.log')} is outside the data root (${root})`);
    expect(await outcome(join(root, 'link-out.log'))).toBe(`input_forbidden: ${join(root, 'link-out.log')} is outside the data root (${root})`);
    expect(await outcome(`${root}-sibling.log`)).toMatch(/^input_forbidden: /);
    expect(await outcome(join(dir, 'missing-outside.log'))).toMatch(/^input_forbidden: /);
  });

  it('refuses directories and FIFOs, and lets a missing file inside through for its reader to report', async () => {
    expect(await outcome(join(root, 'nested'))).toBe(`input_not_regular_file: ${join(root, 'nested')} is a directory; only regular files are read`);
    expect(await outcome(join(root, 'fifo'))).toBe(`input_not_regular_file: ${join(root, 'fifo')} is a FIFO; only regular files are read`);
    expect(await outcome(join(root, 'missing.log'))).toBe(`ok ${join(root, 'missing.log')}`);
  });

  it('quotes at most 300 characters of a refused path, control characters escaped', async () => {
    const message = await outcome(`/etc/\u001b[2J${'x'.repeat(4000)}`);
    expect(message.startsWith('input_forbidden: /etc/\\x1b[2J')).toBe(true);
    expect(message.length).toBeLessThan(400 + root.length);
  });

  it('is unrestricted without roots, still refusing what is not a regular file', async () => {
    const open = DataRoots.unrestricted();
    await expect(open.confine(join(dir, 'outside.log'))).resolves.toBe(join(dir, 'outside.log'));
    await expect(open.confine(root)).rejects.toThrow('is a directory');
  });

  it('refuses to start on a root that is missing or not a directory', async () => {
    await expect(DataRoots.of([join(dir, 'nope')])).rejects.toThrow(`--data-root ${join(dir, 'nope')}: ENOENT`);
    await expect(DataRoots.of([join(dir, 'outside.log')])).rejects.toThrow(`--data-root ${join(dir, 'outside.log')} is not a directory`);
  });
});

describe('body limits per route', () => {
  it('answers 413 over a route\'s limit and parses within it', async () => {
    const app = express();
    app.use(jsonBodies({ byPath: { '/big': '1mb' }, otherwise: '1kb' }));
    app.post('/big', (req, res) => res.json({ n: req.body.x.length }));
    app.post('/small', (req, res) => res.json({ n: req.body.x.length }));
    app.use(errorHandler());
    const payload = { x: 'y'.repeat(10_000) };

    const [big, small] = await Promise.all([request(app).post('/big').send(payload), request(app).post('/small').send(payload)]);

    expect([big.status, big.body, small.status, small.body.error]).toStrictEqual([200, { n: 10_000 }, 413, 'body_too_large']);
  });

  it('parses UTF-8 bodies (non-ASCII and invalid bytes as JSON.parse of their UTF-8 text) and refuses what is not JSON', async () => {
    const app = express();
    const seen: Buffer[] = [];
    app.use(jsonBodies({ byPath: {}, otherwise: '1mb', verify: (_req, body) => seen.push(body) }));
    app.post('/echo', (req, res) => res.json({ body: req.body }));
    app.use(errorHandler());
    const utf8 = Buffer.concat([Buffer.from('{"path":"/caf\u00e9 ' + 'x'.repeat(70_000) + '","bad":"'), Buffer.from([0xff, 0xc3]), Buffer.from('"}')]);
    // Over a socket: supertest would send a Buffer as JSON of its own.
    const running = await listen(app, { port: 0, host: '127.0.0.1' });
    const post = async (body: Buffer | string, type = 'application/json') => {
      const response = await fetch(`${running.url}/echo`, { method: 'POST', headers: { 'content-type': type }, body });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    try {
      const [parsed, empty, notJson, otherType] = await Promise.all([post(utf8), post(''), post('{"a":'), post('{"a":1}', 'text/plain')]);

      expect([parsed.status, parsed.body.body]).toStrictEqual([200, JSON.parse(utf8.toString('utf8'))]);
      expect(seen[0]).toStrictEqual(utf8);
      expect([empty.status, empty.body]).toStrictEqual([200, { body: {} }]);
      expect([notJson.status, notJson.body.error, notJson.body.message]).toStrictEqual([400, 'invalid_json', `request body is not valid JSON: ${jsonError('{"a":')}`]);
      expect([otherType.status, otherType.body]).toStrictEqual([200, { body: {} }]);
    } finally {
      await running.close();
    }
  });
});

it('keeps an idle connection open longer than Node\'s client agent keeps its socket, so a reused socket is never closed under a request', async () => {
  const running = await listen(express(), { port: 0, host: '127.0.0.1' });
  try {
    const clientIdleMs = (globalAgent as unknown as { options: { timeout: number } }).options.timeout;
    expect(clientIdleMs).toBeGreaterThan(0);
    expect(running.server.keepAliveTimeout).toBeGreaterThan(clientIdleMs);
    expect(running.server.headersTimeout).toBeGreaterThan(running.server.keepAliveTimeout);
  } finally {
    await running.close();
  }
});

describe('HTTPS', () => {
  it('serves over TLS with a certificate made by openssl, and names the address bound', async () => {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
    const app = express();
    app.get('/livez', (_req, res) => res.json({ status: 'ok' }));
    const running = await listen(app, { port: 0, host: '127.0.0.1', tls: { certFile: cert, keyFile: key } });
    try {
      const ca = readFileSync(cert);
      const body = await new Promise<string>((resolve, reject) => {
        httpsGet(`${running.url}/livez`, { ca }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve(text));
        }).on('error', reject);
      });
      const untrusted = await new Promise<string>((resolve) => {
        httpsGet(`${running.url}/livez`, (res) => resolve(`status ${res.statusCode}`)).on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
      });

      expect([running.boundUrl, running.url, body, untrusted]).toStrictEqual([`https://127.0.0.1:${running.port}`, `https://127.0.0.1:${running.port}`, '{"status":"ok"}', 'DEPTH_ZERO_SELF_SIGNED_CERT']);
    } finally {
      await running.close();
    }
  });

  it('says which file it cannot read', async () => {
    await expect(listen(express(), { port: 0, host: '127.0.0.1', tls: { certFile: join(dir, 'no-cert.pem'), keyFile: 'k' } })).rejects.toThrow(`cannot read --tls-cert ${join(dir, 'no-cert.pem')}: ENOENT`);
  });
});

it('writes control characters as \\xNN, leaving printable text and backslashes alone', () => {
  expect(escapeControl('a\u001b[2J\r\n\t\u0007\u007f\u009b é \\ ok')).toBe('a\\x1b[2J\\x0d\\x0a\\x09\\x07\\x7f\\x9b é \\ ok');
});
