// The narrow part of zca-js that Loa uses. The adapter depends on this interface only, so tests
// drive it with an object of the same shape; zca-connect.ts is the thin real wiring.
import type { EventEmitter } from 'node:events';

export const THREAD_USER = 0;
export const THREAD_GROUP = 1;

export interface ZaloPersonalMessage {
  type: typeof THREAD_USER | typeof THREAD_GROUP;
  threadId: string;
  isSelf: boolean;
  data: {
    msgId: string;
    uidFrom: string;
    dName?: string;
    ts: string;
    content: unknown;
    mentions?: { uid: string; pos: number; len: number; type: number }[];
  };
}

export interface ZaloPersonalListener extends EventEmitter {
  start(options?: { retryOnClose?: boolean }): void;
  stop(): void;
}

export interface ZaloPersonalApi {
  listener: ZaloPersonalListener;
  getOwnId(): string;
  sendMessage(content: { msg: string }, threadId: string, type: number): Promise<{ message: { msgId: number | string } | null }>;
  getAllGroups(): Promise<{ gridVerMap: Record<string, string> }>;
  getGroupInfo(ids: string | string[]): Promise<{ gridInfoMap: Record<string, { groupId?: string; name: string; memberIds?: string[]; totalMember?: number }> }>;
  /** The session's cookies as zca-js refreshed them, to persist. */
  getCookie?(): { toJSON(): { cookies: unknown[] } };
}

export interface ZaloCredentials {
  cookie: unknown[];
  imei: string;
  userAgent: string;
}

export const CLOSE = { manual: 1000, abnormal: 1006, duplicate: 3000, kicked: 3003 } as const;
