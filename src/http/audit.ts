// Every change through the admin API lands in the audit log: who, what, when. Routes call
// `audit(req, action, target, details)` before they answer, so the entry exists once the client
// has its response.
import type { Request } from 'express';
import type { Store } from '../store/types.ts';
import { currentUser } from './auth.ts';

const HIDDEN = /token|secret|password|cookie/i;

/** Keeps the audit log readable and free of secrets. */
export function scrub(value: unknown, depth = 0): unknown {
  if (depth > 4 || value === null || typeof value !== 'object') return typeof value === 'string' && value.length > 500 ? `${value.slice(0, 500)}…` : value;
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => scrub(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, HIDDEN.test(k) ? '[redacted]' : scrub(v, depth + 1)]));
}

export type Audit = (req: Request, action: string, target: string, details?: unknown) => Promise<void>;

export function auditWriter(store: Store, clock: () => Date): Audit {
  return async (req, action, target, details) => {
    const user = currentUser(req);
    await store.audit.append({ at: clock().toISOString(), actor: `${user.name} (${user.id})`, action, target, details: scrub(details ?? null) });
    await store.flush(); // the change and its audit entry are on disk before the client hears OK
  };
}

/** For entries whose actor is not yet on the request (signing in, choosing a password). */
export function auditAs(store: Store, clock: () => Date) {
  return async (_req: Request, user: { id: string; name: string }, action: string, target: string, details?: unknown) => {
    await store.audit.append({ at: clock().toISOString(), actor: `${user.name} (${user.id})`, action, target, details: scrub(details ?? null) });
    await store.flush();
  };
}

/** "Cô Hòa (3f…)" → its name and id, for the console's audit screen. */
export function splitActor(actor: string): { actorId: string | null; actorName: string } {
  const m = /^(.*) \(([^()]+)\)$/.exec(actor);
  return m ? { actorName: m[1], actorId: m[2] } : { actorName: actor, actorId: null };
}
