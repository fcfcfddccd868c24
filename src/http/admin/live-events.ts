// GET /api/admin/events: the console's live stream (server-sent events). Each open console gets
// the school's events that are its own to hear: staff limited to classes hear of their classes'
// comments and absences only, viewers of no parent's question, alerts reach the principal and
// admins. An event says what changed (a comment's id, its class, its severity), never a parent's
// words or name: the console then asks the API, which applies every rule again.
// One listener, one heartbeat timer and batched writes for every stream; a cap on streams,
// overall and per person.
import type { Request, Response } from 'express';
import type { DomainEvent, DomainEvents } from '../../core/domain-events.ts';
import type { User } from '../../store/types.ts';
import { consoleError } from '../errors.ts';
import { limitedTo } from './class-scope.ts';

export interface LiveOptions {
  /** Streams open at once, over every console (each holds a socket and a little memory). */
  maxStreams?: number;
  /** Streams one person may hold (tabs, a phone and a desk). */
  maxPerUser?: number;
  heartbeatMs?: number;
  /**
   * Events are written in batches, one write per stream at most this often: a console only needs
   * to know that something changed (it reloads once after a burst), and a busy morning's webhooks
   * must not wait behind thousands of small writes.
   */
  flushMs?: number;
  /** How long a limited staff member's list of visible parents is trusted before it is read again. */
  contactsTtlMs?: number;
  /** How long the browser waits before reconnecting after a dropped stream (the SSE retry field). */
  retryMs?: number;
  /**
   * A stream ends after this long and the browser opens a new one, signed in again: a session that
   * was signed out or a person deactivated meanwhile stops hearing anything.
   */
  maxAgeMs?: number;
}

interface Stream {
  user: User;
  res: Response;
  openedAt: number;
  /** Written at the next flush. */
  pending: string[];
  /** The parents a limited staff member may see, when known and fresh. */
  visible: Set<string> | null;
  visibleAt: number;
  /** Questions waiting for that list to be read. */
  held: DomainEvent[];
  reading: boolean;
  close(): void;
}

/** The same text for everyone who may hear of an event: made once per event. */
const frame = (e: DomainEvent) => `event: ${e.kind}\ndata: ${JSON.stringify({ kind: e.kind, action: e.action, id: e.id, classId: e.classId, severity: e.severity, status: e.status, at: e.at })}\n\n`;

export class LiveEvents {
  private readonly streams = new Set<Stream>();
  private heartbeat: NodeJS.Timeout | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly opts: Required<LiveOptions>;
  private off: (() => void) | null = null;

  constructor(private readonly deps: { events: DomainEvents; visibleContacts: (user: User) => Promise<Set<string> | null> }, options: LiveOptions = {}) {
    this.opts = { maxStreams: 200, maxPerUser: 5, heartbeatMs: 25_000, flushMs: 200, contactsTtlMs: 60_000, retryMs: 3000, maxAgeMs: 10 * 60_000, ...options };
    deps.events.onClose(() => this.closeAll());
  }

  get open(): number {
    return this.streams.size;
  }

  /** Whether a user may hear of an event: true, false, or "ask" (a limited teacher and a parent's question). */
  private allowed(s: Stream, e: DomainEvent): boolean | 'ask' {
    const { user } = s;
    const classes = limitedTo(user);
    if (e.kind === 'alert') return user.role === 'admin' || user.role === 'principal';
    if (e.kind === 'comment' || e.kind === 'absence') return !classes || (!!e.classId && classes.includes(e.classId));
    if (e.kind === 'question') {
      if (user.role === 'viewer') return false;
      if (!classes) return true;
      if (!s.visible || Date.now() - s.visibleAt > this.opts.contactsTtlMs) return 'ask';
      return !!e.contactId && s.visible.has(e.contactId);
    }
    return true;
  }

  private tell(e: DomainEvent): void {
    let text: string | null = null;
    for (const s of this.streams) {
      const ok = this.allowed(s, e);
      if (ok === 'ask') { s.held.push(e); this.readVisible(s); continue; }
      if (!ok) continue;
      s.pending.push((text ??= frame(e)));
    }
    this.scheduleFlush();
  }

  /** Reads a limited teacher's parents again, then decides on the questions that waited for it. */
  private readVisible(s: Stream): void {
    if (s.reading) return;
    s.reading = true;
    this.deps.visibleContacts(s.user).then((visible) => {
      s.visible = visible ?? new Set();
      s.visibleAt = Date.now();
    }, () => { s.visible = new Set(); s.visibleAt = Date.now(); }).finally(() => {
      s.reading = false;
      const held = s.held.splice(0);
      for (const e of held) if (e.contactId && s.visible?.has(e.contactId)) s.pending.push(frame(e));
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      for (const s of this.streams) {
        if (!s.pending.length) continue;
        s.res.write(s.pending.join(''));
        s.pending.length = 0;
        // A console that stopped reading (a sleeping phone) is let go rather than buffered for.
        if (s.res.writableLength > 256 * 1024) s.close();
      }
    }, this.opts.flushMs);
    this.flushTimer.unref();
  }

  handle = async (req: Request, res: Response, user: User): Promise<void> => {
    const mine = [...this.streams].filter((s) => s.user.id === user.id);
    if (mine.length >= this.opts.maxPerUser) mine[0].close(); // the oldest tab gives way to the newest
    if (this.streams.size >= this.opts.maxStreams) {
      throw consoleError(503, 'too_many_streams', { max: this.opts.maxStreams });
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no',
    });
    res.write(`retry: ${this.opts.retryMs}\nevent: hello\ndata: ${JSON.stringify({ at: new Date().toISOString() })}\n\n`);
    // A script's health check: the stream answers, then closes.
    if (req.query.once === '1') { res.end(); return; }

    const stream: Stream = {
      user, res, openedAt: Date.now(), pending: [], visible: null, visibleAt: 0, held: [], reading: false,
      close: () => {
        if (!this.streams.delete(stream)) return;
        if (this.streams.size === 0) this.idle();
        res.end();
      },
    };
    this.streams.add(stream);
    req.on('close', () => stream.close());
    // One listener and one heartbeat for every stream, there while any stream is open.
    this.off ??= this.deps.events.on((e) => this.tell(e));
    if (!this.heartbeat) {
      this.heartbeat = setInterval(() => {
        const now = Date.now();
        for (const s of [...this.streams]) {
          if (now - s.openedAt > this.opts.maxAgeMs) s.close();
          else s.res.write(': ping\n\n');
        }
      }, this.opts.heartbeatMs);
      this.heartbeat.unref();
    }
  };

  private idle(): void {
    this.off?.();
    this.off = null;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  closeAll(): void {
    for (const s of [...this.streams]) s.close();
  }
}
