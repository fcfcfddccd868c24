// One turn: contact → session → language → NLU → router → replies → save session once →
// transcript. Routes are data: an intent names either a locales answer or a handler.
import { conversationKey, eventText, type IncomingEvent, type OutgoingMessage, type QuickReply } from './messages.ts';
import { schoolName, type BotServices, type FormDefinition, type Handler, type Interceptor, type TurnContext } from './turn.ts';
import type { Locale, Session, Store } from '../store/types.ts';
import { intentButtonTitle, renderAnswer } from '../features/faq/answer-texts.ts';
import { translatorFor } from '../i18n.ts';
import { todayIn } from './dates.ts';
import { chooseLocale, languageSwitchRequest } from '../nlu/language.ts';
import { asksQuestion, contentWords, leavesForm } from './form-answers.ts';
import { NONE_INTENT, SOCIAL_INTENTS } from '../nlu/nlu-service.ts';
import { normalise } from '../nlu/normalise.ts';
import { extractDate } from '../nlu/entities.ts';
import { withoutPoliteEnd } from '../nlu/question-sentence.ts';

export interface TurnResult {
  replies: OutgoingMessage[];
  intent: string | null;
  confidence: number | null;
  handler: string;
  answered: boolean;
  locale: Locale;
}

/** What the NLU reads of a message; forms keep the whole message. */
export const MAX_TEXT_LENGTH = 2000;
/** The longest message a channel passes on: a parent's long letter is kept whole. */
export const MAX_MESSAGE_LENGTH = 20_000;

const sessionState = (s: Session) => JSON.stringify([s.locale, s.form, s.data]);

/** The payload of "Tiếp tục" after a form was set aside. */
export const RESUME_PAYLOAD = 'form:resume';

/** Topics whose answer depends on a day or a class, so that "còn thứ 6?" may follow them. */
const FOLLOWS_A_DAY_OR_CLASS = new Set(['calendar', 'menu', 'events', 'pickup_hours', 'daily_routine']);
const FOLLOW_UP_MS = 10 * 60_000;
const OWN_TOPIC_CONFIDENCE = 0.8;
const FOLLOW_UP_OPENERS = [['con'], ['the', 'con'], ['vay', 'con'], ['and'], ['what', 'about'], ['how', 'about']];
const FOLLOW_UP_ENDINGS = [['thi', 'sao'], ['thi', 'the', 'nao']];
/** Intents that, mid-form, are part of the conversation rather than another question. */
const NOT_A_SIDE_QUESTION = new Set([NONE_INTENT, 'greeting', 'thanks', 'absence', 'feedback', 'subscribe', 'unsubscribe']);

/**
 * A few hundred recent answers of data-only handlers (see DATA_ONLY_HANDLERS). Kept as JSON: each
 * hit gets its own copy to change, and parsing is cheaper than structuredClone.
 */
class AnswerCache {
  private readonly entries = new Map<string, { replies: string; unanswered: boolean }>();
  constructor(private readonly max = 500) {}

  get(key: string) {
    const hit = this.entries.get(key);
    return hit && { replies: JSON.parse(hit.replies) as OutgoingMessage[], unanswered: hit.unanswered };
  }

  set(key: string, replies: OutgoingMessage[], unanswered: boolean): void {
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { replies: JSON.stringify(replies), unanswered });
  }
}

/** Greetings and thanks are not questions to the school. */
const SMALL_TALK = new Set(['greeting', 'thanks']);

/**
 * Whether a turn asked the school something: what the reports count as a question. An answer,
 * a fallback or a question in the middle of a form is; a form's steps and buttons, link codes,
 * safety reports, staff commands and small talk are not.
 */
function askedSomething(handler: string, intent: string | null): boolean {
  if (handler === 'fallback' || handler === 'clarify' || handler.endsWith(':question')) return true;
  if (!intent || SMALL_TALK.has(intent)) return false;
  return handler.startsWith('answer:') || !handler.includes(':');
}

export class Bot {
  private readonly forms = new Map<string, FormDefinition>();
  private readonly answers = new AnswerCache();

  constructor(
    private readonly services: BotServices,
    private readonly handlers: Record<string, Handler>,
    forms: FormDefinition[] = [],
    /** Called for follow / unfollow events (subscriptions plug in here). */
    private readonly lifecycle: { follow?: Handler; unfollow?: Handler } = {},
    private readonly interceptors: Interceptor[] = [],
    /** Handlers whose replies may be reused for the same question, day and data. */
    private readonly cacheable: ReadonlySet<string> = new Set(),
    /** Runs after each turn with the person's contact (their window has just opened). */
    private readonly afterTurn: ((contactId: string) => Promise<unknown>)[] = [],
  ) {
    for (const f of forms) this.forms.set(f.name, f);
  }

