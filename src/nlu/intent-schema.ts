import { z } from '@botpress/sdk';

export const intentSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and underscores, starting with a letter'),
    description: z.string().default(''),
    utterances: z.object({
      vi: z.array(z.string().trim().min(1).max(500)).min(1, 'at least one Vietnamese utterance'),
      en: z.array(z.string().trim().min(1).max(500)).default([]),
    }),
    answer: z.string().min(1).optional(),
    handler: z.string().min(1).optional(),
    /** Answer texts edited in the console: they win over the locales text `answer` names. */
    texts: z.object({ vi: z.string().trim().min(1).max(4000).optional(), en: z.string().trim().min(1).max(4000).optional() }).optional(),
    /** The button text of an intent added in the console (built-in ones have quick.<id> in locales/). */
    title: z.object({ vi: z.string().trim().min(1).max(40).optional(), en: z.string().trim().min(1).max(40).optional() }).optional(),
    quickReplies: z.array(z.string()).max(13).default([]),
    /** A switched-off intent is left out of training: Loa stops answering with it. */
    enabled: z.boolean().default(true),
    /** Bumped by every save: an edit based on an older version is refused (stale). */
    version: z.number().int().min(0).default(0),
  })
  .refine((i) => Boolean(i.handler) !== Boolean(i.answer || i.texts?.vi), {
    message: 'an intent has either "answer" (a locales key) or "handler", not both',
  });

export type Intent = z.infer<typeof intentSchema>;
