// A view of the store for "Try it": reads go to the real store, nothing is ever written. The
// conversation's session lives in memory, the contact is made up, the transcript is not appended,
// and any other write is refused (the turn then fails visibly instead of changing something).
import type { ConversationRef } from '../../core/messages.ts';
import type { Contact, ContactRepository, Session, SessionRepository, Store, TranscriptRepository } from '../../store/types.ts';

export class DryRunWriteError extends Error {}

const WRITES = /^(append|create|save|put|delete|record|mark|enqueue|claim|reschedule|update|touch|set|add|subscribe|unsubscribe|link|consume|withdraw|acknowledge|expand|finish|cancel|revoke|use|clear|acquire|release)/;

function readOnly<T extends object>(repo: T, name: string): T {
  return new Proxy(repo, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value === 'function' && typeof prop === 'string' && WRITES.test(prop)) {
        return async () => {
          throw new DryRunWriteError(`"Try it" writes nothing (${name}.${prop})`);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export function dryRunStore(store: Store, now: () => Date): Store {
  const sessions = new Map<string, string>();
  const sessionRepo: SessionRepository = {
    async get(key) {
      const s = sessions.get(key);
      return s ? (JSON.parse(s) as Session) : null;
    },
    async save(session) {
      sessions.set(session.key, JSON.stringify(session));
    },
  };
  const contact = (ref: ConversationRef, displayName?: string): Contact => ({
    id: `try:${ref.userId}`, ref, displayName: displayName ?? null, locale: null, firstSeenAt: now().toISOString(), lastInboundAt: now().toISOString(),
  });
  const contacts: ContactRepository = {
    ...readOnly(store.contacts, 'contacts'),
    touch: async (ref, _at, displayName) => contact(ref, displayName),
    get: async () => null,
    findByRef: async () => null,
    setLocale: async () => {},
    list: (filter) => store.contacts.list(filter),
  };
  const transcript: TranscriptRepository = {
    append: async () => {},
    list: (filter) => store.transcript.list(filter),
    topIntents: (since, until, limit) => store.transcript.topIntents(since, until, limit),
    questions: (days) => store.transcript.questions(days),
  };
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'sessions') return sessionRepo;
      if (prop === 'contacts') return contacts;
      if (prop === 'transcript') return transcript;
      if (prop === 'flush') return async () => {};
      if (prop === 'close') return async () => {};
      const value = Reflect.get(target, prop, receiver);
      return value && typeof value === 'object' ? readOnly(value, String(prop)) : value;
    },
  });
}