  /** A text in a language, for answers given outside a turn (a web chat that is rate-limited). */
  text(locale: Locale, key: string): string {
    return translatorFor(this.services.i18n, locale)(key);
  }

  /**
   * The same bot on another store, without side effects: no interceptors (a safety report would
   * open a real ticket), no after-turn hooks, no staff alerts. The console's "Try it" runs here.
   */
  sandbox(store: Store): Bot {
    return new Bot({ ...this.services, store, notifyStaff: async () => {} }, this.handlers, [...this.forms.values()], {}, [], this.cacheable, []);
  }

  knowsHandler(name: string): boolean {
    return Object.hasOwn(this.handlers, name);
  }

  quickRepliesFor(intentIds: string[], t: TurnContext['t'], locale: Locale = 'vi'): QuickReply[] {
    return intentIds
      .filter((id) => this.services.nlu.getIntent(id))
      .map((id) => ({ title: this.buttonTitle(id, t, locale), payload: `intent:${id}` }));
  }

  /** The locales button text, else (an intent added in the console) its own title or first question. */
  private buttonTitle(id: string, t: TurnContext['t'], locale: Locale): string {
    const title = t(`quick.${id}`);
    if (title !== `quick.${id}`) return title;
    const intent = this.services.nlu.getIntent(id);
    return intent ? intentButtonTitle(intent, locale) : id;
  }

  async runTurn(event: IncomingEvent): Promise<TurnResult> {
    const started = performance.now();
    const { store, clock, config } = this.services;
    const now = clock();
    const key = conversationKey(event.ref);
    const contact = await store.contacts.touch(event.ref, event.timestamp || now.toISOString(), event.displayName);
    const stored = await store.sessions.get(key);
    const session: Session = stored ?? { key, locale: contact.locale, form: null, data: {}, updatedAt: now.toISOString() };
    const before = stored ? sessionState(stored) : null;
    const text = eventText(event).slice(0, MAX_MESSAGE_LENGTH);

    // Short answers inside a form ("Chồi B1", "yes", a child's name) say nothing about language.
    const shortFormAnswer = session.form !== null && text.trim().split(/\s+/).length < 4;
    let locale: Locale = event.type === 'text' && !shortFormAnswer ? chooseLocale(text, session.locale) : session.locale ?? 'vi';
    const replies: OutgoingMessage[] = [];
    const ctx: TurnContext = {
      event, contact, session, nlu: null, locale, t: translatorFor(this.services.i18n, locale), now,
      today: todayIn(config.TZ, now), services: this.services, replies, unanswered: false, intent: null,
      reply: (text, quickReplies) => replies.push({ type: 'text', text, ...(quickReplies?.length ? { quickReplies } : {}) }),
      send: (message) => replies.push(message),
      setLocale: (next) => {
        locale = next;
        ctx.locale = next;
        ctx.t = translatorFor(this.services.i18n, next);
        session.locale = next;
      },
    };
    ctx.setLocale(locale);

    let handlerName = 'none';
    try {
      handlerName = await this.route(ctx, text);
    } catch (err) {
      this.services.logger.error({ err, conversation: key }, 'turn failed');
      replies.length = 0;
      ctx.reply(ctx.t('answers.error', { phone: this.services.school.get('profile').phone }));
      handlerName = 'error';
      ctx.unanswered = true;
    }

    // Saved once, at the end of the turn, and only when something in it changed.
    if (handlerName !== 'error' && sessionState(session) !== before) {
      session.updatedAt = now.toISOString();
      await store.sessions.save(session);
    }
    if (contact.locale !== session.locale && session.locale) await store.contacts.setLocale(contact.id, session.locale);
    const result: TurnResult = {
      replies, intent: ctx.intent, confidence: ctx.nlu?.confidence ?? null, handler: handlerName,
      answered: !ctx.unanswered, locale: ctx.locale,
    };
    for (const hook of this.afterTurn) {
      await hook(contact.id).catch((err) => this.services.logger.error({ err }, 'after-turn hook failed'));
    }
    if (event.type === 'text' || event.type === 'payload') {
      await store.transcript.append({
        conversationKey: key, channel: event.ref.channel, contactId: contact.id, at: now.toISOString(), text,
        locale: ctx.locale, intent: ctx.intent, confidence: ctx.nlu?.confidence ?? null, handler: handlerName,
        answered: result.answered, asked: this.askedSomething(handlerName, ctx.intent), latencyMs: performance.now() - started,
        replies: replies.map((r) => (r.type === 'text' ? r.text : r.type)),
      });
    }
    return result;
  }

