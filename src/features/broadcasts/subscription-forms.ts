// Subscribing and leaving in the conversation: the classes and "toàn trường" as quick replies,
// several classes per person, consent recorded with time and channel, leaving honoured at once.
// Zalo OA follow / unfollow subscribe to / leave the whole school.
import { chosenClass, messageParts, schoolName, type FormDefinition, type Handler, type TurnContext } from '../../core/turn.ts';
import type { QuickReply } from '../../core/messages.ts';
import { SCHOOL_GROUP } from '../../store/types.ts';
import { foldDiacritics } from '../../nlu/normalise.ts';
import { contentWords, correctsItself, yesOrNo } from '../../core/form-answers.ts';

const groupName = (ctx: TurnContext, id: string) =>
  id === SCHOOL_GROUP ? ctx.t('subscribe.school') : ctx.services.school.get('classes').find((c) => c.id === id)?.name ?? id;

const following = async (ctx: TurnContext) => ctx.services.store.subscriptions.activeGroups(ctx.contact.id);
const listOf = (ctx: TurnContext, ids: string[]) => ids.map((id) => groupName(ctx, id)).join(', ');

function choices(ctx: TurnContext, exclude: string[], withDone: boolean): QuickReply[] {
  const groups = [SCHOOL_GROUP, ...ctx.services.school.get('classes').map((c) => c.id)].filter((g) => !exclude.includes(g));
  const replies = groups.map((g) => ({ title: groupName(ctx, g), payload: `subscribe:group:${g}` }));
  return (withDone ? [{ title: ctx.t('subscribe.done_option'), payload: 'subscribe:done' }, ...replies] : replies).slice(0, 13);
}

/** The group a message or button names: a class, or the whole school; "A1, à nhầm, A2": the last one. */
function namedGroup(ctx: TurnContext, text: string, payload: string, prefix: string): string | null {
  if (prefix && payload === `${prefix}${SCHOOL_GROUP}`) return SCHOOL_GROUP;
  const cls = chosenClass(ctx, payload, prefix);
  if (cls) return cls;
  const named = ctx.nlu?.entities.classes ?? [];
  if (named.length > 1 && correctsItself(text)) {
    const folded = foldDiacritics(text.toLowerCase());
    const at = (name: string) => folded.lastIndexOf(foldDiacritics(name.toLowerCase()));
    return [...named].sort((a, b) => at(b.name) - at(a.name))[0].id;
  }
  if (/\b(toan truong|ca truong|whole school|school)\b/.test(foldDiacritics(text.toLowerCase()))) return SCHOOL_GROUP;
  return null;
}

async function subscribeTo(ctx: TurnContext, group: string): Promise<void> {
  const { store } = ctx.services;
  const added = await store.subscriptions.subscribe(ctx.contact.id, group, 'chat', ctx.contact.ref.channel, ctx.now.toISOString());
  const list = listOf(ctx, await following(ctx));
  ctx.reply(ctx.t(added ? 'subscribe.subscribed' : 'subscribe.already', { group: groupName(ctx, group), list }));
}

export function subscribeForm(): FormDefinition {
  return {
    name: 'subscribe',
    idleMinutes: 30,
    acceptsPayload: (p) => p.startsWith('subscribe:'),
    async ask(ctx) {
      const current = await following(ctx);
      ctx.reply(ctx.t(current.length ? 'subscribe.more' : 'subscribe.ask'), choices(ctx, current, current.length > 0));
    },
    async start(ctx) {
      const group = namedGroup(ctx, ctx.nlu?.text ?? '', '', '');
      if (group) {
        await subscribeTo(ctx, group);
        return;
      }
      const now = ctx.now.toISOString();
      ctx.session.form = { name: 'subscribe', step: 'pick', data: {}, startedAt: now, updatedAt: now };
      ctx.reply(ctx.t('subscribe.ask'), choices(ctx, await following(ctx), false));
    },
    async step(ctx) {
      const { text, payload } = messageParts(ctx);
      // "cảm ơn", "dạ em cảm ơn cô", "ok" after a class was followed: that is all; a bare "vâng", "có ạ" asks for another.
      const wantsMore = yesOrNo(text) === 'yes' && contentWords(text) > 0; // a yes of its own, not a bare "ok"
      const thanked = !payload && ctx.nlu?.intent === 'thanks' && !wantsMore;
      if (payload === 'subscribe:done' || yesOrNo(text) === 'no' || thanked || /^(xong|done)\b/.test(foldDiacritics(text.toLowerCase()).trim())) {
        ctx.session.form = null;
        // The web chat keeps announcements only for a while, for the page: it says so, no more.
        ctx.reply(ctx.event.ref.channel === 'webchat'
          ? ctx.t('subscribe.finished_webchat', { hours: ctx.services.config.WEBCHAT_DELIVERY_TTL_HOURS })
          : ctx.t('subscribe.finished'));
        return;
      }
      const group = namedGroup(ctx, text, payload, 'subscribe:group:');
      const known = group === SCHOOL_GROUP || ctx.services.school.get('classes').some((c) => c.id === group);
      if (!group && yesOrNo(text) === 'yes') {
        // "vâng" to "another class?": which one.
        ctx.reply(ctx.t('subscribe.ask'), choices(ctx, await following(ctx), true));
        return;
      }
      if (!group || !known) {
        ctx.reply(ctx.t('subscribe.unknown', { text: text || payload }), choices(ctx, await following(ctx), true));
        return;
      }
      // "à nhầm, lớp Lá A2 chứ không phải A1": the class just followed in this conversation is let go.
      const data = ctx.session.form!.data as { last?: string };
      if (data.last && data.last !== group && correctsItself(text)) {
        await ctx.services.store.subscriptions.unsubscribe(ctx.contact.id, data.last, ctx.now.toISOString());
      }
      data.last = group;
      await subscribeTo(ctx, group);
      ctx.reply(ctx.t('subscribe.more'), choices(ctx, await following(ctx), true));
    },
  };
}

