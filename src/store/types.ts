// Repository interfaces: plain objects in, plain objects out. Every backend (SQLite now,
// MongoDB through mongoose later) passes the same contract suite in tests/contract/.
import type { ChannelName, ConversationRef, IncomingEvent, OutgoingMessage } from '../core/messages.ts';

export type Locale = 'vi' | 'en';

/** A form in progress (feedback, absence, subscribe): a small state machine's position. */
export interface ActiveForm {
  name: string;
  step: string;
  data: Record<string, unknown>;
  startedAt: string;
  updatedAt: string;
}

export interface Session {
  key: string;
  /** The language this person used last (or asked for): the default for short messages. */
  locale: Locale | null;
  form: ActiveForm | null;
  data: Record<string, unknown>;
  updatedAt: string;
}

export interface SessionRepository {
  get(key: string): Promise<Session | null>;
  save(session: Session): Promise<void>;
}

export interface Contact {
  id: string;
  ref: ConversationRef;
  displayName: string | null;
  locale: Locale | null;
  firstSeenAt: string;
  lastInboundAt: string | null;
  /** Set when the contact's personal data was erased (what is left is a tombstone). */
  erasedAt?: string | null;
}

export interface ContactRepository {
  /** Creates or refreshes the contact behind an inbound event; returns it. */
  touch(ref: ConversationRef, at: string, displayName?: string): Promise<Contact>;
  get(id: string): Promise<Contact | null>;
  findByRef(ref: ConversationRef): Promise<Contact | null>;
  setLocale(id: string, locale: Locale): Promise<void>;
  list(filter?: { channel?: ChannelName; limit?: number }): Promise<Contact[]>;
}

export type InboxStatus = 'pending' | 'processed' | 'failed';

export interface InboxEntry {
  id: number;
  channel: ChannelName;
  messageId: string;
  conversationKey: string;
  /** Null once processed when the transcript holds its words (de-duplication needs only the id). */
  event: IncomingEvent | null;
  status: InboxStatus;
  receivedAt: string;
  processedAt: string | null;
  error: string | null;
  /** The web chat's answer, kept so that a retry of the same message gets it again. */
  replies?: OutgoingMessage[] | null;
}

export interface InboxRepository {
  /** Idempotent on (channel, messageId): a second call returns { inserted: false }. */
  record(event: IncomingEvent, conversationKey: string, at: string): Promise<{ inserted: boolean; entry: InboxEntry }>;
  /**
   * A processed event loses its raw payload, and a message its words (recorded in the transcript by
   * its turn); a failed one keeps them until retention.
   */
  markDone(id: number, status: 'processed' | 'failed', at: string, error?: string, replies?: OutgoingMessage[]): Promise<void>;
  /** The entry of a (channel, message id), if recorded. */
  find(channel: ChannelName, messageId: string): Promise<InboxEntry | null>;
  /** Recorded but not processed yet, oldest first: what a restart must finish. */
  listPending(limit?: number): Promise<InboxEntry[]>;
  get(id: number): Promise<InboxEntry | null>;
}

export interface TranscriptTurn {
  id?: number;
  conversationKey: string;
  channel: ChannelName;
  contactId: string | null;
  at: string;
  text: string;
  locale: Locale;
  intent: string | null;
  confidence: number | null;
  handler: string;
  answered: boolean;
  /** The parent asked the school something (reports count these, not form steps, buttons or small talk). */
  asked: boolean;
  latencyMs: number;
  replies: string[];
}

export interface TranscriptRepository {
  append(turn: TranscriptTurn): Promise<void>;
  list(filter?: { conversationKey?: string; since?: string; until?: string; answered?: boolean; limit?: number }): Promise<TranscriptTurn[]>;
  /** Intents asked most often in a period (for reports); only turns that asked something. */
  topIntents(since: string, until: string, limit: number): Promise<{ intent: string; count: number }[]>;
  /** The questions of a period's days (turns that asked something): how many each day, and those left
   *  unanswered with their text. `days`: each day's first instant, then the period's end (ISO). */
  questions(days: string[]): Promise<{ askedPerDay: number[]; unanswered: { at: string; text: string }[] }>;
}