  private askedSomething(handler: string, intent: string | null): boolean {
    const interceptor = this.interceptors.find((i) => i.name === handler);
    return interceptor ? Boolean(interceptor.asks) : askedSomething(handler, intent);
  }

  /** Decides who answers; returns the handler's name for the transcript. */
  private async route(ctx: TurnContext, text: string): Promise<string> {
    const { event, session } = ctx;
    if (event.type === 'follow' || event.type === 'unfollow') {
      const handler = this.lifecycle[event.type];
      if (handler) await handler(ctx);
      else if (event.type === 'follow') await this.runIntent(ctx, 'greeting');
      return event.type;
    }
    if (event.type === 'media') {
      ctx.reply(ctx.t('answers.media', { phone: this.services.school.get('profile').phone }));
      return 'media';
    }

    // A safety report is taken first, in every state: a form in progress must not swallow it.
    if (event.type === 'text') {
      for (const interceptor of this.interceptors) {
        if (interceptor.always && (await interceptor.run(ctx, text))) return interceptor.name;
      }
    }
    if (event.type === 'payload' && event.payload === RESUME_PAYLOAD) return this.resumeForm(ctx);

    // A form in progress owns the turn, unless it has gone stale or the person leaves it.
    if (session.form) {
      const form = this.forms.get(session.form.name);
      const idleMs = ctx.now.getTime() - Date.parse(session.form.updatedAt);
      if (!form) {
        session.form = null;
      } else if (idleMs > form.idleMinutes * 60_000) {
        session.form = null;
        ctx.reply(ctx.t('forms.expired'));
      } else if (event.type !== 'payload' || form.acceptsPayload?.(event.payload, session.form.step)) {
        ctx.intent = form.name;
        if (event.type === 'text') {
          ctx.nlu = this.parse(ctx, text);
          // An answer to the step (or a correction of an earlier one) comes first: "à thôi, em muốn
          // ẩn danh" changes a field, it does not leave.
          if (!form.understands?.(ctx)) {
            const other = this.otherForm(ctx, form.name, text);
            if (other) {
              // "à không, em muốn góp ý về bữa ăn": the parent changed their mind; the new form starts.
              session.form = null;
              return this.runIntent(ctx, other);
            }
            if (leavesForm(text)) {
              session.form = null;
              ctx.reply(ctx.t('forms.cancelled'));
              // "à thôi, cho hỏi mai có học không": left, and the question still gets its answer.
              if (this.asksAnotherQuestion(ctx, form.name, text)) await this.runIntent(ctx, ctx.nlu.intent);
              return `${form.name}:cancel`;
            }
            // "học phí bao nhiêu vậy cô?" in the middle of a form: answered, then the form goes on.
            if (this.asksAnotherQuestion(ctx, form.name, text)) {
              await this.runIntent(ctx, ctx.nlu.intent);
              if (session.form?.name === form.name) {
                ctx.reply(ctx.t('forms.back_to', { form: ctx.t(`forms.names.${form.name}`) }));
                await form.ask(ctx);
                session.form.updatedAt = ctx.now.toISOString();
              }
              return `${form.name}:question`;
            }
          }
        }
        await form.step(ctx);
        if (session.form) session.form.updatedAt = ctx.now.toISOString();
        return `${form.name}:step`;
      } else if (event.payload.startsWith('intent:')) {
        // A button from an earlier answer: answered, and the form still waits for its answer.
        const handled = await this.routePayload(ctx, event.payload);
        if (session.form?.name === form.name) await form.ask(ctx);
        return handled;
      }
    }

    if (event.type === 'payload') return this.routePayload(ctx, event.payload);

    const wanted = languageSwitchRequest(text);
    if (wanted) {
      ctx.setLocale(wanted);
      ctx.reply(ctx.t('answers.language_switched'));
      return 'language';
    }

    for (const interceptor of this.interceptors) {
      if (!interceptor.always && (await interceptor.run(ctx, text))) return interceptor.name;
    }

    if (!text.trim()) {
      ctx.reply(ctx.t('answers.empty'));
      ctx.unanswered = true;
      return 'empty';
    }
    ctx.nlu = this.parse(ctx, text, true);
    const handled = await this.runIntent(ctx, this.followUp(ctx, text) ?? ctx.nlu.intent);
    // A courtesy in between ("cảm ơn") keeps the topic.
    if (!ctx.unanswered && !SOCIAL_INTENTS.has(ctx.intent ?? '')) ctx.session.data.lastTopic = { intent: ctx.intent, at: ctx.now.toISOString() };
    return handled;
  }

