// Messages handled before the NLU: a staff member's one-time link code, a parent asking about a
// ticket ("phản ánh PA-0042 thế nào rồi"), and staff-only commands from linked accounts.
import type { Interceptor, TurnContext } from '../../core/turn.ts';
import { conversationKey } from '../../core/messages.ts';
import { formatShortDate } from '../../core/dates.ts';
import { foldDiacritics, normalise } from '../../nlu/normalise.ts';
import type { Comment } from '../../store/types.ts';
import type { CommentService } from '../comments/comment-service.ts';
import { canonicalLinkCode, LINK_CODE } from './link-codes.ts';
import type { StaffNotifier } from './staff-notifier.ts';

const TICKET = /\bPA-?(\d{1,6})\b/i;

/** A link code sent from a staff member's own Zalo or Messenger account. */
export function linkCodeInterceptor(staff: StaffNotifier): Interceptor {
  return {
    name: 'staff:link',
    async run(ctx, text) {
      const m = LINK_CODE.exec(text);
      if (!m) return false;
      // The web chat is open to anyone: a code is never checked (nor used up) there.
      if (ctx.contact.ref.channel === 'webchat') {
        ctx.reply(ctx.t('staff.code_not_here'));
        return true;
      }
      const key = `conversation:${conversationKey(ctx.contact.ref)}`;
      if (staff.linkGuard.paused(key)) {
        ctx.reply(ctx.t('staff.code_paused'));
        return true;
      }
      const { store } = ctx.services;
      const userId = await store.staffLinks.consumeCode(canonicalLinkCode(m[1]), ctx.now.toISOString());
      const user = userId ? await store.users.get(userId) : null;
      if (!user || user.disabled) {
        staff.linkGuard.fail(key);
        ctx.reply(ctx.t('staff.bad_code'));
        return true;
      }
      staff.linkGuard.succeed(key);
      await store.staffLinks.link(user.id, ctx.contact.ref, conversationKey(ctx.contact.ref), ctx.now.toISOString());
      await store.audit.append({ at: ctx.now.toISOString(), actor: `${user.name} (${user.id})`, action: 'staff.link', target: `user:${user.id}`, details: { channel: ctx.contact.ref.channel } });
      ctx.reply(ctx.t('staff.linked', { name: user.name, role: user.role }));
      return true;
    },
  };
}

const has = (ws: string[], ...phrase: string[]) => ws.some((_, i) => phrase.every((p, k) => ws[i + k] === p));
const AMEND = ['sua', 'them', 'amend', 'add', 'update', 'edit', 'correct'];
const STATUS = [['toi', 'dau'], ['den', 'dau'], ['the', 'nao'], ['sao', 'roi'], ['xu', 'ly'], ['tinh', 'trang'], ['ket', 'qua'], ['status'], ['any', 'update'], ['chua']];
/** Asking for news without naming the comment ("sao rồi ạ", "có kết quả chưa", "any update?"): only short messages. */
const FOLLOW_UP = [['sao', 'roi'], ['the', 'nao', 'roi'], ['xu', 'ly'], ['ket', 'qua'], ['tra', 'loi'], ['toi', 'dau'], ['den', 'dau'], ['any', 'update'], ['any', 'news']];
/** What may stand around it: "dạ sao rồi ạ cô", "có kết quả chưa chị". Anything else ("con học đến đâu rồi") is another question. */
const FOLLOW_UP_FILLER = new Set(['da', 'a', 'co', 'c', 'chi', 'em', 'e', 'oi', 'roi', 'chua', 'vay', 'the', 'nao', 'nhe', 'ha', 'khong', 'ko', 'is', 'there', 'yet', 'please']);
/** How recent the parent's open comment must be for a bare "sao rồi ạ" to be about it. */
const FOLLOW_UP_DAYS = 14;

