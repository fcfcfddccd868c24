// Reply templates: the school's own ready answers to comments ("Nhà trường đã nhận phản ánh…"),
// offered on a comment's page and edited by admins. Kept as one versioned document in the store,
// so that two admins editing at once do not overwrite each other (409 stale).
import { Router } from 'express';
import { z } from '@botpress/sdk';
import type { Store } from '../../store/types.ts';
import { requireRole } from '../auth.ts';
import type { Audit } from '../audit.ts';
import { consoleError, parseInput } from '../errors.ts';

export interface ReplyTemplate { id: string; title: string; text: { vi: string; en?: string } }
interface Stored { version: number; templates: ReplyTemplate[] }

const COLLECTION = 'console';
const ID = 'reply-templates';

/** What a school starts with: the plan's promise to answer, thank and follow up. */
export const DEFAULT_TEMPLATES: ReplyTemplate[] = [
  { id: 'received', title: 'Đã nhận, đang xem xét', text: { vi: 'Nhà trường đã nhận được phản ánh của bố mẹ và đang xem xét. Chúng tôi sẽ phản hồi trong thời gian sớm nhất.', en: 'The school has received your comment and is looking into it. We will get back to you as soon as possible.' } },
  { id: 'thanks', title: 'Cảm ơn góp ý', text: { vi: 'Nhà trường cảm ơn bố mẹ đã góp ý. Ý kiến của bố mẹ đã được chuyển tới các cô và ban giám hiệu.', en: 'Thank you for your suggestion. It has been passed on to the teachers and the school board.' } },
  { id: 'call', title: 'Hẹn gọi điện', text: { vi: 'Cô giáo/ban giám hiệu sẽ gọi điện cho bố mẹ trong hôm nay để trao đổi cụ thể hơn.', en: 'A teacher or the principal will call you today to talk it over.' } },
  { id: 'resolved', title: 'Đã xử lý', text: { vi: 'Nhà trường đã xử lý việc bố mẹ phản ánh. Nếu còn điều gì chưa ổn, bố mẹ cứ nhắn lại cho nhà trường nhé.', en: 'The school has dealt with the matter you raised. If anything is still not right, please write to us again.' } },
];

const templateSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,40}$/, 'lower-case letters, digits and dashes'),
  title: z.string().trim().min(1).max(100),
  text: z.object({ vi: z.string().trim().min(1).max(2000), en: z.string().trim().max(2000).optional() }).strict(),
}).strict();

export function replyTemplateRoutes(deps: { store: Store; audit: Audit; clock: () => Date }): Router {
  const { store, audit, clock } = deps;
  const router = Router();
  const read = async (): Promise<Stored> => (await store.documents.get<Stored>(COLLECTION, ID)) ?? { version: 0, templates: DEFAULT_TEMPLATES };

  router.get('/reply-templates', requireRole('admin', 'principal', 'staff'), async (_req, res) => {
    res.json(await read());
  });
  router.put('/reply-templates', requireRole('admin'), async (req, res) => {
    const body = parseInput(z.object({
      version: z.number().int().min(0),
      templates: z.array(templateSchema).max(50)
        .refine((ts) => new Set(ts.map((t) => t.id)).size === ts.length, 'each template needs its own id'),
    }).strict(), req.body);
    const current = await read();
    if (body.version !== current.version) throw consoleError(409, 'stale', undefined, { current: current.version });
    const next: Stored = { version: current.version + 1, templates: body.templates as ReplyTemplate[] };
    await store.documents.put(COLLECTION, ID, next, clock().toISOString());
    await audit(req, 'reply_templates.update', 'reply-templates', { count: next.templates.length });
    res.json(next);
  });
  return router;
}
