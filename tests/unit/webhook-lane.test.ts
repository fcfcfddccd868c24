// The webhook lane in front of express, over real HTTP: what it answers itself, what it hands on,
// and bad input (too large, compressed, a client that leaves mid-body, a bug in a handler).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import express from 'express';
import { webhookLane, type WebhookRequest } from '../../src/http/webhook-lane.ts';
import { HttpError } from '../../src/http/errors.ts';
import { BODY_LIMIT_BYTES } from '../../src/http/limits.ts';
import { silentLogger } from '../../src/logger.ts';

describe('webhook lane', () => {
  let received: WebhookRequest[];
  let shuttingDown: boolean;
  let lane: http.RequestListener;

  beforeEach(() => {
    received = [];
    shuttingDown = false;
    const rest = express();
    rest.get('/healthz', (_req, res) => { res.json({ status: 'ok' }); });
    rest.use((req, res) => { res.status(404).json({ error: { code: 'not_found', message: `no route for ${req.method} ${req.path}` } }); });
    lane = webhookLane([
      {
        path: '/webhooks/test',
        get: ({ query }) => ({ status: 200, body: query.get('echo') ?? '' }),
        async post(req) {
          received.push(req);
          const text = req.raw.toString('utf8');
          if (text === 'bug') throw new Error('a bug in a handler');
          if (text === 'refuse') throw new HttpError(401, 'bad_signature', 'wrong signature');
          return { status: 200, body: { got: text.length } };
        },
      },
    ], rest, { logger: silentLogger(), isShuttingDown: () => shuttingDown });
  });

  it('answers its endpoints with the exact bytes sent, and hands every other request to express', async () => {
    const res = await request(lane).post('/webhooks/test?x=1').set('x-sig', 'abc').send('héllo');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ got: 5 });
    expect(received[0].raw.equals(Buffer.from('héllo'))).toBe(true);
    expect(received[0].header('x-sig')).toBe('abc');
    expect(received[0].query.get('x')).toBe('1');
    expect((await request(lane).get('/webhooks/test').query({ echo: 'challenge-42' })).text).toBe('challenge-42');
    expect((await request(lane).get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await request(lane).put('/webhooks/test').send('x')).status).toBe(404); // not a webhook method: express's 404
    expect(received).toHaveLength(1);
  });

  it('answers errors in the one JSON error shape; a bug is a 500 and the next request is served', async () => {
    const refused = await request(lane).post('/webhooks/test').send('refuse');
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ error: { code: 'bad_signature', message: 'wrong signature' } });
    const bug = await request(lane).post('/webhooks/test').send('bug');
    expect(bug.status).toBe(500);
    expect(bug.body.error.code).toBe('internal');
    expect((await request(lane).post('/webhooks/test').send('ok')).status).toBe(200);
  });

  it('refuses a body past the limit, even one sent in chunks without a length, and compressed bodies', async () => {
    const server = http.createServer(lane).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const { port } = server.address() as AddressInfo;
      const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, path: '/webhooks/test', method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        const chunk = Buffer.alloc(64 * 1024, 'x');
        for (let sent = 0; sent <= BODY_LIMIT_BYTES; sent += chunk.length) req.write(chunk);
        req.end();
      });
      expect(chunked.status).toBe(413);
      expect(JSON.parse(chunked.body).error.code).toBe('body_too_large');
      const gzip = await request(lane).post('/webhooks/test').set('content-encoding', 'gzip').send('x');
      expect(gzip.status).toBe(415);
      expect(received).toHaveLength(0);
      expect((await request(lane).post('/webhooks/test').send('still here')).status).toBe(200);
    } finally {
      server.close();
    }
  });

  it('lets a client leave mid-body without an answer or a record', async () => {
    const server = http.createServer(lane).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const { port } = server.address() as AddressInfo;
      const req = http.request({ host: '127.0.0.1', port, path: '/webhooks/test', method: 'POST', headers: { 'content-length': '1000' } });
      req.on('error', () => undefined);
      req.write('only a part');
      await new Promise((r) => setTimeout(r, 50));
      req.destroy();
      await new Promise((r) => setTimeout(r, 50));
      expect(received).toHaveLength(0);
      expect((await request(lane).post('/webhooks/test').send('next')).status).toBe(200);
    } finally {
      server.close();
    }
  });

  it('answers 503 while Loa stops, so the platform delivers again later', async () => {
    shuttingDown = true;
    const res = await request(lane).post('/webhooks/test').send('late');
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('shutting_down');
    expect(received).toHaveLength(0);
  });
});
