// The turn queue: under a burst it leaves the event loop time to read requests, so webhooks are
// acknowledged while turns are still running; without a burst a turn starts at once.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { KeyedQueue } from '../../src/core/keyed-queue.ts';

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('keyed queue', () => {
  it('answers a request that arrives during a burst of turns before the burst is over', async () => {
    const server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const queue = new KeyedQueue({ sliceMs: 4 });
    const done: string[] = [];
    for (let i = 0; i < 60; i++) void queue.run(`parent${i % 7}`, async () => { busy(2); done.push(`parent${i % 7}:${i}`); });

    const body = await new Promise<{ text: string; turnsDone: number }>((resolve, reject) => {
      http.get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ text, turnsDone: done.length }));
      }).on('error', reject);
    });
    await queue.drain();
    server.close();

    expect(body.text).toBe('ok');
    expect(body.turnsDone).toBeLessThan(60); // the request did not wait for the 120 ms of turns
    expect(done).toHaveLength(60);
    // Each parent's turns still ran in the order they came.
    for (let p = 0; p < 7; p++) {
      const mine = done.filter((d) => d.startsWith(`parent${p}:`)).map((d) => Number(d.split(':')[1]));
      expect(mine).toEqual([...mine].sort((a, b) => a - b));
    }
  });

  it('starts a turn in the same turn of the event loop when nothing else is waiting', async () => {
    const queue = new KeyedQueue();
    const order: string[] = [];
    // Queued from an I/O callback, as a webhook's turn is: it starts before the next loop turn's timers.
    await new Promise<void>((resolve) => fs.stat('.', () => {
      const timer = new Promise<void>((done) => setTimeout(() => { order.push('timer'); done(); }, 0));
      void Promise.all([queue.run('a', async () => { order.push('turn'); }), timer]).then(() => resolve());
    }));
    expect(order).toEqual(['turn', 'timer']);
  });
});