export type Role = 'admin' | 'principal' | 'staff' | 'viewer';
export const ROLES: Role[] = ['admin', 'principal', 'staff', 'viewer'];

export interface User {
  id: string;
  /** What the person signs in with; null for users made before the console (an admin sets one). */
  username?: string | null;
  name: string;
  role: Role;
  /** For staff: the class ids they may see; empty means every class. */
  classIds: string[];
  createdAt: string;
  disabled: boolean;
}

export interface UserRepository {
  /** Null when the username is taken. */
  create(user: Pick<User, 'name' | 'role' | 'classIds'> & { username: string }, at: string): Promise<User | null>;
  get(id: string): Promise<User | null>;
  getByUsername(username: string): Promise<User | null>;
  list(): Promise<User[]>;
  /** Null when there is no such user; throws UsernameTakenError for a username someone else has. */
  update(id: string, patch: Partial<Pick<User, 'username' | 'name' | 'role' | 'classIds' | 'disabled'>>): Promise<User | null>;
  passwordHash(id: string): Promise<string | null>;
  setPasswordHash(id: string, hash: string): Promise<void>;
}

export class UsernameTakenError extends Error {}

/** A personal API token for scripts: only its hash is stored. */
export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

export interface ApiTokenRepository {
  create(token: Omit<ApiToken, 'lastUsedAt'>, tokenHash: string): Promise<ApiToken>;
  findByHash(tokenHash: string): Promise<ApiToken | null>;
  touch(id: string, at: string): Promise<void>;
  list(userId: string): Promise<ApiToken[]>;
  /** Only the owner's token; false when there is none with that id. */
  revoke(userId: string, id: string): Promise<boolean>;
}

/** A signed-in browser: the cookie holds a random id, the store its hash. */
export interface StaffSession {
  userId: string;
  createdAt: string;
  expiresAt: string;
  lastSeenAt: string;
}

export interface StaffSessionRepository {
  create(idHash: string, session: StaffSession): Promise<void>;
  get(idHash: string): Promise<StaffSession | null>;
  touch(idHash: string, lastSeenAt: string, expiresAt: string): Promise<void>;
  delete(idHash: string): Promise<void>;
  /** Signs a person out everywhere; returns how many sessions ended. */
  deleteForUser(userId: string): Promise<number>;
}

export interface SetupLink {
  userId: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
}

export interface SetupLinkRepository {
  /** A new link; the person's earlier unused links stop working. */
  create(tokenHash: string, link: Omit<SetupLink, 'usedAt'>): Promise<void>;
  get(tokenHash: string): Promise<SetupLink | null>;
  /** Marks the link used; false when it was used already (one-time, even under a race). */
  use(tokenHash: string, at: string): Promise<boolean>;
}

/** Failed sign-ins in a row per username (known or not): the throttle's memory. */
export interface LoginFailureRepository {
  get(username: string): Promise<{ count: number; lastAt: string } | null>;
  record(username: string, at: string): Promise<{ count: number; lastAt: string }>;
  clear(username: string): Promise<void>;
}

export interface AuditEntry {
  id?: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  details: unknown;
}

export interface AuditRepository {
  append(entry: AuditEntry): Promise<void>;
  /** actor matches the user id in "Name (id)"; since/until bound `at` (inclusive). */
  list(filter?: { actor?: string; action?: string; target?: string; since?: string; until?: string; limit?: number }): Promise<AuditEntry[]>;
  /** Every action written so far, for the console's filter. */
  actions(): Promise<string[]>;
}

