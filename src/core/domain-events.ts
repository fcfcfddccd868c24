// What happened in the school, as it happens: a comment filed or handled, an absence reported or
// withdrawn, an alert raised or acknowledged, an announcement moving on, a question Loa could not
// answer. The console's live overview listens (src/http/admin/live-events.ts). Events are told by
// the store's writes, so no feature has to remember to tell them; they carry what is needed to
// decide who may hear of them (the class, the contact), never a parent's words or name.
import { EventEmitter } from 'node:events';
import type { Store } from '../store/types.ts';

export type DomainEventKind = 'comment' | 'absence' | 'alert' | 'broadcast' | 'question';

export interface DomainEvent {
  kind: DomainEventKind;
  /** created, updated, withdrawn, acknowledged… */
  action: string;
  id: number | null;
  /** The class the event belongs to (comments, absences); null when it is the whole school's. */
  classId: string | null;
  /** The parent it concerns, for deciding who may hear of it; never sent to the console. */
  contactId: string | null;
  severity?: 'urgent' | 'normal';
  /** The announcement's new status. */
  status?: string;
  at: string;
}

export class DomainEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open console stream (capped by the stream's route).
    this.emitter.setMaxListeners(0);
  }

  emit(event: DomainEvent): void {
    // A listener's failure is the listener's: the write that told the event has already succeeded.
    for (const listener of this.emitter.listeners('event')) {
      try { (listener as (e: DomainEvent) => void)(event); } catch { /* the stream closes itself */ }
    }
  }

  on(listener: (event: DomainEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => { this.emitter.off('event', listener); };
  }

  /** Loa is stopping: listeners that hold something open (console streams) let go. */
  close(): void {
    this.emitter.emit('close');
    this.emitter.removeAllListeners('event');
  }

  onClose(fn: () => void): () => void {
    this.emitter.once('close', fn);
    return () => { this.emitter.off('close', fn); };
  }

  get listeners(): number {
    return this.emitter.listenerCount('event');
  }
}

type AnyFn = (...args: any[]) => Promise<any>;
/** Replaces a repository method by one that tells an event after a successful write. */
function after<T extends object, K extends keyof T>(repo: T, method: K, tell: (result: Awaited<ReturnType<T[K] & AnyFn>>, args: Parameters<T[K] & AnyFn>) => void | Promise<void>): void {
  const original = (repo[method] as AnyFn).bind(repo);
  (repo as Record<K, AnyFn>)[method] = async (...args: unknown[]) => {
    const result = await original(...args);
    try { await tell(result, args as never); } catch { /* telling must never fail a write */ }
    return result;
  };
}

/** Makes the store's writes tell the events. Called once, right after the store is opened. */
export function observeStore(store: Store, events: DomainEvents, clock: () => Date): void {
  const at = () => clock().toISOString();
  after(store.comments, 'create', (c) => events.emit({ kind: 'comment', action: 'created', id: c.id, classId: c.classId, contactId: c.contactId, severity: c.severity, at: at() }));
  after(store.comments, 'update', (c) => {
    if (c) events.emit({ kind: 'comment', action: 'updated', id: c.id, classId: c.classId, contactId: c.contactId, severity: c.severity, at: at() });
  });
  after(store.comments, 'addEvent', async (_r, [e]) => {
    // Notes and replies change a comment's page without changing the comment's row.
    if (e.kind !== 'note' && e.kind !== 'reply' && e.kind !== 'delivery') return;
    const c = await store.comments.get(e.commentId);
    if (c) events.emit({ kind: 'comment', action: e.kind, id: c.id, classId: c.classId, contactId: c.contactId, severity: c.severity, at: at() });
  });
  // A withdrawal names the absence only: its class is remembered from when it was read or made
  // (withdrawing reads the parent's absences first), so that its class's teachers hear of it.
  const classOf = new Map<number, { classId: string; contactId: string | null }>();
  const remember = (a: { id: number; classId: string; contactId: string | null }) => {
    classOf.delete(a.id);
    classOf.set(a.id, { classId: a.classId, contactId: a.contactId });
    if (classOf.size > 2000) classOf.delete(classOf.keys().next().value!);
  };
  after(store.absences, 'create', (a) => {
    remember(a);
    events.emit({ kind: 'absence', action: 'created', id: a.id, classId: a.classId, contactId: a.contactId, at: at() });
  });
  after(store.absences, 'ofContact', (list) => { for (const a of list) remember(a); });
  after(store.absences, 'withdraw', (_r, [id]) => {
    const known = classOf.get(id);
    events.emit({ kind: 'absence', action: 'withdrawn', id, classId: known?.classId ?? null, contactId: known?.contactId ?? null, at: at() });
  });
  after(store.alerts, 'append', (a) => events.emit({ kind: 'alert', action: 'raised', id: a.id, classId: null, contactId: null, at: at() }));
  after(store.alerts, 'acknowledge', (ok, [id]) => {
    if (ok) events.emit({ kind: 'alert', action: 'acknowledged', id, classId: null, contactId: null, at: at() });
  });
  after(store.broadcasts, 'create', (b) => events.emit({ kind: 'broadcast', action: 'created', id: b.id, classId: null, contactId: null, status: b.status, at: at() }));
  after(store.broadcasts, 'update', (b, [, patch]) => {
    if (b && 'status' in patch) events.emit({ kind: 'broadcast', action: 'updated', id: b.id, classId: null, contactId: null, status: b.status, at: at() });
  });
  after(store.transcript, 'append', (_r, [turn]) => {
    if (!turn.answered) events.emit({ kind: 'question', action: 'unanswered', id: null, classId: null, contactId: turn.contactId, at: at() });
  });
}
