#!/usr/bin/env node
// Writes fixtures/real/pino-http.log: the log a real pino-http (npm) writes for a fixed request sequence
// (200s, 404s, 500s, a POST) against a plain node:http server. pino and pino-http are not project
// dependencies: run it with them installed elsewhere, e.g.
//   mkdir -p /tmp/pino && (cd /tmp/pino && npm i pino@9 pino-http@10) && NODE_PATH=/tmp/pino/node_modules node scripts/capture-pino-http.js
const { createWriteStream } = require('node:fs');
const http = require('node:http');
const { join } = require('node:path');
const pino = require('pino');
const pinoHttp = require('pino-http');

const out = join(__dirname, '..', 'fixtures', 'real', 'pino-http.log');
const destination = pino.destination({ dest: out, sync: true });
const logger = pinoHttp({ logger: pino({}, destination) });

const server = http.createServer((req, res) => {
  logger(req, res);
  const path = req.url.split('?')[0];
  if (path === '/boom') {
    res.statusCode = 500;
    return res.end('boom');
  }
  if (path.startsWith('/api/')) {
    res.statusCode = 200;
    return setTimeout(() => res.end('ok'), path.length % 7);
  }
  res.statusCode = 404;
  res.end('not found');
});

server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  const plan = [];
  for (let i = 0; i < 60; i++) plan.push(['GET', `/api/items/${i % 9}?page=${i}`]);
  for (let i = 0; i < 30; i++) plan.push(['GET', `/missing/${i}`]);
  for (let i = 0; i < 6; i++) plan.push(['GET', '/boom']);
  for (let i = 0; i < 4; i++) plan.push(['POST', '/api/orders']);
  for (const [method, path] of plan) {
    await new Promise((resolve, reject) => {
      const req = http.request({ port, host: '127.0.0.1', method, path, headers: { 'user-agent': 'capture-pino-http/1' } }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(method === 'POST' ? '{"x":1}' : undefined);
    });
  }
  server.close();
  destination.flushSync();
  console.log(`wrote ${plan.length} requests to ${out}`);
});