/** Named JSON documents that admins edit: intents, school data sections. */
export interface DocumentRepository {
  get<T = unknown>(collection: string, id: string): Promise<T | null>;
  list<T = unknown>(collection: string): Promise<{ id: string; value: T; updatedAt: string }[]>;
  put(collection: string, id: string, value: unknown, at: string): Promise<void>;
  delete(collection: string, id: string): Promise<boolean>;
  count(collection: string): Promise<number>;
}

/** Leases so that one process among several runs a job or claims work. */
export interface LeaseRepository {
  acquire(name: string, holder: string, ttlMs: number, now: number): Promise<boolean>;
  release(name: string, holder: string): Promise<void>;
}

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'uncertain';
export const OUTBOX_STATUSES: OutboxStatus[] = ['pending', 'sending', 'sent', 'failed', 'uncertain'];

/** A message on its way to a platform: replies, alerts and (later) broadcasts. */
export interface OutboxItem {
  id: number;
  conversationKey: string;
  ref: ConversationRef;
  message: OutgoingMessage;
  /** Replies answer the person's message; proactive and human messages follow the platform's windows. */
  purpose: 'reply' | 'proactive' | 'human';
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
  platformMessageId: string | null;
}

export interface OutboxRepository {
  enqueue(items: Pick<OutboxItem, 'conversationKey' | 'ref' | 'message' | 'purpose'>[], at: string): Promise<OutboxItem[]>;
  /**
   * pending → sending for the conversation's oldest unsent item, when it is due. Messages of one
   * conversation go in order: nothing is claimed while an older one is being sent or waits for a
   * retry. Returns the id claimed, or null (nothing due, or someone else claimed it first).
   */
  claimNext(conversationKey: string, now: string): Promise<number | null>;
  get(id: number): Promise<OutboxItem | null>;
  /** Conversations whose oldest pending item is due. */
  dueConversations(now: string, limit: number): Promise<string[]>;
  markSent(id: number, at: string, platformMessageId?: string): Promise<void>;
  markFailed(id: number, at: string, reason: string): Promise<void>;
  /** sending → pending again, to be tried at nextAttemptAt. */
  reschedule(id: number, nextAttemptAt: string, attempts: number, error: string): Promise<void>;
  /** After a crash: items left in "sending" may or may not have arrived; never re-sent. */
  markStaleSendingUncertain(): Promise<number>;
  /** An admin decided to send an uncertain message again: uncertain → pending, due now. */
  resendUncertain(id: number, now: string): Promise<boolean>;
  counts(): Promise<Record<OutboxStatus, number>>;
  list(filter?: { status?: OutboxStatus; conversationKey?: string; purposes?: OutboxItem['purpose'][]; limit?: number }): Promise<OutboxItem[]>;
}

export interface Alert {
  id: number;
  at: string;
  kind: string;
  message: string;
  details: unknown;
  acknowledgedAt: string | null;
}

export interface AlertRepository {
  append(alert: Pick<Alert, 'at' | 'kind' | 'message' | 'details'>): Promise<Alert>;
  list(filter?: { open?: boolean; limit?: number }): Promise<Alert[]>;
  acknowledge(id: number, at: string): Promise<boolean>;
}

export type CommentStatus = 'new' | 'acknowledged' | 'in_progress' | 'resolved' | 'closed';
export const COMMENT_STATUSES: CommentStatus[] = ['new', 'acknowledged', 'in_progress', 'resolved', 'closed'];
export type Sentiment = 'negative' | 'neutral' | 'positive';
export type Severity = 'urgent' | 'normal';

/** A comment, complaint or suggestion from a parent or staff member (góp ý, phản ánh). */
export interface Comment {
  id: number;
  code: string;
  createdAt: string;
  contactId: string | null;
  ref: ConversationRef | null;
  displayName: string | null;
  classId: string | null;
  text: string;
  category: string;
  sentiment: Sentiment;
  severity: Severity;
  anonymous: boolean;
  status: CommentStatus;
  assignedTo: string | null;
  firstResponseAt: string | null;
  dueAt: string;
  remindedAt: string | null;
  updatedAt: string;
}

