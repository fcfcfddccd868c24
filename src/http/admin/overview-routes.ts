// The console's first screen and its live stream: GET /overview (what needs this person now) and
// GET /events (server-sent events telling the console what changed, see live-events.ts).
import { Router } from 'express';
import { z } from '@botpress/sdk';
import { ROLES, type User } from '../../store/types.ts';
import type { OverviewService } from '../../features/overview/overview-service.ts';
import { isValidDate } from '../../core/dates.ts';
import { currentUser, requireRole } from '../auth.ts';
import { parseBody } from '../errors.ts';
import type { LiveEvents } from './live-events.ts';

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-11-26').refine((d) => {
  const [y, m, day] = d.split('-').map(Number);
  return isValidDate(y, m, day);
}, 'a date that exists');

export function overviewRoutes(deps: { overview: OverviewService; live: LiveEvents }): Router {
  const router = Router();
  router.get('/overview', requireRole(...ROLES), async (req, res) => {
    const q = parseBody(z.object({ date: isoDay.optional() }), req.query);
    res.json({ overview: await deps.overview.build(currentUser(req), q.date) });
  });
  router.get('/events', requireRole(...ROLES), async (req, res) => {
    await deps.live.handle(req, res, currentUser(req) as User);
  });
  return router;
}