/** "phản ánh PA-0042 thế nào rồi", "sửa phản ánh PA-0042", "phản ánh của tôi tới đâu rồi": only about the parent's own. */
export function ticketStatusInterceptor(comments: CommentService): Interceptor {
  const statusLine = async (ctx: TurnContext, c: Comment) => {
    const replies = (await ctx.services.store.comments.events(c.id)).filter((e) => e.kind === 'reply');
    const last = replies[replies.length - 1];
    return ctx.t('feedback.status', {
      code: c.code, date: formatShortDate(c.createdAt.slice(0, 10), ctx.locale), status: ctx.t(`feedback.statuses.${c.status}`),
      reply: last ? ctx.t('feedback.last_reply', { text: String(last.details.text ?? '') }) : '',
    });
  };
  return {
    name: 'feedback:status',
    asks: true,
    async run(ctx, text) {
      const m = TICKET.exec(text);
      const ws = normalise(text).tokens;
      if (!m) {
        const aboutComments = has(ws, 'phan', 'anh') || has(ws, 'gop', 'y') || has(ws, 'khieu', 'nai') || ws.includes('complaint') || ws.includes('feedback');
        if (aboutComments && STATUS.some((p) => has(ws, ...p))) {
          const own = await ctx.services.store.comments.list({ contactId: ctx.contact.id, limit: 3 });
          ctx.intent = 'feedback';
          ctx.reply(own.length ? (await Promise.all(own.map((c) => statusLine(ctx, c)))).join('\n') : ctx.t('feedback.none_yet'));
          return true;
        }
        // A bare "sao rồi ạ" is about the parent's open comment when there is a recent one; else it is left to the NLU.
        const phrase = FOLLOW_UP.find((p) => has(ws, ...p));
        if (!phrase || ws.some((w) => !phrase.includes(w) && !FOLLOW_UP_FILLER.has(w))) return false;
        const since = new Date(ctx.now.getTime() - FOLLOW_UP_DAYS * 86_400_000).toISOString();
        const [last] = await ctx.services.store.comments.list({ contactId: ctx.contact.id, limit: 1 });
        if (!last || last.createdAt < since || last.status === 'resolved' || last.status === 'closed') return false;
        ctx.intent = 'feedback';
        ctx.reply(await statusLine(ctx, last));
        return true;
      }
      const code = `PA-${m[1].padStart(4, '0')}`;
      const c = await ctx.services.store.comments.getByCode(code);
      // Only the parent who wrote it may ask about it here.
      if (!c || c.contactId !== ctx.contact.id) {
        ctx.reply(ctx.t('feedback.unknown_code', { code }));
        return true;
      }
      ctx.intent = 'feedback';
      if (ws.some((w) => AMEND.includes(w)) || has(ws, 'bo', 'sung')) {
        const now = ctx.now.toISOString();
        ctx.session.form = { name: 'feedback', step: 'amend', data: { commentId: c.id, code: c.code }, startedAt: now, updatedAt: now };
        ctx.reply(ctx.t('feedback.ask_amend', { code: c.code }));
        return true;
      }
      ctx.reply(await statusLine(ctx, c));
      return true;
    },
  };
}

/** "phản ánh mới", "vắng hôm nay": for accounts linked to a staff user. */
export function staffCommandInterceptor(comments: CommentService): Interceptor {
  const commands = async (ctx: TurnContext, text: string) => {
    const t = foldDiacritics(text.toLowerCase()).replace(/[^a-z ]/g, '').trim();
    if (t !== 'phan anh moi' && t !== 'vang hom nay' && t !== 'new comments' && t !== 'absent today') return null;
    const link = await ctx.services.store.staffLinks.byConversation(conversationKey(ctx.contact.ref));
    const user = link ? await ctx.services.store.users.get(link.userId) : null;
    if (!user || user.disabled) return null;
    return { user, command: t === 'phan anh moi' || t === 'new comments' ? 'comments' : 'absences' };
  };
  return {
    name: 'staff:command',
    async run(ctx, text) {
      const found = await commands(ctx, text);
      if (!found) return false;
      const { user, command } = found;
      const { store, school } = ctx.services;
      // A viewer (the commune's official) gets counts: no comment texts, no children's names or illnesses.
      const countsOnly = user.role === 'viewer';
      if (command === 'comments') {
        const visible = (await store.comments.list({ status: 'new', limit: 50 })).filter((c) => comments.canSee(user, c));
        ctx.reply(visible.length
          ? ctx.t('staff.new_comments', { count: visible.length, list: visible.slice(0, 10).map((c) => `• ${c.code}${c.severity === 'urgent' ? ' ⚠️' : ''} ${ctx.t(`feedback.categories.${c.category}`)}${countsOnly ? '' : `: ${c.text.slice(0, 80)}`}`).join('\n') })
          : ctx.t('staff.no_new_comments'));
      } else if (countsOnly) {
        const list = await store.absences.list({ from: ctx.today, to: ctx.today });
        const byClass = new Map<string, number>();
        for (const a of list) byClass.set(a.classId, (byClass.get(a.classId) ?? 0) + 1);
        const name = (id: string) => school.get('classes').find((c) => c.id === id)?.name ?? id;
        ctx.reply(list.length
          ? ctx.t('staff.absent_today', { count: list.length, list: [...byClass].map(([id, n]) => `• ${name(id)}: ${n}`).join('\n') })
          : ctx.t('staff.no_absences'));
      } else {
        const classIds = user.role === 'staff' && user.classIds.length ? user.classIds : undefined;
        const list = await store.absences.list({ from: ctx.today, to: ctx.today, classIds });
        const name = (id: string) => school.get('classes').find((c) => c.id === id)?.name ?? id;
        ctx.reply(list.length
          ? ctx.t('staff.absent_today', { count: list.length, list: list.map((a) => `• ${a.childName} (${name(a.classId)})${a.reason ? `: ${a.reason}` : ''}`).join('\n') })
          : ctx.t('staff.no_absences'));
      }
      return true;
    },
  };
}