  /**
   * "24/12 thì sao", "còn lớp Lá A2?", "and on Friday?": a short message with a day or a class and
   * no topic of its own asks the last question again about that day or class (within 10 minutes).
   */
  private followUp(ctx: TurnContext, text: string): string | null {
    const nlu = ctx.nlu!;
    const topic = this.recentTopic(ctx);
    if (!topic || !FOLLOWS_A_DAY_OR_CLASS.has(topic)) return null;
    const { date, classes } = nlu.entities;
    if (nlu.intent === topic || (!date && !classes.length) || contentWords(text) > 5) return null;
    // "còn …", "… thì sao", "and …", "what about …" ask again, whatever topic the few words suggest.
    const { tokens: words, marked } = normalise(text);
    // "con" is also "the child" ("con nghỉ thứ 6 nhé"): only "còn" as written, or three words at most.
    const stillCon = (i: number) => words[i] !== 'con' || marked[i] === 'còn' || (!marked[i] && words.length <= 3);
    const asksAgain = FOLLOW_UP_OPENERS.some((o) => o.every((w, i) => words[i] === w && stillCon(i)))
      || FOLLOW_UP_ENDINGS.some((e) => { const core = withoutPoliteEnd(words); return e.every((w, i) => core[core.length - e.length + i] === w); });
    // "what about the menu tomorrow" names its own topic: the classifier sure of another one wins.
    const ownTopic = nlu.intent !== NONE_INTENT && !nlu.rejected && nlu.confidence >= OWN_TOPIC_CONFIDENCE;
    const notUnderstood = (nlu.intent === NONE_INTENT || nlu.rejected) && contentWords(text) <= 3;
    return (asksAgain && !ownTopic) || notUnderstood ? topic : null;
  }

  private async routePayload(ctx: TurnContext, payload: string): Promise<string> {
    const [kind, value] = payload.split(':', 2);
    if (kind === 'lang' && (value === 'vi' || value === 'en')) {
      ctx.setLocale(value);
      ctx.reply(ctx.t('answers.language_switched'));
      return 'language';
    }
    if (kind === 'intent' && value && this.services.nlu.getIntent(value)) return this.runIntent(ctx, value);
    // A button of a question that is no longer asked (a form finished or left): said so, in their language.
    ctx.reply(ctx.t('answers.stale_button'), this.quickRepliesFor(['help'], ctx.t, ctx.locale));
    ctx.unanswered = true;
    return 'stale-button';
  }

  /** A confident answer to another topic, asked as a question, while a form waits. */
  private asksAnotherQuestion(ctx: TurnContext, formName: string, text: string): boolean {
    const nlu = ctx.nlu;
    if (!nlu || nlu.rejected || NOT_A_SIDE_QUESTION.has(nlu.intent) || nlu.intent === formName) return false;
    return asksQuestion(text);
  }

  /** Another form's intent, said with conviction ("em muốn góp ý về…" while reporting an absence). */
  private otherForm(ctx: TurnContext, formName: string, text: string): string | null {
    const nlu = ctx.nlu;
    if (!nlu || nlu.rejected || nlu.intent === formName || !this.forms.has(nlu.intent) || nlu.confidence < 0.6) return null;
    // "hủy" alone leaves the form; it does not start the unsubscribe form.
    return asksQuestion(text) || contentWords(text) < 3 ? null : nlu.intent;
  }

  /** "Tiếp tục": the form set aside by a safety report (or a question) goes on where it was. */
  private async resumeForm(ctx: TurnContext): Promise<string> {
    const aside = ctx.session.data.asideForm as Session['form'] | undefined;
    const form = aside ? this.forms.get(aside.name) : undefined;
    delete ctx.session.data.asideForm;
    if (!aside || !form) {
      ctx.reply(ctx.t('answers.stale_button'), this.quickRepliesFor(['help'], ctx.t, ctx.locale));
      return 'stale-button';
    }
    ctx.session.form = { ...aside, updatedAt: ctx.now.toISOString() };
    ctx.intent = form.name;
    await form.ask(ctx);
    return `${form.name}:resume`;
  }

