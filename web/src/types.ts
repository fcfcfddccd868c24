// The API's shapes as the console reads them (CONSOLE-API.md). Roles and school data come from
// the server's own types, so a change there breaks the console's type check, not its users.
import type { Role } from '../../src/store/types.ts';
import type { SchoolData, SchoolSection } from '../../src/school/school-schema.ts';

export type { Role, SchoolData, SchoolSection };

export interface User {
  id: string;
  username?: string;
  name: string;
  role: Role;
  classIds: string[];
  disabled: boolean;
}

export interface Me { user: User; unansweredCount?: number; timeZone?: string }

export type Lng = 'vi' | 'en';
export type PerLang<T> = { vi: T; en: T };

export interface IntentSummary {
  id: string;
  description: string;
  enabled: boolean;
  utterances: PerLang<number>;
  answers: PerLang<boolean>;
  handler?: string;
  version: number;
}

export interface QuickReply { title: string; payload: string }

export interface IntentDetail {
  id: string;
  description: string;
  enabled: boolean;
  utterances: PerLang<string[]>;
  answer: { vi: string | null; en?: string | null };
  answerKey?: string | null;
  answerSource?: PerLang<'store' | 'file' | 'handler'>;
  title?: { vi: string | null; en: string | null };
  quickReplies: QuickReply[];
  handler?: string;
  version: number;
}

export interface Placeholder { name: string; example?: string }

export interface NluStatus { modelVersion: number | string; training: boolean; trainedAt?: string }

export interface CheckWarning { kind: 'model' | 'near_duplicate'; intent: string; utterance?: string; confidence?: number }

export interface TryResult {
  intent: string;
  confidence: number;
  runnerUp: { intent: string; confidence: number } | null;
  rejected: boolean;
  language: string;
  replies: { text: string; quickReplies?: QuickReply[] }[];
}

export interface Guess { intent: string; confidence: number }
export interface UnansweredGroup {
  key: string;
  sample: string;
  count: number;
  lastAt: string;
  messages: { id: string; text: string; at: string; guess: Guess | null; locale?: string }[];
  guesses: Guess[];
}

export interface AuditEntry { at: string; actor: string; actorName?: string; actorId?: string | null; action: string; target?: string; details?: unknown }
export interface ApiToken { id: string; name: string; createdAt: string; expiresAt?: string | null; lastUsedAt?: string | null }
