// GET /api/admin/events: the console's live stream (server-sent events). Each open console gets
// the school's events that are its own to hear: staff limited to classes hear of their classes'
// comments and absences only, viewers of no parent's question, alerts reach the principal and
// admins. An event says what changed (a comment's id, its class, its severity), never a parent's
// words or name: the console then asks the API, which applies every rule again.
// One heartbeat timer for every stream; a cap on streams, overall and per person.
import type { Request, Response } from 'express';
import type { DomainEvent, DomainEvents } from '../../core/domain-events.ts';
import type { User } from '../../store/types.ts';
import { HttpError } from '../errors.ts';
import { limitedTo } from './class-scope.ts';

export interface LiveOptions {
  /** Streams open at once, over every console (each holds a socket and a little memory). */
  maxStreams?: number;
  /** Streams one person may hold (tabs, a phone and a desk). */
  maxPerUser?: number;
  heartbeatMs?: number;
  /** How long a limited staff member's list of visible parents is trusted before it is read again. */
  contactsTtlMs?: number;
  /** How long the browser waits before reconnecting after a dropped stream (the SSE retry field). */
  retryMs?: number;
}

interface Stream { user: User; res: Response; visible: Set<string> | null; visibleAt: number; close(): void }

export class LiveEvents {
  private readonly streams = new Set<Stream>();
  private timer: NodeJS.Timeout | null = null;
  private readonly opts: Required<LiveOptions>;

  constructor(private readonly deps: { events: DomainEvents; visibleContacts: (user: User) => Promise<Set<string> | null> }, options: LiveOptions = {}) {
    this.opts = { maxStreams: 200, maxPerUser: 5, heartbeatMs: 25_000, contactsTtlMs: 60_000, retryMs: 3000, ...options };
    deps.events.onClose(() => this.closeAll());
  }

  get open(): number {
    return this.streams.size;
  }

  /** Whether a user may hear of an event, and what of it they hear. */
  private async shown(s: Stream, e: DomainEvent): Promise<Record<string, unknown> | null> {
    const { user } = s;
    const classes = limitedTo(user);
    const leader = user.role === 'admin' || user.role === 'principal';
    if (e.kind === 'alert' && !leader) return null;
    if ((e.kind === 'comment' || e.kind === 'absence') && classes && (!e.classId || !classes.includes(e.classId))) return null;
    if (e.kind === 'question') {
      if (user.role === 'viewer') return null;
      if (classes) {
        if (!s.visible || Date.now() - s.visibleAt > this.opts.contactsTtlMs) {
          s.visible = await this.deps.visibleContacts(user);
          s.visibleAt = Date.now();
        }
        if (!e.contactId || !s.visible?.has(e.contactId)) return null;
      }
    }
    return { kind: e.kind, action: e.action, id: e.id, classId: e.classId, severity: e.severity, status: e.status, at: e.at };
  }

  handle = async (req: Request, res: Response, user: User): Promise<void> => {
    const mine = [...this.streams].filter((s) => s.user.id === user.id);
    if (mine.length >= this.opts.maxPerUser) mine[0].close(); // the oldest tab gives way to the newest
    if (this.streams.size >= this.opts.maxStreams) {
      throw new HttpError(503, 'too_many_streams', `${this.opts.maxStreams} consoles are already following live; try again in a minute`);
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no',
    });
    res.write(`retry: ${this.opts.retryMs}\nevent: hello\ndata: ${JSON.stringify({ at: new Date().toISOString() })}\n\n`);
    // A script's health check: the stream answers, then closes.
    if (req.query.once === '1') { res.end(); return; }

    let queue = Promise.resolve();
    const stream: Stream = {
      user, res, visible: null, visibleAt: 0,
      close: () => {
        if (!this.streams.delete(stream)) return;
        off();
        if (this.streams.size === 0 && this.timer) { clearInterval(this.timer); this.timer = null; }
        res.end();
      },
    };
    const off = this.deps.events.on((e) => {
      // In order, one at a time per stream: a slow look-up must not reorder what the console hears.
      queue = queue.then(async () => {
        const data = await this.shown(stream, e);
        if (!data || res.writableEnded) return;
        res.write(`event: ${e.kind}\ndata: ${JSON.stringify(data)}\n\n`);
        // A console that stopped reading (a sleeping phone) is let go rather than buffered for.
        if (res.writableLength > 256 * 1024) stream.close();
      }).catch(() => stream.close());
    });
    this.streams.add(stream);
    req.on('close', () => stream.close());
    if (!this.timer) {
      this.timer = setInterval(() => {
        for (const s of this.streams) s.res.write(': ping\n\n');
      }, this.opts.heartbeatMs);
      this.timer.unref();
    }
  };

  closeAll(): void {
    for (const s of [...this.streams]) s.close();
  }
}