export interface CommentEvent {
  id: number;
  commentId: number;
  at: string;
  actor: string;
  /** delivery: a web chat parent's page received a reply, or it expired unseen. */
  kind: 'created' | 'status' | 'note' | 'reply' | 'assign' | 'category' | 'class' | 'alert' | 'reminder' | 'detail' | 'delivery';
  details: Record<string, unknown>;
}

export interface CommentFilter {
  status?: CommentStatus;
  category?: string;
  sentiment?: Sentiment;
  severity?: Severity;
  classIds?: string[];
  since?: string;
  until?: string;
  text?: string;
  contactId?: string;
  /** Any of these statuses (with `status`, both must hold). */
  statuses?: CommentStatus[];
  /** Assigned to this user; null: assigned to nobody. */
  assignedTo?: string | null;
  /** Not answered yet (no first answer). */
  unanswered?: boolean;
  /** The first-answer deadline is before this time. */
  dueBefore?: string;
  /**
   * Words in the text, the ticket code, or the name of a parent who did not write anonymously,
   * ignoring diacritics and case ("hoc phi" finds "Học phí"; "d" finds "đ").
   */
  search?: string;
  /** Part of the ticket code ("0042", "pa-0042"). */
  code?: string;
  limit?: number;
}

/** What a report counts of the comments made in a period, counted by the store (no texts read). */
export interface CommentCounts {
  /** How many comments of each category, sentiment, status and severity together. */
  groups: { category: string; sentiment: Sentiment; status: CommentStatus; severity: Severity; count: number }[];
  /** First answered by the due time; answered or already due (at `now`); due, unanswered and not closed. */
  answeredInTime: number;
  dueOrAnswered: number;
  overdue: number;
  /** Hours from each answered comment to its first answer, smallest first. */
  hoursToFirstAnswer: number[];
  /** Comments made each day, and the urgent ones among them. */
  perDay: { count: number; urgent: number }[];
  urgent: Pick<Comment, 'id' | 'code' | 'createdAt' | 'category' | 'status' | 'firstResponseAt' | 'dueAt'>[];
}

export interface CommentRepository {
  /** Stores a new comment with the next ticket code (PA-0001, PA-0002, …). */
  create(c: Omit<Comment, 'id' | 'code' | 'updatedAt'>): Promise<Comment>;
  get(id: number): Promise<Comment | null>;
  getByCode(code: string): Promise<Comment | null>;
  list(filter?: CommentFilter): Promise<Comment[]>;
  /** Counts for a report of the comments made in a period's days: `days` holds each day's first
   *  instant, then the period's end (ISO; the school's days, so the store needs no time zone). */
  countsFor(days: string[], now: string): Promise<CommentCounts>;
  /** How many comments a filter keeps (its limit aside). */
  count(filter?: CommentFilter): Promise<number>;
  /** The parents who wrote the comments a filter keeps (its limit aside), each once. */
  contactIds(filter?: CommentFilter): Promise<string[]>;
  /** Whether a contact ever left a comment: asked on every message, so it must stay cheap. */
  anyFrom(contactId: string): Promise<boolean>;
  update(id: number, patch: Partial<Pick<Comment, 'status' | 'category' | 'assignedTo' | 'firstResponseAt' | 'remindedAt' | 'text' | 'severity' | 'classId'>>, at: string): Promise<Comment | null>;
  addEvent(e: Omit<CommentEvent, 'id'>): Promise<void>;
  events(commentId: number): Promise<CommentEvent[]>;
}

export interface Absence {
  id: number;
  createdAt: string;
  contactId: string | null;
  childName: string;
  classId: string;
  fromDate: string;
  toDate: string;
  reason: string | null;
  /** When the parent withdrew it ("huỷ báo nghỉ"); withdrawn absences are not listed. */
  withdrawnAt?: string | null;
}

