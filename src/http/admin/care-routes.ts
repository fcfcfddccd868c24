// What an admin does after something went wrong, and for a parent's rights: messages a crash
// left uncertain (listed, re-sent on an admin's decision) and erasing a contact's personal data.
import { Router } from 'express';
import type { Store } from '../../store/types.ts';
import type { Outbox } from '../../core/outbox.ts';
import type { Features } from '../../loa.ts';
import { requireRole } from '../auth.ts';
import type { Audit } from '../audit.ts';
import { HttpError } from '../errors.ts';

export interface CareRoutesDeps {
  store: Store;
  outbox: Outbox;
  audit: Audit;
  clock: () => Date;
  features: Pick<Features, 'privacy'>;
}

const idOf = (v: unknown) => {
  const id = Number(v);
  if (!Number.isInteger(id) || id <= 0) throw new HttpError(400, 'bad_request', 'the id is a positive whole number');
  return id;
};

export function careRoutes(deps: CareRoutesDeps): Router {
  const { store, outbox, audit, clock } = deps;
  const router = Router();
  const deciders = requireRole('admin', 'principal');

  // Sent or not? The platform may or may not have received these: an admin decides.
  router.get('/uncertain', deciders, async (_req, res) => {
    const messages = await store.outbox.list({ status: 'uncertain', limit: 1000 });
    const deliveries = await store.deliveries.uncertain(1000);
    res.json({
      messages: messages.map((m) => ({ id: m.id, channel: m.ref.channel, conversationKey: m.conversationKey, purpose: m.purpose, createdAt: m.createdAt, reason: m.lastError, message: m.message })),
      deliveries: deliveries.map((d) => ({ id: d.id, broadcastId: d.broadcastId, channel: d.channel, recipient: d.recipient, name: d.name, runAt: d.runAt, reason: d.reason })),
    });
  });

  router.post('/uncertain/messages/:id/resend', deciders, async (req, res) => {
    const id = idOf(req.params.id);
    const item = await store.outbox.get(id);
    if (!item || !(await store.outbox.resendUncertain(id, clock().toISOString()))) {
      throw new HttpError(409, 'conflict', `message ${id} is not uncertain (it is ${item?.status ?? 'unknown'})`);
    }
    await audit(req, 'outbox.resend', `outbox:${id}`, { channel: item.ref.channel, conversationKey: item.conversationKey });
    await outbox.flush(item.conversationKey);
    res.json({ id, status: (await store.outbox.get(id))?.status });
  });

  router.post('/uncertain/deliveries/:id/resend', deciders, async (req, res) => {
    const id = idOf(req.params.id);
    if (!(await store.deliveries.resendUncertain(id, clock().toISOString()))) throw new HttpError(409, 'conflict', `delivery ${id} is not uncertain`);
    await audit(req, 'delivery.resend', `delivery:${id}`);
    res.json({ id, status: 'pending' });
  });

  // A parent's erasure, done by an admin (asked by phone, in writing): transcript, sessions and
  // subscriptions deleted, comments and absences anonymised, the contact left as a tombstone.
  router.delete('/contacts/:id', requireRole('admin'), async (req, res) => {
    const id = String(req.params.id);
    const counts = await deps.features.privacy.erase(id);
    if (!counts) throw new HttpError(404, 'not_found', `no contact ${id}`);
    await audit(req, 'contact.erase', `contact:${id}`, counts);
    res.json({ erased: id, counts });
  });

  return router;
}