  private parse(ctx: TurnContext, text: string, withTopic = false) {
    return this.services.nlu.parse(text.slice(0, MAX_TEXT_LENGTH), {
      today: ctx.today,
      classes: this.services.school.get('classes'),
      rememberedLanguage: ctx.session.locale,
      topic: withTopic ? this.recentTopic(ctx, text) : null,
    });
  }

  /**
   * The topic of the last answer, when recent and not a form's (a form's own steps read its answers).
   * A message naming a day keeps only a topic that depends on the day: "24/12 thì sao" after the fees is not about fees.
   */
  private recentTopic(ctx: TurnContext, text?: string): string | null {
    const last = ctx.session.data.lastTopic as { intent: string; at: string } | undefined;
    if (!last || this.forms.has(last.intent) || ctx.now.getTime() - Date.parse(last.at) > FOLLOW_UP_MS) return null;
    if (text !== undefined && !FOLLOWS_A_DAY_OR_CLASS.has(last.intent) && extractDate(text, ctx.today)) return null;
    return last.intent;
  }

  private async runIntent(ctx: TurnContext, intentId: string): Promise<string> {
    const intent = this.services.nlu.getIntent(intentId);
    ctx.intent = intentId;
    if (!intent || intentId === NONE_INTENT) return this.fallback(ctx);
    const quick = this.quickRepliesFor(intent.quickReplies, ctx.t, ctx.locale);
    if (intent.handler) {
      const handler = this.handlers[intent.handler];
      if (!handler) throw new Error(`intent "${intent.id}" names unknown handler "${intent.handler}"`);
      const before = ctx.replies.length;
      const key = this.cacheable.has(intent.handler) && before === 0
        ? `${intent.id}|${ctx.locale}|${ctx.today}|${this.services.school.version}|${this.services.nlu.revision}|${JSON.stringify(ctx.nlu?.entities ?? null)}`
        : null;
      const hit = key ? this.answers.get(key) : undefined;
      if (hit) {
        ctx.replies.push(...hit.replies);
        ctx.unanswered ||= hit.unanswered;
        return intent.handler;
      }
      await handler(ctx);
      // Attach the intent's suggestions to the handler's last text reply, if it set none.
      const last = ctx.replies[ctx.replies.length - 1];
      if (quick.length && ctx.replies.length > before && last?.type === 'text' && !last.quickReplies) last.quickReplies = quick;
      if (key) this.answers.set(key, ctx.replies, ctx.unanswered);
      return intent.handler;
    }
    ctx.reply(renderAnswer(ctx, intent), quick);
    return `answer:${intent.id}`;
  }

  private answerText(ctx: TurnContext, key: string): string {
    const profile = this.services.school.get('profile');
    return ctx.t(key, { school: schoolName(ctx), phone: profile.phone, who: ctx.t('answers.greeting_who') });
  }

  /** Out of scope, or too unsure: say so, offer the menu, and count it as unanswered. */
  private fallback(ctx: TurnContext): string {
    ctx.unanswered = true;
    const nlu = ctx.nlu;
    const candidates = [nlu?.candidate, nlu?.runnerUp?.intent].filter((i): i is string => Boolean(i) && i !== NONE_INTENT);
    if (nlu?.rejected && candidates.length === 2 && nlu.confidence + (nlu.runnerUp?.confidence ?? 0) > 0.6) {
      const [first, second] = candidates.map((id) => this.buttonTitle(id, ctx.t, ctx.locale));
      ctx.reply(ctx.t('answers.fallback_clarify', { first, second }), this.quickRepliesFor(candidates, ctx.t, ctx.locale));
      return 'clarify';
    }
    const none = this.services.nlu.getIntent(NONE_INTENT);
    // The nearest topic first: a complaint the FAQ does not know ("quạt phòng ngủ hỏng mấy hôm") is
    // one tap from the comment form, a question one tap from its topic's answer.
    const nearest = nlu?.candidate && nlu.candidate !== NONE_INTENT && !SOCIAL_INTENTS.has(nlu.candidate) ? [nlu.candidate] : [];
    const buttons = [...new Set([...nearest, ...(none?.quickReplies ?? ['help', 'contact'])])].slice(0, 3);
    ctx.reply(none ? renderAnswer(ctx, none) : this.answerText(ctx, 'answers.fallback'), this.quickRepliesFor(buttons, ctx.t, ctx.locale));
    return 'fallback';
  }
}
