// Where a comment's status may go next: the service enforces it, the console offers only these
// (in the order of the case's life; a resolved case may be reopened).
import type { CommentStatus } from '../../store/types.ts';

export const NEXT_STATUSES: Record<CommentStatus, CommentStatus[]> = {
  new: ['acknowledged', 'in_progress', 'resolved', 'closed'],
  acknowledged: ['in_progress', 'resolved', 'closed'],
  in_progress: ['resolved', 'closed'],
  resolved: ['in_progress', 'closed'],
  closed: [],
};
