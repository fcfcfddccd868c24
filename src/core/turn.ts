// What a handler gets: one turn of one conversation. Handlers are plain async functions; they
// read the NLU result and the school data, and reply. They never parse text themselves.
import type { i18n } from 'i18next';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { NluResult, NluService } from '../nlu/nlu-service.ts';
import type { SchoolService } from '../school/school-service.ts';
import type { Contact, Locale, Session, Store } from '../store/types.ts';
import type { Translate } from '../i18n.ts';
import type { IncomingEvent, OutgoingMessage, QuickReply } from './messages.ts';
import type { IsoDate } from './dates.ts';

/** Everything a handler may use, injected once at start-up. */
export interface BotServices {
  config: Config;
  store: Store;
  school: SchoolService;
  nlu: NluService;
  i18n: i18n;
  logger: Logger;
  clock: () => Date;
  /**
   * Tells the school's staff that a person needs them (an alert, on chat and in the admin API);
   * `contactId` names the parent the text quotes (erasing them redacts it).
   */
  notifyStaff?: (text: string, about?: { contactId: string }) => Promise<void>;
}

export interface TurnContext {
  event: IncomingEvent;
  contact: Contact;
  session: Session;
  nlu: NluResult | null;
  locale: Locale;
  t: Translate;
  now: Date;
  today: IsoDate;
  services: BotServices;
  replies: OutgoingMessage[];
  reply(text: string, quickReplies?: QuickReply[]): void;
  send(message: OutgoingMessage): void;
  /** Switches the reply language for the rest of the turn (and remembers it). */
  setLocale(locale: Locale, pinned?: boolean): void;
  /** A handler that could not answer sets this, so the question shows up as unanswered. */
  unanswered: boolean;
  /** The intent the turn is attributed to in the transcript. */
  intent: string | null;
}

export type Handler = (ctx: TurnContext) => void | Promise<void>;

/** A multi-step conversation (absence, feedback, subscribe) that owns the turn while active. */
export interface FormDefinition {
  name: string;
  /** Minutes of silence after which the form expires politely. */
  idleMinutes: number;
  start: Handler;
  /** Handles the person's next message; the form clears ctx.session.form when it is done. */
  step: Handler;
  /** Asks the current step's question again (after a question answered mid-form, or on resuming). */
  ask: Handler;
  /** Whether the message is a plain answer to the current step (a date at "which day"), so it is never taken for a question. */
  understands?(ctx: TurnContext): boolean;
  /** Payloads this form accepts at this step: a button of an earlier question is not an answer. */
  acceptsPayload?(payload: string, step: string): boolean;
}

/** Looks at a text message before the NLU and may take the turn (link codes, ticket codes, staff commands). */
export interface Interceptor {
  name: string;
  /** Runs in every state, before a form in progress reads the message (safety reports). */
  always?: boolean;
  /** The turns it takes ask the school something (a ticket's status), so reports count them as questions. */
  asks?: boolean;
  run(ctx: TurnContext, text: string): Promise<boolean>;
}

/** The text or the button payload of the turn's message (one of them is ''). */
export function messageParts(ctx: TurnContext): { text: string; payload: string } {
  const e = ctx.event;
  return { text: e.type === 'text' ? e.text.trim() : '', payload: e.type === 'payload' ? e.payload : '' };
}

/** The class a form's answer names: its button (`<prefix><class id>`), or one class in the text. */
export function chosenClass(ctx: TurnContext, payload: string, prefix: string): string | null {
  const classes = ctx.services.school.get('classes');
  const fromPayload = payload.startsWith(prefix) ? payload.slice(prefix.length) : null;
  if (fromPayload && classes.some((c) => c.id === fromPayload)) return fromPayload;
  const named = ctx.nlu?.entities.classes ?? [];
  return named.length === 1 ? named[0].id : null;
}

/** The school's name in the language of the turn. */
export function schoolName(ctx: TurnContext): string {
  const p = ctx.services.school.get('profile');
  return ctx.locale === 'en' && p.nameEn ? p.nameEn : p.name;
}