export interface AbsenceRepository {
  create(a: Omit<Absence, 'id'>): Promise<Absence>;
  /** Absences covering a day (or overlapping a period), optionally for some classes. */
  list(filter: { from: string; to: string; classIds?: string[] }): Promise<Absence[]>;
  /** A parent's absences that end on or after a day, newest first (to withdraw one). */
  ofContact(contactId: string, endingFrom: string): Promise<Absence[]>;
  withdraw(id: number, at: string): Promise<void>;
}

export interface StaffLink {
  userId: string;
  ref: ConversationRef;
  linkedAt: string;
}

export interface StaffLinkRepository {
  /** Stores a code for a user; the user's older codes stop working. */
  createCode(code: string, userId: string, expiresAt: string): Promise<void>;
  /** The user a valid code belongs to; the code is used up either way. */
  consumeCode(code: string, now: string): Promise<string | null>;
  link(userId: string, ref: ConversationRef, conversationKey: string, at: string): Promise<void>;
  forUser(userId: string): Promise<StaffLink[]>;
  byConversation(conversationKey: string): Promise<StaffLink | null>;
  all(): Promise<StaffLink[]>;
}

export type SubscriptionSource = 'chat' | 'follow' | 'roster' | 'admin';

export interface Subscription {
  contactId: string;
  groupId: string;
  source: SubscriptionSource;
  channel: ChannelName;
  consentedAt: string;
  leftAt: string | null;
}

/** The audience group everyone who follows anything is in. */
export const SCHOOL_GROUP = 'school';
export const STAFF_GROUP = 'staff';

export interface SubscriptionRepository {
  /** Records consent (time and channel); true when the contact was not already following. */
  subscribe(contactId: string, groupId: string, source: SubscriptionSource, channel: ChannelName, at: string): Promise<boolean>;
  /** Leaves one group, or every group when groupId is null; returns the groups left. */
  unsubscribe(contactId: string, groupId: string | null, at: string): Promise<string[]>;
  activeGroups(contactId: string): Promise<string[]>;
  /** Whether the contact still follows any of these groups ('school' means any group but staff). */
  follows(contactId: string, groupIds: string[]): Promise<boolean>;
  list(filter: { groupId?: string; contactId?: string; includeLeft?: boolean; limit?: number }): Promise<Subscription[]>;
  countByGroup(): Promise<Record<string, number>>;
}

export type BroadcastStatus = 'draft' | 'pending_approval' | 'scheduled' | 'sending' | 'sent' | 'rejected' | 'cancelled';

