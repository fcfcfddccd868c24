// Headers on every page and API answer: a strict CSP (scripts and styles only from Loa's own
// files, none inline: the chat page and the console's Vite build both load theirs from files),
// framing only by the origins the school names, nosniff, no referrer, and no caching of /api
// answers, which carry parents' and children's data.
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** FRAME_ANCESTORS: none, self (quoted or not) and origins (https://truong.example.vn), space-separated. */
export const FRAME_ANCESTOR = /^('?none'?|'?self'?|https?:\/\/[a-z0-9.-]+(:\d{1,5})?)$/i;
const keyword = (a: string) => (/^'?(none|self)'?$/i.test(a) ? `'${a.replace(/'/g, '').toLowerCase()}'` : a);

export function securityHeaders(frameAncestors = "'none'"): RequestHandler[] {
  const ancestors = frameAncestors.trim().split(/\s+/).map(keyword);
  return [
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ancestors,
        },
      },
      // X-Frame-Options knows DENY and SAMEORIGIN only; with named origins the CSP above decides.
      xFrameOptions: ancestors.join(' ') === "'none'" ? { action: 'deny' } : ancestors.join(' ') === "'self'" ? { action: 'sameorigin' } : false,
      referrerPolicy: { policy: 'no-referrer' },
    }),
    (req, res, next) => {
      if (req.path.startsWith('/api/') || req.path === '/api') res.setHeader('cache-control', 'no-store');
      next();
    },
  ];
}

/** The same promises for the answers the webhook lane writes itself. */
export const WEBHOOK_HEADERS = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' } as const;
