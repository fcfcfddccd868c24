// Least privilege for the admin API. Staff limited to classes see and act on those classes only
// (contacts, transcripts, questions, group members, deliveries); the words of an anonymous comment
// are shown to nobody below the principal together with who wrote them; viewers (the commune's
// official) get counts, never names, chat ids or absence reasons. Staff reads of personal data are
// audited.
import type { Request } from 'express';
import type { Comment, Store, TranscriptTurn, User } from '../../store/types.ts';
import type { Audit } from '../audit.ts';
import { HttpError, notFound } from '../errors.ts';

/** The classes a user is limited to, or null for every class. */
export const limitedTo = (user: User): string[] | null => (user.role === 'staff' && user.classIds.length ? user.classIds : null);
/** The principal and admins see who wrote an anonymous comment; nobody else does. */
export const seesAnonymous = (user: User) => user.role === 'admin' || user.role === 'principal';
export const countsOnly = (user: User) => user.role === 'viewer';

const ALL_TIME = { from: '0000-01-01', to: '9999-12-31' };
export const ANONYMOUS_TEXT = '(ẩn danh · anonymous)';

export class ClassScope {
  constructor(private readonly store: Store, private readonly audit: Audit) {}

  /** Contacts of some classes: members of the class groups, parents who commented or reported an absence there. */
  async contactIds(classIds: string[]): Promise<Set<string>> {
    const ids = new Set<string>();
    for (const classId of classIds) {
      for (const s of await this.store.subscriptions.list({ groupId: classId, limit: 1_000_000 })) ids.add(s.contactId);
    }
    for (const id of await this.store.comments.contactIds({ classIds })) ids.add(id);
    for (const a of await this.store.absences.list({ ...ALL_TIME, classIds })) if (a.contactId) ids.add(a.contactId);
    return ids;
  }

  /** The contacts a user may see, or null for all of them. */
  async visibleContacts(user: User): Promise<Set<string> | null> {
    const classes = limitedTo(user);
    return classes ? this.contactIds(classes) : null;
  }

  /** 404 (not 403: whether a parent exists elsewhere is not theirs to know) for a contact outside the user's classes. */
  async mustSee(user: User, contactId: string): Promise<void> {
    const visible = await this.visibleContacts(user);
    if (visible && !visible.has(contactId)) throw notFound(`no contact ${contactId}`);
  }

  /** Class groups of other classes, and the whole-school, staff and custom groups, are not a limited staff member's. */
  mustManageGroup(user: User, groupId: string): void {
    const classes = limitedTo(user);
    if (classes && !classes.includes(groupId)) throw new HttpError(403, 'forbidden', `you look after ${classes.join(', ')}, not "${groupId}"`);
  }

  /** A parent's turns for someone below the principal: the words of their anonymous comments are hidden. */
  async hideAnonymousWords(user: User, contactId: string, turns: TranscriptTurn[]): Promise<TranscriptTurn[]> {
    if (seesAnonymous(user)) return turns;
    const anonymous = (await this.store.comments.list({ contactId, limit: 1000 })).filter((c: Comment) => c.anonymous);
    if (anonymous.length === 0) return turns;
    const words = anonymous.map((c) => c.text.toLowerCase());
    const partOfComment = (t: TranscriptTurn) =>
      t.intent === 'feedback' || t.handler.startsWith('feedback') || t.handler.startsWith('safety')
      || (t.text.trim().length >= 3 && words.some((w) => w.includes(t.text.trim().toLowerCase())));
    return turns.map((t) => (partOfComment(t) ? { ...t, text: ANONYMOUS_TEXT, replies: [] } : t));
  }

  /** Staff reading personal data leave a trace: who read whose data, when. */
  async auditRead(req: Request, user: User, what: string, target: string, details?: unknown): Promise<void> {
    if (user.role === 'staff') await this.audit(req, `read.${what}`, target, details);
  }
}