export interface Broadcast {
  id: number;
  title: string;
  text: { vi: string; en?: string };
  audience: { groups: string[] };
  media: { imageUrl?: string; link?: { url: string; title: string } } | null;
  sendAt: string | null;
  cron: string | null;
  status: BroadcastStatus;
  createdBy: string;
  submittedBy: string | null;
  decidedBy: string | null;
  rejectReason: string | null;
  nextRunAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface BroadcastRepository {
  create(b: Omit<Broadcast, 'id' | 'updatedAt'>): Promise<Broadcast>;
  get(id: number): Promise<Broadcast | null>;
  list(filter?: { status?: BroadcastStatus; limit?: number }): Promise<Broadcast[]>;
  update(id: number, patch: Partial<Omit<Broadcast, 'id' | 'createdAt' | 'createdBy'>>, at: string): Promise<Broadcast | null>;
  /** Scheduled broadcasts whose next run is due. */
  due(now: string): Promise<Broadcast[]>;
}

/**
 * 'waiting', 'delivered' and 'expired' are the web chat's: stored for a page that was not open,
 * received by the page, or never fetched before WEBCHAT_DELIVERY_TTL_HOURS.
 */
export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'skipped' | 'failed' | 'uncertain' | 'cancelled' | 'waiting' | 'delivered' | 'expired';
export const DELIVERY_STATUSES: DeliveryStatus[] = ['pending', 'sending', 'sent', 'skipped', 'failed', 'uncertain', 'cancelled', 'waiting', 'delivered', 'expired'];

/** One recipient of one run of a broadcast, on one channel. */
export interface Delivery {
  id: number;
  broadcastId: number;
  runAt: string;
  recipient: string;
  contactId: string | null;
  ref: ConversationRef;
  channel: ChannelName;
  locale: Locale;
  groups: string[];
  name: string | null;
  status: DeliveryStatus;
  reason: string | null;
  attempts: number;
  nextAttemptAt: string;
  sentAt: string | null;
}

export interface ExtraRecipient {
  recipient: string;
  contactId: string | null;
  ref: ConversationRef;
  locale: Locale;
  groups: string[];
  name: string | null;
}

export interface DeliveryRepository {
  /**
   * One delivery per recipient for a run, in one transaction: the subscribers of the groups (all
   * subscribers but staff for 'school'), de-duplicated, plus extra recipients (staff, group chats).
   * Running it twice for the same run adds nobody twice. Returns how many deliveries the run has.
   */
  expand(broadcastId: number, runAt: string, groups: string[], extra: ExtraRecipient[], at: string): Promise<number>;
  /** Takes up to `limit` due pending deliveries for this holder until the lease ends. */
  claim(holder: string, now: Date, limit: number, leaseMs: number): Promise<Delivery[]>;
  /** pending → sending (only for the holder of the claim); false when it is no longer pending. */
  markSending(id: number, holder: string): Promise<boolean>;
  finish(id: number, status: 'sent' | 'skipped' | 'failed' | 'cancelled', reason: string | null, at: string): Promise<void>;
  /** Back to pending for a later attempt. */
  reschedule(id: number, nextAttemptAt: string, attempts: number, reason: string): Promise<void>;
  markStaleSendingUncertain(): Promise<number>;
  /** Deliveries of every broadcast left uncertain by a crash, oldest first. */
  uncertain(limit?: number): Promise<Delivery[]>;
  /** An admin decided to send an uncertain delivery again: uncertain → pending, due now. */
  resendUncertain(id: number, now: string): Promise<boolean>;
  cancelPending(broadcastId: number): Promise<number>;
  /** Failed deliveries of a broadcast back to pending, due now, attempts reset; returns how many. */
  retryFailed(broadcastId: number, now: string): Promise<number>;
  counts(broadcastId: number): Promise<{ byStatus: Record<DeliveryStatus, number>; byChannel: Record<string, Record<string, number>>; reasons: Record<string, number> }>;
  list(broadcastId: number, filter?: { status?: DeliveryStatus; limit?: number; offset?: number }): Promise<Delivery[]>;
  /** Deliveries of a run still pending or being sent. */
  unfinished(broadcastId: number, runAt?: string): Promise<number>;
  /** Web chat: sending → waiting (stored for the visitor's page); false if the page already took it. */
  markWaiting(id: number): Promise<boolean>;
  /** Web chat: sending or waiting → delivered, when the visitor's page received it. */
  markDelivered(ids: number[], at: string): Promise<void>;
  /** Web chat: waiting → expired, the visitor did not come back in time. */
  markExpired(ids: number[], reason: string): Promise<void>;
}

export type WebchatMessageKind = 'visitor' | 'bot' | 'staff' | 'notice';

/**
 * One message of a web chat conversation, kept so a page shows its history after a reload and gets
 * what was sent while it was closed. Messages from the school (staff replies, alerts, announcements)
 * wait until a page of the visitor receives them, or expire.
 */
export interface WebchatMessage {
  id: number;
  conversationKey: string;
  at: string;
  /** visitor: what they sent; bot: the answer to it; staff: written by staff; notice: alerts, announcements. */
  kind: WebchatMessageKind;
  message: OutgoingMessage;
  status: 'waiting' | 'delivered' | 'expired';
  /** The announcement delivery this message carries, if any. */
  deliveryId: number | null;
  deliveredAt: string | null;
  expiresAt: string | null;
}

export interface WebchatMessageRepository {
  append(items: Omit<WebchatMessage, 'id' | 'deliveredAt'>[]): Promise<WebchatMessage[]>;
  /** The conversation's last `limit` messages, oldest first. */
  recent(conversationKey: string, limit: number): Promise<WebchatMessage[]>;
  /** Messages from the school a page has not had: still waiting, or newer than the last one it saw. */
  unseen(conversationKey: string, afterId: number, limit: number): Promise<WebchatMessage[]>;
  /** Ties messages to the announcement delivery they carry; returns them as they are now. */
  attachDelivery(ids: number[], deliveryId: number): Promise<WebchatMessage[]>;
  /** waiting → delivered; returns the messages that changed. */
  markDelivered(ids: number[], at: string): Promise<WebchatMessage[]>;
  /** waiting → expired for messages past their time; returns them. */
  expire(now: string, limit: number): Promise<WebchatMessage[]>;
  /** Forgets a conversation's messages older than a time (history is kept for a while only). */
  prune(before: string): Promise<number>;
}

/** How many rows an erasure or a retention run deleted or anonymised, by kind of data. */
export type DataCounts = Record<string, number>;

/** Days each kind of data is kept (0: kept until erased). */
export interface RetentionPolicy {
  transcriptDays: number;
  rawPayloadDays: number;
  inboxDays: number;
  outboxDays: number;
  sessionDays: number;
  absenceDays: number;
  commentDays: number;
}

export interface PrivacyRepository {
  /**
   * Erases a contact's personal data: transcript, sessions and subscriptions deleted; comments,
   * absences and deliveries anonymised (their counts stay for reports); inbox entries kept as
   * tombstones without content (de-duplication holds); the contact itself kept as an empty
   * tombstone. Null when there is no such contact.
   */
  eraseContact(contactId: string, at: string, placeholder: string): Promise<DataCounts | null>;
  /** Ids of the contacts not erased (a restored copy is checked against the erasure ledger). */
  liveContactIds(): Promise<string[]>;
  /** Deletes or anonymises what is older than the policy allows. */
  applyRetention(policy: RetentionPolicy, now: Date, placeholder: string): Promise<DataCounts>;
}

export interface Store {
  backend: string;
  privacy: PrivacyRepository;
  sessions: SessionRepository;
  contacts: ContactRepository;
  inbox: InboxRepository;
  transcript: TranscriptRepository;
  users: UserRepository;
  apiTokens: ApiTokenRepository;
  staffSessions: StaffSessionRepository;
  setupLinks: SetupLinkRepository;
  loginFailures: LoginFailureRepository;
  audit: AuditRepository;
  documents: DocumentRepository;
  leases: LeaseRepository;
  outbox: OutboxRepository;
  alerts: AlertRepository;
  comments: CommentRepository;
  absences: AbsenceRepository;
  staffLinks: StaffLinkRepository;
  subscriptions: SubscriptionRepository;
  broadcasts: BroadcastRepository;
  deliveries: DeliveryRepository;
  webchatMessages: WebchatMessageRepository;
  /** True when the backend answers (readiness probe). */
  ping(): Promise<boolean>;
  /**
   * Makes every write so far durable. Backends may group writes for speed; callers that promise
   * something to the outside (acknowledging a webhook, marking a message "sending") flush first.
   */
  flush(): Promise<void>;
  /** Told when writes start failing (full disk, I/O errors) and when they work again. */
  onHealthChange?(listener: (change: StoreHealthChange) => void): void;
  close(): Promise<void>;
}

export type StoreHealthChange = { writable: false; error: string } | { writable: true; downForMs: number };
