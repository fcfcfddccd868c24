// The people who chat with the bot, what they asked, and a way for staff to answer one of them
// themselves ("cho tôi gặp người thật"). The platform's rules decide whether it can go out.
// Staff limited to classes see their classes' parents only; staff write to a parent only inside a
// hand-off the parent asked for; both reads and writes are audited.
import { Router } from 'express';
import { z } from '@botpress/sdk';
import type { Store } from '../../store/types.ts';
import { conversationKey } from '../../core/messages.ts';
import type { Outbox } from '../../core/outbox.ts';
import { foldDiacritics } from '../../nlu/normalise.ts';
import { currentUser, requireRole } from '../auth.ts';
import type { Audit } from '../audit.ts';
import { HttpError, notFound, parseBody } from '../errors.ts';
import { ANONYMOUS_TEXT, ClassScope, limitedTo, seesAnonymous } from './class-scope.ts';

/** Messenger's HUMAN_AGENT tag allows a person's answer up to 7 days after the parent wrote. */
export const HANDOFF_MS = 7 * 24 * 60 * 60 * 1000;
const HANDOFF_INTENT = 'human_agent';

export function contactRoutes(deps: { store: Store; outbox: Outbox; audit: Audit; clock: () => Date; classIds: () => string[] }): Router {
  const { store, outbox, audit } = deps;
  const scope = new ClassScope(store, audit);
  const router = Router();
  const staffRoles = ['admin', 'principal', 'staff'] as const;
  const contactOf = async (id: unknown) => {
    const c = await store.contacts.get(String(id));
    if (!c) throw notFound(`no contact ${String(id)}`);
    return c;
  };

  /**
   * So that two parents without a name can be told apart: the children they reported absent and
   * the classes they follow or reported for (a teacher sees only her classes' children).
   */
  const familyOf = async (contactId: string, classes: string[] | null) => {
    const ours = (classId: string) => !classes || classes.includes(classId);
    const schoolClasses = new Set(deps.classIds());
    const absences = (await store.absences.ofContact(contactId, '0000-01-01')).filter((a) => ours(a.classId));
    const followed = (await store.subscriptions.activeGroups(contactId)).filter((g) => schoolClasses.has(g) && ours(g));
    return {
      children: [...new Set(absences.map((a) => a.childName))].sort((a, b) => a.localeCompare(b, 'vi')).slice(0, 3),
      classIds: [...new Set([...absences.map((a) => a.classId), ...followed])].sort().slice(0, 3),
    };
  };

  router.get('/contacts', requireRole(...staffRoles), async (req, res) => {
    const user = currentUser(req);
    const q = typeof req.query.q === 'string' ? foldDiacritics(req.query.q.toLowerCase()) : '';
    const visible = await scope.visibleContacts(user);
    const contacts = (await store.contacts.list({ limit: 100_000 }))
      .filter((c) => !visible || visible.has(c.id))
      .filter((c) => !q || foldDiacritics((c.displayName ?? '').toLowerCase()).includes(q))
      .sort((a, b) => (b.lastInboundAt ?? '').localeCompare(a.lastInboundAt ?? ''))
      .slice(0, 200);
    await scope.auditRead(req, user, 'contacts', 'contacts', { q: req.query.q ?? null, count: contacts.length });
    res.json({ contacts: await Promise.all(contacts.map(async (c) => ({ ...c, ...(await familyOf(c.id, limitedTo(user))) }))) });
  });

  router.get('/contacts/:id/transcript', requireRole(...staffRoles), async (req, res) => {
    const user = currentUser(req);
    const contact = await contactOf(req.params.id);
    await scope.mustSee(user, contact.id);
    const turns = await store.transcript.list({ conversationKey: conversationKey(contact.ref), limit: 10_000 });
    await scope.auditRead(req, user, 'transcript', `contact:${contact.id}`);
    // What the school's people wrote themselves sits in the outbox, not the transcript: shown with
    // whether it went out, so that the conversation reads whole.
    // Below the principal, a parent with an anonymous comment: what the school wrote them may speak of it.
    const hidden = !seesAnonymous(user) && (await store.comments.list({ contactId: contact.id, limit: 1000 })).some((c) => c.anonymous);
    // What staff wrote and the school's answers to comments (sent as proactive messages).
    const staffMessages = (await store.outbox.list({ conversationKey: conversationKey(contact.ref), purposes: ['human', 'proactive'], limit: 100_000 }))
      .slice(-50)
      .map((m) => ({ at: m.createdAt, text: hidden ? ANONYMOUS_TEXT : m.message.type === 'text' ? m.message.text : '', status: m.status, reason: m.lastError }));
    res.json({ contact, turns: await scope.hideAnonymousWords(user, contact.id, turns.slice(-50)), staffMessages });
  });

  router.post('/contacts/:id/messages', requireRole(...staffRoles), async (req, res) => {
    const user = currentUser(req);
    const { text } = parseBody(z.object({ text: z.string().trim().min(1).max(2000) }), req.body);
    const contact = await contactOf(req.params.id);
    await scope.mustSee(user, contact.id);
    // The principal and admins speak for the school; other staff only answer a parent who asked for a person.
    if (user.role === 'staff') {
      const since = new Date(deps.clock().getTime() - HANDOFF_MS).toISOString();
      const asked = (await store.transcript.list({ conversationKey: conversationKey(contact.ref), since, limit: 10_000 })).some((t) => t.intent === HANDOFF_INTENT);
      if (!asked) throw new HttpError(403, 'forbidden', 'staff write to a parent only after the parent asked for a person ("cho tôi gặp người thật") in the last 7 days; otherwise the principal or an admin writes, or reply to their comment');
    }
    await outbox.sendFromStaff(contact.ref, text);
    const [last] = (await store.outbox.list({ conversationKey: conversationKey(contact.ref), limit: 100_000 })).slice(-1);
    await audit(req, 'contact.message', `contact:${contact.id}`, { text, status: last?.status, reason: last?.lastError, handoff: user.role === 'staff' });
    if (last?.status === 'failed') throw new HttpError(409, 'conflict', `not sent: ${last.lastError}`);
    res.json({ status: last?.status ?? 'pending' });
  });
  return router;
}
