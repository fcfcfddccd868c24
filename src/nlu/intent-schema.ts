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
    quickReplies: z.array(z.string()).max(13).default([]),
  })
  .refine((i) => Boolean(i.answer) !== Boolean(i.handler), { message: 'an intent has either "answer" (a locales key) or "handler", not both' });

export type Intent = z.infer<typeof intentSchema>;
