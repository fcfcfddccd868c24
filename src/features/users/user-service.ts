import { z } from '@botpress/sdk';
import type { Store, User } from '../../store/types.ts';
import { ROLES } from '../../store/types.ts';
import { hashToken, newToken } from '../../http/auth.ts';

export const newUserSchema = z.object({
  name: z.string().trim().min(1).max(100),
  role: z.enum(ROLES as [string, ...string[]]).transform((r) => r as User['role']),
  classIds: z.array(z.string()).default([]),
});

/** Creates a user and returns its token: the only time the token is ever shown. */
export async function createUser(store: Store, input: z.input<typeof newUserSchema>, knownClassIds: string[], now = new Date()): Promise<{ user: User; token: string }> {
  const parsed = newUserSchema.parse(input);
  const unknown = parsed.classIds.filter((c) => !knownClassIds.includes(c));
  if (unknown.length) throw new UnknownClassError(unknown);
  const token = newToken();
  const user = await store.users.create({ name: parsed.name, role: parsed.role, classIds: parsed.classIds }, hashToken(token), now.toISOString());
  return { user, token };
}

export class UnknownClassError extends Error {
  constructor(readonly classIds: string[]) {
    super(`unknown class ${classIds.map((c) => `"${c}"`).join(', ')}`);
  }
}
