// The people who chat with the bot, what they asked, and a way for staff to answer one of them
// themselves ("cho tôi gặp người thật"). The platform's rules decide whether it can go out.
import { Router } from 'express';
import { z } from '@botpress/sdk';
import type { Store } from '../../store/types.ts';
import { conversationKey } from '../../core/messages.ts';
import type { Outbox } from '../../core/outbox.ts';
import { foldDiacritics } from '../../nlu/normalise.ts';
import { requireRole } from '../auth.ts';
import type { Audit } from '../audit.ts';
import { HttpError, notFound, parseBody } from '../errors.ts';

export function contactRoutes(deps: { store: Store; outbox: Outbox; audit: Audit }): Router {
  const { store, outbox, audit } = deps;
  const router = Router();
  const staffRoles = ['admin', 'principal', 'staff'] as const;
  const contactOf = async (id: unknown) => {
    const c = await store.contacts.get(String(id));
    if (!c) throw notFound(`no contact ${String(id)}`);
    return c;
  };

  router.get('/contacts', requireRole(...staffRoles), async (req, res) => {
    const q = typeof req.query.q === 'string' ? foldDiacritics(req.query.q.toLowerCase()) : '';
    const contacts = (await store.contacts.list({ limit: 100_000 }))
      .filter((c) => !q || foldDiacritics((c.displayName ?? '').toLowerCase()).includes(q))
      .sort((a, b) => (b.lastInboundAt ?? '').localeCompare(a.lastInboundAt ?? ''))
      .slice(0, 200);
    res.json({ contacts });
  });

  router.get('/contacts/:id/transcript', requireRole(...staffRoles), async (req, res) => {
    const contact = await contactOf(req.params.id);
    const turns = await store.transcript.list({ conversationKey: conversationKey(contact.ref), limit: 10_000 });
    res.json({ contact, turns: turns.slice(-50) });
  });

  router.post('/contacts/:id/messages', requireRole(...staffRoles), async (req, res) => {
    const { text } = parseBody(z.object({ text: z.string().trim().min(1).max(2000) }), req.body);
    const contact = await contactOf(req.params.id);
    await outbox.sendFromStaff(contact.ref, text);
    const [last] = (await store.outbox.list({ conversationKey: conversationKey(contact.ref), limit: 100_000 })).slice(-1);
    await audit(req, 'contact.message', `contact:${contact.id}`, { text, status: last?.status, reason: last?.lastError });
    if (last?.status === 'failed') throw new HttpError(409, 'conflict', `not sent: ${last.lastError}`);
    res.json({ status: last?.status ?? 'pending' });
  });
  return router;
}
