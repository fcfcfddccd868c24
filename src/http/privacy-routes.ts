// GET /privacy: the privacy notice the first answer to a new parent links.
import { Router } from 'express';
import type { PrivacyService } from '../features/privacy/privacy-service.ts';

export function privacyRoutes(deps: { features: { privacy: PrivacyService } }): Router {
  const router = Router();
  router.get('/privacy', (req, res) => {
    const locale = req.query.lang === 'en' ? 'en' : 'vi';
    res.type('html').set('cache-control', 'no-cache').send(deps.features.privacy.page(locale));
  });
  return router;
}
