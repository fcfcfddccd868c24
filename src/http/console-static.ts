// Serves the built staff console (web/ → web/dist by `npm run build:console`) at /admin, with every
// unknown path under it answered by index.html so that the console's own router takes over.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';

export const CONSOLE_DIST = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'dist');

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
  + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export function consoleStatic(dist = CONSOLE_DIST): Router {
  const router = Router();
  // Hashed assets never change; index.html must always be fresh so a new build is picked up.
  router.use('/assets', express.static(path.join(dist, 'assets'), { immutable: true, maxAge: '1y', index: false, fallthrough: false }));
  router.use(express.static(dist, { index: false }));
  router.get('/{*rest}', (req, res) => {
    const index = path.join(dist, 'index.html');
    if (!fs.existsSync(index)) {
      res.status(503).type('text/plain').send('The console is not built: run `npm run build:console` (npm start does it).');
      return;
    }
    res.set('cache-control', 'no-cache');
    // The console is the school's keys: only its own files run, nothing frames it, set-up links
    // in the address do not leak to other sites.
    res.set('content-security-policy', CSP);
    res.set('x-frame-options', 'DENY');
    res.set('x-content-type-options', 'nosniff');
    res.set('referrer-policy', 'no-referrer');
    res.sendFile(index);
  });
  return router;
}
