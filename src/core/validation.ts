// One way to turn a schema failure into a sentence a person can act on.
import type { z } from '@botpress/sdk';

export function formatIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 10)
    .map((i) => `${i.path.length ? i.path.join('.') : '(value)'}: ${i.message}`)
    .join('; ');
}