export function unsubscribeForm(): FormDefinition {
  const leave = async (ctx: TurnContext, group: string | null) => {
    const { store } = ctx.services;
    await store.subscriptions.unsubscribe(ctx.contact.id, group, ctx.now.toISOString());
    await store.flush(); // honoured at once, including for a broadcast already sending
    ctx.session.form = null;
    const rest = await following(ctx);
    if (group === null || rest.length === 0) ctx.reply(ctx.t('subscribe.left_all'));
    else ctx.reply(ctx.t('subscribe.left', { group: groupName(ctx, group), rest: ctx.t('subscribe.rest', { list: listOf(ctx, rest) }) }));
  };
  const ask = async (ctx: TurnContext, current: string[]) => {
    ctx.reply(ctx.t('subscribe.ask_leave', { list: listOf(ctx, current) }), [
      { title: ctx.t('subscribe.all'), payload: 'unsubscribe:all' },
      ...current.map((g) => ({ title: groupName(ctx, g), payload: `unsubscribe:group:${g}` })),
    ].slice(0, 13));
  };
  return {
    name: 'unsubscribe',
    idleMinutes: 30,
    acceptsPayload: (p) => p.startsWith('unsubscribe:'),
    ask: async (ctx) => ask(ctx, await following(ctx)),
    async start(ctx) {
      const current = await following(ctx);
      if (current.length === 0) {
        ctx.reply(ctx.t('subscribe.following_none'));
        return;
      }
      const text = ctx.nlu?.text ?? '';
      const group = namedGroup(ctx, text, '', '');
      // "stop", "hủy đăng ký" with one subscription, or naming one: no question needed.
      if (group && current.includes(group)) return leave(ctx, group);
      if (current.length === 1 || /\b(stop|tat ca|all|everything|het)\b/.test(foldDiacritics(text.toLowerCase()))) return leave(ctx, null);
      const now = ctx.now.toISOString();
      ctx.session.form = { name: 'unsubscribe', step: 'pick', data: {}, startedAt: now, updatedAt: now };
      await ask(ctx, current);
    },
    async step(ctx) {
      const { text, payload } = messageParts(ctx);
      if (payload === 'unsubscribe:all' || /\b(tat ca|all|het)\b/.test(foldDiacritics(text.toLowerCase()))) return leave(ctx, null);
      const group = namedGroup(ctx, text, payload, 'unsubscribe:group:');
      const current = await following(ctx);
      if (!group || !current.includes(group)) return ask(ctx, current);
      return leave(ctx, group);
    },
  };
}

/** Zalo OA follow: the whole school, with an offer to add the child's class. Unfollow: everything. */
export function followHandlers(): { follow: Handler; unfollow: Handler } {
  return {
    async follow(ctx) {
      await ctx.services.store.subscriptions.subscribe(ctx.contact.id, SCHOOL_GROUP, 'follow', ctx.contact.ref.channel, ctx.now.toISOString());
      const now = ctx.now.toISOString();
      ctx.session.form = { name: 'subscribe', step: 'pick', data: {}, startedAt: now, updatedAt: now };
      ctx.reply(ctx.t('subscribe.follow_welcome', { school: schoolName(ctx) }), choices(ctx, [SCHOOL_GROUP], true));
    },
    async unfollow(ctx) {
      await ctx.services.store.subscriptions.unsubscribe(ctx.contact.id, null, ctx.now.toISOString());
      await ctx.services.store.flush();
    },
  };
}
