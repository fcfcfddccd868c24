// Who is signed in, shared by every screen; and what each role may do (the server checks again).
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Me, Role } from './types.ts';

export interface Session {
  me: Me | null;
  refresh(): Promise<void>;
  signedIn(me: Me): void;
  signedOut(): void;
}

export const SessionContext = createContext<Session>(null as unknown as Session);
export const useSession = () => useContext(SessionContext);

const can = {
  editFaq: ['admin'],
  editSchool: ['admin', 'principal'],
  unanswered: ['admin', 'principal'],
  users: ['admin'],
  audit: ['admin', 'principal'],
  // The school's daily work (issue 12): a comment's page is not the commune viewer's.
  readComment: ['admin', 'principal', 'staff'],
  editReplyTemplates: ['admin'],
  reports: ['admin', 'principal', 'staff', 'viewer'],
  channels: ['admin', 'principal'],
  contacts: ['admin', 'principal', 'staff'],
} satisfies Record<string, Role[]>;

export type Permission = keyof typeof can;
export const allowed = (role: Role | undefined, what: Permission) => !!role && (can[what] as Role[]).includes(role);
