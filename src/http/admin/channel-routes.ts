// Channels, alerts and the outbox, for the admins who keep Loa running; Zalo groups for the staff
// who map a class's Zalo group to the class.
import { Router } from 'express';
import { z } from '@botpress/sdk';
import type { Store } from '../../store/types.ts';
import { OUTBOX_STATUSES, ROLES } from '../../store/types.ts';
import type { ChannelSet } from '../../channels/setup.ts';
import type { SchoolService } from '../../school/school-service.ts';
import { requireRole } from '../auth.ts';
import type { Audit } from '../audit.ts';
import { badRequest, notFound, parseBody } from '../errors.ts';

export function channelRoutes(deps: { store: Store; channels: ChannelSet; school: SchoolService; audit: Audit; clock: () => Date }): Router {
  const { store, channels, school, audit, clock } = deps;
  const router = Router();

  router.get('/channels', requireRole('admin', 'principal'), async (_req, res) => {
    // When the Zalo OA access token runs out (it is refreshed an hour before); never the token itself.
    const zaloOaExpiry = channels.zaloOa ? (await channels.zaloOa.tokens.current()).expiresAt : null;
    res.json({
      channels: {
        webchat: { on: true },
        messenger: channels.messenger ? { on: true, paused: channels.messenger.paused } : { on: false },
        zalo_oa: channels.zaloOa ? { on: true, tokenExpiresAt: zaloOaExpiry } : { on: false },
        zalo_personal: channels.zaloPersonal ? { on: true, state: channels.zaloPersonal.state, accountId: channels.zaloPersonal.accountId } : { on: false },
      },
    });
  });
  router.post('/channels/messenger/resume', requireRole('admin'), async (req, res) => {
    if (!channels.messenger) throw notFound('Messenger is not configured');
    channels.messenger.resume();
    await audit(req, 'channel.resume', 'channel:messenger');
    res.json({ paused: null });
  });

  router.get('/alerts', requireRole('admin', 'principal'), async (req, res) => {
    res.json({ alerts: await store.alerts.list({ open: req.query.open === 'true' }) });
  });
  router.post('/alerts/:id/ack', requireRole('admin', 'principal'), async (req, res) => {
    const id = Number(req.params.id);
    if (!Number.isInteger(id) || !(await store.alerts.acknowledge(id, clock().toISOString()))) throw notFound(`no open alert ${req.params.id}`);
    await audit(req, 'alert.ack', `alert:${id}`);
    res.json({ acknowledged: id });
  });

  // The principal sees what failed to reach parents too (she answers for it to them).
  router.get('/outbox', requireRole('admin', 'principal'), async (req, res) => {
    const status = req.query.status as string | undefined;
    if (status && !OUTBOX_STATUSES.includes(status as never)) throw badRequest(`status must be one of ${OUTBOX_STATUSES.join(', ')}`);
    res.json({ counts: await store.outbox.counts(), items: await store.outbox.list({ status: status as never, limit: 200 }) });
  });

  router.get('/zalo/groups', requireRole(...ROLES), async (_req, res) => {
    res.json({ groups: await channels.zaloGroups.list() });
  });
  router.post('/zalo/groups/discover', requireRole('admin', 'principal'), async (req, res) => {
    if (!channels.zaloPersonal) throw notFound('the Zalo personal account is not configured');
    const found = await channels.zaloPersonal.discoverGroups();
    await audit(req, 'zalo.groups.discover', 'zalo_groups', { found });
    res.json({ found, groups: await channels.zaloGroups.list() });
  });
  router.put('/zalo/groups/:id', requireRole('admin', 'principal'), async (req, res) => {
    const patch = parseBody(z.object({ classId: z.string().nullable().optional(), allowBot: z.boolean().optional() }).strict(), req.body);
    if (patch.classId && !school.get('classes').some((c) => c.id === patch.classId)) throw badRequest(`unknown class "${patch.classId}"`);
    const group = await channels.zaloGroups.update(String(req.params.id), patch, clock().toISOString());
    if (!group) throw notFound(`no Zalo group ${req.params.id}; run discovery first`);
    await audit(req, 'zalo.group.update', `zalo_group:${group.id}`, patch);
    res.json({ group });
  });
  return router;
}
