// The shapes of the school's daily work as the console reads them: the overview, comments with
// their history, absences, reply templates (src/http/admin/overview-routes.ts, comment-routes.ts).
import type { CommentEvent, CommentStatus, Absence } from '../../../src/store/types.ts';

export type { CommentEvent, CommentStatus, Absence };

export type { Overview, OverviewComment } from '../../../src/features/overview/overview-service.ts';
export interface ReplyTemplate { id: string; title: string; text: { vi: string; en?: string } }

export const STATUSES: CommentStatus[] = ['new', 'acknowledged', 'in_progress', 'resolved', 'closed'];
export const CATEGORIES = ['meals', 'safety', 'teacher_conduct', 'hygiene', 'facilities', 'fees', 'communication', 'other'] as const;
export const VIEWS = ['all', 'mine', 'unassigned', 'urgent', 'overdue'] as const;
export type View = (typeof VIEWS)[number];

/** A comment as the API presents it to this person (anonymous parents already hidden). */
export interface CommentItem {
  id: number;
  code: string;
  createdAt: string;
  classId: string | null;
  category: string;
  sentiment?: 'negative' | 'neutral' | 'positive';
  severity: 'urgent' | 'normal';
  status: CommentStatus;
  overdue: boolean;
  dueAt: string;
  firstResponseAt: string | null;
  /** Absent for viewers (counts only). */
  text?: string;
  displayName?: string | null;
  anonymous?: boolean;
  assignedTo?: string | null;
  ref?: { channel: string } | null;
}

export interface Turn { at: string; text: string; replies: string[]; intent: string | null; channel: string }
export interface CommentPage { comment: CommentItem; history: CommentEvent[]; conversation: Turn[] | null }
export interface Assignee { id: string; name: string; role: string; classIds: string[] }
export interface SchoolClass { id: string; name: string }
