import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Pipeline } from '../../src/core/pipeline.ts';
import type { Bot, TurnResult } from '../../src/core/bot.ts';
import type { IncomingEvent, OutgoingMessage } from '../../src/core/messages.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { silentLogger } from '../../src/logger.ts';
import { tempDir } from '../helpers.ts';

const event = (user: string, id: string, text = id): IncomingEvent => ({
  type: 'text', ref: { channel: 'messenger', accountId: 'page', userId: user, threadId: user, threadType: 'user' },
  messageId: id, timestamp: '2026-11-26T02:00:00.000Z', text, raw: {},
});

/** A bot whose turns take a random while, and that records when each starts and ends. */
function slowBot(log: string[]) {
  const active = new Map<string, number>();
  let overlaps = 0;
  const bot = {
    async runTurn(e: IncomingEvent): Promise<TurnResult> {
      const user = e.ref.userId;
      active.set(user, (active.get(user) ?? 0) + 1);
      if (active.get(user)! > 1) overlaps++;
      log.push(`${user}:${e.messageId}`);
      await new Promise((r) => setTimeout(r, Math.random() * 15));
      active.set(user, active.get(user)! - 1);
      return { replies: [{ type: 'text', text: `re ${e.messageId}` }], intent: null, confidence: null, handler: 'echo', answered: true, locale: 'vi' };
    },
  };
  return { bot: bot as unknown as Bot, overlaps: () => overlaps };
}

function setup(file = path.join(tempDir(), 'loa.db'), maxInMemory?: number) {
  const store = openSqliteStore(file);
  const log: string[] = [];
  const delivered: string[] = [];
  const { bot, overlaps } = slowBot(log);
  const delivery = { async deliver(_ref: unknown, messages: OutgoingMessage[]) { for (const m of messages) if (m.type === 'text') delivered.push(m.text); } };
  const pipeline = new Pipeline({ store, bot, delivery, logger: silentLogger(), clock: () => new Date('2026-11-26T02:00:00Z'), maxInMemory });
  return { store, pipeline, log, delivered, overlaps, file };
}

describe('pipeline', () => {
  it('runs one conversation in order, one turn at a time, and conversations in parallel', async () => {
    const { pipeline, log, overlaps, store } = setup();
    const turns = [];
    for (let i = 0; i < 10; i++) {
      for (const user of ['a', 'b', 'c']) turns.push((await pipeline.receive(event(user, `${user}${i}`))).turn);
    }
    await Promise.all(turns);
    for (const user of ['a', 'b', 'c']) {
      expect(log.filter((l) => l.startsWith(`${user}:`))).toEqual(Array.from({ length: 10 }, (_, i) => `${user}:${user}${i}`));
    }
    expect(overlaps()).toBe(0);
    // Different conversations interleave: the log is not all of a, then all of b.
    expect(log.slice(0, 3).map((l) => l[0]).sort()).toEqual(['a', 'b', 'c']);
    expect(await store.inbox.listPending()).toEqual([]);
  });

  it('records an event once and runs one turn for a duplicate', async () => {
    const { pipeline, log, delivered } = setup();
    const first = await pipeline.receive(event('a', 'm1'));
    const second = await pipeline.receive(event('a', 'm1'));
    await first.turn;
    expect(first.inserted).toBe(true);
    expect(second.inserted).toBe(false);
    expect(await second.turn).toBeNull();
    expect(log).toEqual(['a:m1']);
    expect(delivered).toEqual(['re m1']);
  });

  it('processes on boot what was recorded but not processed before a crash', async () => {
    const file = path.join(tempDir(), 'loa.db');
    // The "crashed" process: events recorded in the inbox, never processed.
    const crashed = openSqliteStore(file);
    await crashed.inbox.record(event('a', 'x1'), 'messenger:page:user:a', '2026-11-26T02:00:00.000Z');
    await crashed.inbox.record(event('a', 'x2'), 'messenger:page:user:a', '2026-11-26T02:00:01.000Z');
    await crashed.close();

    const { pipeline, log, delivered, store } = setup(file);
    expect(await pipeline.recover()).toBe(2);
    await pipeline.drain();
    expect(log).toEqual(['a:x1', 'a:x2']);
    expect(delivered).toEqual(['re x1', 're x2']);
    expect(await store.inbox.listPending()).toEqual([]);
    expect(await pipeline.recover()).toBe(0);
  });

  it('in a flood keeps a bounded number of turns in memory, the rest in the inbox, and answers all in order', async () => {
    const { pipeline, log, delivered, store } = setup(undefined, 6);
    let peak = 0;
    for (let i = 0; i < 15; i++) {
      for (const user of ['a', 'b', 'c']) {
        await pipeline.receive(event(user, `${user}${i}`));
        peak = Math.max(peak, pipeline.turnsInMemory);
      }
    }
    expect(peak).toBeLessThanOrEqual(6);
    expect((await store.inbox.listPending()).length).toBeGreaterThan(30); // waiting in the inbox, not in memory
    await pipeline.drain();
    for (const user of ['a', 'b', 'c']) {
      expect(log.filter((l) => l.startsWith(`${user}:`))).toEqual(Array.from({ length: 15 }, (_, i) => `${user}:${user}${i}`));
    }
    expect(delivered).toHaveLength(45);
    expect(await store.inbox.listPending()).toEqual([]);
    expect(pipeline.turnsInMemory).toBe(0);
  });

  it('on boot reads a large backlog back a bounded part at a time', async () => {
    const file = path.join(tempDir(), 'loa.db');
    const crashed = openSqliteStore(file);
    for (let i = 0; i < 20; i++) await crashed.inbox.record(event(i % 2 ? 'a' : 'b', `y${i}`), `messenger:page:user:${i % 2 ? 'a' : 'b'}`, '2026-11-26T02:00:00.000Z');
    await crashed.close();
    const { pipeline, log, store } = setup(file, 4);
    expect(await pipeline.recover()).toBe(4);
    expect(pipeline.turnsInMemory).toBeLessThanOrEqual(4);
    await pipeline.drain();
    expect(log).toHaveLength(20);
    expect(log.filter((l) => l.startsWith('a:'))).toEqual(Array.from({ length: 10 }, (_, i) => `a:y${2 * i + 1}`));
    expect(await store.inbox.listPending()).toEqual([]);
  });

  it('stops taking events on close and finishes those in flight', async () => {
    const { pipeline, log } = setup();
    const r = await pipeline.receive(event('a', 'last'));
    await pipeline.close();
    expect(log).toEqual(['a:last']);
    await expect(r.turn).resolves.toMatchObject({ handler: 'echo' });
    await expect(pipeline.receive(event('a', 'late'))).rejects.toThrow(/shutting down/);
  });
});
