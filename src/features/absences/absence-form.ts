// "cháu ốm, cho cháu ở nhà 1 hôm nhé cô": the child's name, the class, the day(s), an optional
// reason, then a confirmation; the class's teachers are told on their own chat accounts.
import { chosenClass, messageParts, type FormDefinition, type TurnContext } from '../../core/turn.ts';
import type { QuickReply } from '../../core/messages.ts';
import { addDays, formatDate, formatShortDate } from '../../core/dates.ts';
import { foldDiacritics } from '../../nlu/normalise.ts';
import { extractDate } from '../../nlu/entities.ts';
import type { StaffNotifier } from '../staff/staff-notifier.ts';

type AbsenceData = { childName?: string; classId?: string; from?: string; to?: string; reason?: string | null };

const REASON = /\b(om|sot|ho|dau|benh|viem|tieu chay|non|kham|co viec|ve que|du lich|dam cuoi|dam hieu|sick|ill|fever|cough|cold|doctor|travel|trip|family)\b/;
const MAX_DAYS = 31;

export function absenceForm(staff: StaffNotifier): FormDefinition {
  const classReplies = (ctx: TurnContext): QuickReply[] =>
    ctx.services.school.get('classes').map((c) => ({ title: c.name, payload: `absence:class:${c.id}` }));
  const className = (ctx: TurnContext, id: string) => ctx.services.school.get('classes').find((c) => c.id === id)?.name ?? id;
  const daysText = (ctx: TurnContext, d: AbsenceData) =>
    d.from === d.to ? formatDate(d.from!, ctx.locale) : `${formatShortDate(d.from!, ctx.locale)} – ${formatShortDate(d.to!, ctx.locale)}`;

  /** Asks for the first thing still missing, or for confirmation. */
  const next = (ctx: TurnContext) => {
    const form = ctx.session.form!;
    const d = form.data as AbsenceData;
    if (!d.childName) {
      form.step = 'child';
      ctx.reply(ctx.t('absence.ask_child'));
    } else if (!d.classId) {
      form.step = 'class';
      ctx.reply(ctx.t('absence.ask_class', { child: d.childName }), classReplies(ctx));
    } else if (!d.from) {
      form.step = 'days';
      ctx.reply(ctx.t('absence.ask_days'), [
        { title: ctx.t('absence.today'), payload: 'absence:day:today' },
        { title: ctx.t('absence.tomorrow'), payload: 'absence:day:tomorrow' },
      ]);
    } else {
      form.step = 'confirm';
      ctx.reply(ctx.t('absence.confirm', {
        child: d.childName, class: className(ctx, d.classId), days: daysText(ctx, d),
        reason: d.reason ? ctx.t('absence.reason', { reason: d.reason }) : '',
      }), [
        { title: ctx.t('absence.yes'), payload: 'absence:confirm:yes' },
        { title: ctx.t('absence.no'), payload: 'absence:confirm:no' },
      ]);
    }
  };

  /** Takes the day(s) from a message; says what is wrong when it cannot. */
  const takeDays = (ctx: TurnContext, text: string, d: AbsenceData): boolean => {
    const entity = extractDate(text, ctx.today);
    if (!entity || entity.kind === 'invalid') return false;
    let from = entity.kind === 'day' ? entity.date : entity.from;
    const to = entity.kind === 'day' ? entity.date : entity.to;
    if (to < ctx.today) {
      ctx.reply(ctx.t('absence.past_day'));
      return true;
    }
    if (from < ctx.today) from = ctx.today;
    if (addDays(from, MAX_DAYS) < to) return false;
    d.from = from;
    d.to = to;
    return true;
  };

  const fill = (ctx: TurnContext, text: string, d: AbsenceData) => {
    const entities = ctx.nlu?.entities;
    if (!d.childName && entities?.childName) d.childName = entities.childName;
    if (!d.classId && entities?.classes.length === 1) d.classId = entities.classes[0].id;
    if (!d.from) {
      const entity = extractDate(text, ctx.today);
      if (entity && entity.kind !== 'invalid') takeDays(ctx, text, d);
    }
    if (d.reason === undefined && REASON.test(foldDiacritics(text.toLowerCase()))) d.reason = text.trim().slice(0, 200);
  };

  return {
    name: 'absence',
    idleMinutes: 30,
    acceptsPayload: (p) => p.startsWith('absence:'),
    start(ctx) {
      const now = ctx.now.toISOString();
      ctx.session.form = { name: 'absence', step: 'child', data: {}, startedAt: now, updatedAt: now };
      const text = ctx.nlu?.text ?? '';
      const d = ctx.session.form.data as AbsenceData;
      fill(ctx, text, d);
      // "cho cháu nghỉ 1 hôm" with no day named: today.
      if (!d.from && /\b(1|mot) (hom|ngay)\b|\bhom nay\b|\bnay\b|\btoday\b/.test(foldDiacritics(text.toLowerCase()))) d.from = d.to = ctx.today;
      next(ctx);
    },
    async step(ctx) {
      const form = ctx.session.form!;
      const d = form.data as AbsenceData;
      const { text, payload } = messageParts(ctx);
      switch (form.step) {
        case 'child': {
          const name = ctx.nlu?.entities.childName ?? text.replace(/^(bé|be|cháu|chau|con|tên|ten)\s+/i, '').trim();
          if (!name || name.length > 60) return next(ctx);
          d.childName = name;
          fill(ctx, text, d);
          return next(ctx);
        }
        case 'class': {
          const id = chosenClass(ctx, payload, 'absence:class:');
          if (!id) {
            ctx.reply(ctx.t('absence.unknown_class', { text: text || payload }), classReplies(ctx));
            return;
          }
          d.classId = id;
          return next(ctx);
        }
        case 'days': {
          if (payload === 'absence:day:today') d.from = d.to = ctx.today;
          else if (payload === 'absence:day:tomorrow') d.from = d.to = addDays(ctx.today, 1);
          else if (!takeDays(ctx, text, d)) {
            ctx.reply(ctx.t('absence.bad_day'));
            return;
          }
          if (!d.from) return; // the day had passed: asked again
          if (d.reason === undefined && REASON.test(foldDiacritics(text.toLowerCase()))) d.reason = text.slice(0, 200);
          return next(ctx);
        }
        case 'confirm': {
          const t = foldDiacritics(text.toLowerCase());
          if (payload === 'absence:confirm:no' || /^(khong|sai|sua|no)\b/.test(t)) {
            form.data = {};
            ctx.reply(ctx.t('absence.restart'));
            return next(ctx);
          }
          if (payload !== 'absence:confirm:yes' && !/^(dung|co|ok|vang|da|yes|gui)\b/.test(t)) return next(ctx);
          const { store, clock } = ctx.services;
          await store.absences.create({
            createdAt: clock().toISOString(), contactId: ctx.contact.id, childName: d.childName!, classId: d.classId!,
            fromDate: d.from!, toDate: d.to!, reason: d.reason ?? null,
          });
          const cls = className(ctx, d.classId!);
          const days = daysText(ctx, d);
          const notice = ctx.services.i18n.t('absence.notice', {
            lng: 'vi', child: d.childName, class: cls, days: d.from === d.to ? formatDate(d.from!, 'vi') : `${formatShortDate(d.from!, 'vi')} – ${formatShortDate(d.to!, 'vi')}`,
            reason: d.reason ? ` (${d.reason})` : '', parent: ctx.contact.displayName ?? ctx.contact.ref.channel,
          });
          await staff.notifyUsers(await staff.classStaff(d.classId!), notice);
          ctx.session.form = null;
          ctx.reply(ctx.t('absence.done', { class: cls, child: d.childName, days, refund: ctx.services.school.get('fees').payment.refund[ctx.locale] }));
          return;
        }
      }
    },
  };
}
