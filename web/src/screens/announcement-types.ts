// The announcements API's shapes as the console reads them (src/http/admin/broadcast-routes.ts).
import type { Broadcast, BroadcastStatus, Delivery, DeliveryStatus, Subscription } from '../../../src/store/types.ts';

export type { Broadcast, BroadcastStatus, Delivery, DeliveryStatus };

/** As src/features/broadcasts/groups.ts and roster.ts say (not imported: they pull in node modules). */
export interface AudienceGroup { id: string; name: string; kind: 'class' | 'school' | 'staff' | 'custom' }
export interface RosterResult {
  rows: number;
  linked: { row: number; parent: string; contactId: string; by: 'id' | 'name' }[];
  unmatched: { row: number; parent: string; reason: string; code: 'ambiguous' | 'not_chatting' }[];
}

export interface Counts { byStatus: Record<DeliveryStatus, number>; byChannel: Record<string, Record<string, number>>; reasons: Record<string, number> }
export interface BroadcastDetail { broadcast: Broadcast; deliveries: Counts; names: Record<string, string>; mayDecide: boolean }
export interface Group extends AudienceGroup { subscribers: number }
export interface Member extends Subscription { name: string | null }

export type PreviewMessage = { type: 'text'; text: string } | { type: 'image'; url: string } | { type: 'link'; url: string; title: string };
export interface Preview {
  recipients: { total: number; byChannel: Record<string, number> };
  schedule: { cronValid: boolean | null; next: string[] };
  messages: { vi: PreviewMessage[]; en?: PreviewMessage[] };
}
export interface Review { lastSeen: { at: string; content: Pick<Broadcast, 'title' | 'text' | 'audience' | 'media' | 'sendAt' | 'cron'> } | null; changed: string[] | null }

export interface ZaloGroup { id: string; name: string; memberCount?: number; classId?: string | null; allowBot?: boolean }
export interface ContactSummary { id: string; displayName: string | null; ref: { channel: string } }

/** The statuses in the order of the lifecycle: Nháp → Chờ duyệt → Đã lên lịch / Đang gửi → Đã gửi. */
export const STATUSES: BroadcastStatus[] = ['draft', 'pending_approval', 'scheduled', 'sending', 'sent', 'rejected', 'cancelled'];
