// "cháu ốm, cho cháu ở nhà 1 hôm nhé cô": the child's name, the class, the day(s) resolved against
// the school calendar, the reason, then a review the parent can correct before it is sent; the
// class's teachers are told on their own chat accounts. What the parent says is taken where it
// fits, whatever the step: "thứ 5 mới đúng" at the review changes the day, not the name.
import { chosenClass, messageParts, type FormDefinition, type TurnContext } from '../../core/turn.ts';
import type { QuickReply } from '../../core/messages.ts';
import { addDays, formatDate, formatShortDate, type IsoDate } from '../../core/dates.ts';
import { asksQuestion, contentWords, mayCorrect, skipsAnswer, yesOrNo } from '../../core/form-answers.ts';
import { foldDiacritics, normalise } from '../../nlu/normalise.ts';
import { extractDate } from '../../nlu/entities.ts';
import { pick } from '../school-info/format.ts';
import { dayStatus } from '../school-info/calendar-service.ts';
import type { StaffNotifier } from '../staff/staff-notifier.ts';

/** The buttons each step offers (their payloads' second part); the review offers both its own. */
const ABSENCE_BUTTONS: Record<string, string[]> = { days: ['day'], confirm: ['confirm', 'edit'], edit: ['confirm', 'edit'] };

type AbsenceData = { childName?: string; classId?: string; from?: IsoDate; to?: IsoDate; reason?: string | null; skipped?: string };
type Field = 'child' | 'class' | 'days' | 'reason';

const MAX_DAYS = 31;
const MAX_REASON = 300;

// What makes a child stay home, for telling the reason apart from the rest of the message.
const REASON = /\b(om|sot|bi ho|ho sot|ho nhieu|bi dau|dau bung|dau dau|dau hong|dau rang|dau mat|benh|viem|tieu chay|bi non|non oi|kham|tiem|co viec|viec gia dinh|viec nha|ve que|du lich|dam cuoi|dam gio|dam hieu|nha co|thuy dau|tay chan mieng|cum|sick|ill|fever|cough|cold|flu|doctor|dentist|vaccin\w*|travel|trip|family|wedding|funeral|appointment|holiday)\b/;
const NUMBER_WORDS: Record<string, number> = { mot: 1, hai: 2, ba: 3, bon: 4, tu: 4, nam: 5, sau: 6, bay: 7, tam: 8, chin: 9, muoi: 10, one: 1, two: 2, three: 3, four: 4, five: 5 };

/** "3 ngày", "hai hôm", "2 days": how many school days, if the message says. */
function dayCount(text: string): number | null {
  const ws = normalise(text).tokens;
  for (let i = 1; i < ws.length; i++) {
    if (!['ngay', 'hom', 'buoi', 'day', 'days'].includes(ws[i])) continue;
    const n = /^\d{1,2}$/.test(ws[i - 1]) ? Number(ws[i - 1]) : NUMBER_WORDS[ws[i - 1]];
    if (n && n <= MAX_DAYS) return n;
  }
  return null;
}

/** The part of a message that gives the reason ("vì bé bị sốt"), not the whole message. */
export function reasonOf(text: string): string | null {
  const clauses = text.split(/[,.;!?\n]+|\s+(?=(?:vì|vi|do|tại|because|since)\s)/iu).map((c) => c.trim()).filter(Boolean);
  const clause = clauses.find((c) => REASON.test(foldDiacritics(c.toLowerCase())));
  if (!clause) return null;
  let reason = clause.replace(/^(vì|vi|do|tại|tai|because|since|là|la)\s+/iu, '');
  // "my son is sick today" → "sick", "cháu nhà em bị ho ạ" → "bị ho": who and when are said elsewhere.
  reason = reason.replace(REASON_SUBJECT, '');
  for (let before = ''; before !== reason; ) { before = reason; reason = reason.replace(REASON_TAIL, ''); }
  return reason.slice(0, MAX_REASON).trim() || null;
}
const REASON_SUBJECT = /^((my|our)\s+(son|daughter|child|kid|boy|girl|little one)|he|she|(con|cháu|chau|bé|be)(\s+(nhà|nha)\s+(em|e|mình|minh|tôi|toi))?(\s+(em|e))?)(\s*'s|\s+(has got|will be|is|has|was|got|đang|dang))?\s+/iu;
// Written with their marks only: "cúm A", "chị Mai" keep their last word.
const REASON_TAIL = /\s+(today|tomorrow|this morning|this week|since yesterday|hôm nay|hom nay|ngày mai|ngay mai|từ hôm qua|tu hom qua|hôm qua|hom qua|tuần này|tuan nay|nha|nhé|nhe|ạ|cô|ơi|oi|ah)$/iu;

export function absenceForm(staff: StaffNotifier): FormDefinition {
  const classReplies = (ctx: TurnContext): QuickReply[] =>
    ctx.services.school.get('classes').map((c) => ({ title: c.name, payload: `absence:class:${c.id}` }));
  const className = (ctx: TurnContext, id: string) => ctx.services.school.get('classes').find((c) => c.id === id)?.name ?? id;
  const daysLabel = (from: IsoDate, to: IsoDate, locale: 'vi' | 'en') =>
    from === to ? formatDate(from, locale) : `${formatShortDate(from, locale)} – ${formatShortDate(to, locale)}`;

  /** Why a day has no school: the holiday's name, the weekend, or outside the school year. */
  const noSchoolWhy = (ctx: TurnContext, date: IsoDate): string | null => {
    const status = dayStatus(ctx.services.school.get('calendar'), date);
    if (status.kind === 'school') return null;
    if (status.kind === 'holiday') return pick(status.holiday.name, ctx.locale);
    if (status.kind === 'weekend') return ctx.t('absence.weekend');
    return ctx.t('absence.outside_year');
  };

  /** The next school day from a day on (today if it is one). */
  const schoolDayFrom = (ctx: TurnContext, day: IsoDate) => {
    for (let d = day, i = 0; i < 60; d = addDays(d, 1), i++) if (!noSchoolWhy(ctx, d)) return d;
    return day;
  };

  /**
   * Takes the day(s) a message names, against the school calendar: "ok" when set, "none" when it
   * names no day, "answered" when it named days without school (said so, and asked again).
   */
  const takeDays = (ctx: TurnContext, text: string, d: AbsenceData): 'ok' | 'none' | 'answered' => {
    const entity = extractDate(text, ctx.today);
    const count = dayCount(text);
    if ((!entity || entity.kind === 'invalid') && !count) return 'none';
    let from: IsoDate = entity && entity.kind !== 'invalid' ? (entity.kind === 'day' ? entity.date : entity.from) : schoolDayFrom(ctx, ctx.today);
    let to: IsoDate = entity && entity.kind !== 'invalid' ? (entity.kind === 'day' ? entity.date : entity.to) : from;
    if (to < ctx.today) {
      ctx.reply(ctx.t('absence.past_day'));
      return 'answered';
    }
    if (from < ctx.today) from = ctx.today;
    if (count && (!entity || entity.kind === 'day')) {
      // "3 ngày" = three school days from the first one.
      let left = count;
      from = schoolDayFrom(ctx, from);
      for (to = from; ; to = addDays(to, 1)) if (!noSchoolWhy(ctx, to) && --left === 0) break;
    }
    if (addDays(from, MAX_DAYS) < to) return 'none';
    const days: IsoDate[] = [];
    const closed = new Map<string, string[]>();
    for (let day = from; day <= to; day = addDays(day, 1)) {
      const why = noSchoolWhy(ctx, day);
      if (!why) days.push(day);
      else closed.set(why, [...(closed.get(why) ?? []), formatShortDate(day, ctx.locale)]);
    }
    const closedText = [...closed].map(([why, dates]) => `${dates.join(', ')} (${why})`).join('; ');
    if (days.length === 0) {
      ctx.reply(ctx.t('absence.no_school', { days: daysLabel(from, to, ctx.locale), why: closedText }));
      return 'answered';
    }
    d.from = days[0];
    d.to = days[days.length - 1];
    const inside = [...closed].length && d.from !== d.to ? closedText : '';
    d.skipped = inside || undefined;
    return 'ok';
  };

  /**
   * Takes from a message whatever it says about the absence; `overwrite` corrects earlier answers.
   * `except` leaves one field to the step that asks for it.
   */
  const fill = (ctx: TurnContext, text: string, d: AbsenceData, overwrite: boolean, except?: Field): boolean => {
    const entities = ctx.nlu?.entities;
    let changed = false;
    if (except !== 'child' && entities?.childName && (overwrite || !d.childName) && entities.childName !== d.childName) { d.childName = entities.childName; changed = true; }
    if (except !== 'class' && entities?.classes.length === 1 && (overwrite || !d.classId) && entities.classes[0].id !== d.classId) { d.classId = entities.classes[0].id; changed = true; }
    if (except !== 'days' && (overwrite || !d.from)) {
      const before = `${d.from}|${d.to}`;
      if (takeDays(ctx, text, d) === 'ok' && `${d.from}|${d.to}` !== before) changed = true;
    }
    const reason = except === 'reason' ? null : reasonOf(text);
    if (reason && (overwrite || d.reason === undefined) && reason !== d.reason) { d.reason = reason; changed = true; }
    return changed;
  };

  /** Whether a message answers a step's own question. */
  const answers = (ctx: TurnContext, text: string, field: Field): boolean => {
    if (field === 'child') return Boolean(ctx.nlu?.entities.childName);
    if (field === 'class') return (ctx.nlu?.entities.classes.length ?? 0) > 0;
    if (field === 'days') return takeDaysWouldFind(ctx, text) && !asksQuestion(text);
    return reasonOf(text) !== null && !asksQuestion(text);
  };

  /** Whether a message names something about another field (a correction, or more at once). */
  const mentionsOther = (ctx: TurnContext, text: string, field: Field | null): boolean => {
    if (!mayCorrect(text) || asksQuestion(text)) return false;
    return (['child', 'class', 'days', 'reason'] as Field[]).some((f) => f !== field && answers(ctx, text, f));
  };

  /** Asks for the first thing still missing, or for the review. */
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
    } else if (d.reason === undefined) {
      form.step = 'reason';
      ctx.reply(ctx.t('absence.ask_reason', { child: d.childName }), (['sick', 'family', 'skip'] as const).map((r) => ({ title: ctx.t(`absence.reasons.${r}`), payload: `absence:reason:${r}` })));
    } else {
      form.step = 'confirm';
      ctx.reply(ctx.t('absence.confirm', {
        child: d.childName, class: className(ctx, d.classId), days: daysLabel(d.from, d.to!, ctx.locale),
        reason: d.reason ? ctx.t('absence.reason', { reason: d.reason }) : '',
        skipped: d.skipped ? ctx.t('absence.skipped', { days: d.skipped }) : '',
      }), [
        { title: ctx.t('absence.yes'), payload: 'absence:confirm:yes' },
        { title: ctx.t('absence.no'), payload: 'absence:confirm:no' },
      ]);
    }
  };

  const askWhatToChange = (ctx: TurnContext) => {
    ctx.session.form!.step = 'edit';
    ctx.reply(ctx.t('absence.ask_edit'), (['child', 'class', 'days', 'reason'] as Field[]).map((f) => ({ title: ctx.t(`absence.fields.${f}`), payload: `absence:edit:${f}` })));
  };

  const save = async (ctx: TurnContext, d: AbsenceData) => {
    const { store, clock, i18n } = ctx.services;
    await store.absences.create({
      createdAt: clock().toISOString(), contactId: ctx.contact.id, childName: d.childName!, classId: d.classId!,
      fromDate: d.from!, toDate: d.to!, reason: d.reason ?? null,
    });
    const cls = className(ctx, d.classId!);
    const notice = i18n.t('absence.notice', {
      lng: 'vi', child: d.childName, class: cls, days: daysLabel(d.from!, d.to!, 'vi'),
      reason: d.reason ? ` (${d.reason})` : '', parent: ctx.contact.displayName ?? ctx.contact.ref.channel,
    });
    await staff.notifyUsers(await staff.classStaff(d.classId!), notice);
    ctx.session.form = null;
    ctx.reply(ctx.t('absence.done', { class: cls, child: d.childName, days: daysLabel(d.from!, d.to!, ctx.locale), refund: ctx.services.school.get('fees').payment.refund[ctx.locale] }));
  };

  /** A child's name typed alone ("Minh Anh", "bé Na"): short, no digits, not a question. */
  const plainName = (text: string): string | null => {
    const name = text.replace(/^(bé|be|cháu|chau|con|tên|ten|tên bé|ten be|tên là|ten la|là|la)\s+/iu, '').replace(/\s*(ạ|a|nhé|nhe|ah)$/iu, '').trim();
    if (!name || name.length > 40 || /\d/.test(name) || name.split(/\s+/).length > 4 || asksQuestion(text)) return null;
    return name.replace(/(^|\s)\p{Ll}/gu, (c) => c.toUpperCase());
  };

  return {
    name: 'absence',
    idleMinutes: 30,
    // Each step takes its own buttons only: "Đúng" tapped again at the class question is stale.
    acceptsPayload: (p, step) => (ABSENCE_BUTTONS[step] ?? [step]).some((b) => p.startsWith(`absence:${b}:`)),
    start(ctx) {
      const now = ctx.now.toISOString();
      ctx.session.form = { name: 'absence', step: 'child', data: {}, startedAt: now, updatedAt: now };
      const { text } = messageParts(ctx);
      const d = ctx.session.form.data as AbsenceData;
      fill(ctx, text, d, false);
      next(ctx);
    },
    ask: next,
    understands(ctx) {
      const text = ctx.nlu?.text ?? '';
      const step = ctx.session.form?.step;
      if (step === 'confirm' || step === 'edit') return yesOrNo(text) !== null || mentionsOther(ctx, text, null);
      const field = step as Field;
      return answers(ctx, text, field) || mentionsOther(ctx, text, field);
    },
    async step(ctx) {
      const form = ctx.session.form!;
      const d = form.data as AbsenceData;
      const { text, payload } = messageParts(ctx);
      if (payload.startsWith('absence:edit:')) {
        const field = payload.slice(13) as Field;
        if (field === 'child') delete d.childName;
        if (field === 'class') delete d.classId;
        if (field === 'days') { delete d.from; delete d.to; delete d.skipped; }
        if (field === 'reason') delete d.reason;
        return next(ctx);
      }
      // "à em nhầm, thứ 3 tuần sau chứ ạ" while the name is asked: the day is corrected, the name still asked.
      const field = ['child', 'class', 'days', 'reason'].includes(form.step) ? form.step as Field : null;
      if (field && text && mentionsOther(ctx, text, field) && fill(ctx, text, d, true, field) && !answers(ctx, text, field)) {
        ctx.reply(ctx.t('absence.corrected'));
        return next(ctx);
      }
      switch (form.step) {
        case 'child': {
          const name = ctx.nlu?.entities.childName ?? plainName(text);
          if (!name) return next(ctx);
          d.childName = name;
          fill(ctx, text, d, false);
          return next(ctx);
        }
        case 'class': {
          const id = chosenClass(ctx, payload, 'absence:class:');
          if (!id) {
            if (fill(ctx, text, d, false)) return next(ctx);
            ctx.reply(ctx.t('absence.unknown_class', { text: text || payload }), classReplies(ctx));
            return;
          }
          d.classId = id;
          fill(ctx, text, d, false);
          return next(ctx);
        }
        case 'days': {
          if (payload === 'absence:day:today' || payload === 'absence:day:tomorrow') {
            const day = payload.endsWith('today') ? ctx.today : addDays(ctx.today, 1);
            const why = noSchoolWhy(ctx, day);
            if (why) {
              ctx.reply(ctx.t('absence.no_school', { days: formatDate(day, ctx.locale), why }));
              return;
            }
            d.from = d.to = day;
            return next(ctx);
          }
          const taken = takeDays(ctx, text, d);
          if (taken === 'none') ctx.reply(ctx.t('absence.bad_day'));
          if (taken !== 'ok') return;
          const reason = reasonOf(text);
          if (reason && d.reason === undefined) d.reason = reason;
          return next(ctx);
        }
        case 'reason': {
          if (payload.startsWith('absence:reason:')) {
            const r = payload.slice(15);
            d.reason = r === 'skip' ? null : ctx.t(`absence.reasons.${r}`);
            return next(ctx);
          }
          if (skipsAnswer(text)) {
            d.reason = null;
            return next(ctx);
          }
          // "vâng", "ok ạ" after "em đã sửa lại" agree with what was said: they are no reason. Asked again, with the buttons.
          if (yesOrNo(text) === 'yes' && reasonOf(text) === null) return next(ctx);
          const reason = reasonOf(text);
          // "à nhầm, thứ 5 cơ": a correction of the day, not a reason.
          if (!reason && fill(ctx, text, d, true)) {
            ctx.reply(ctx.t('absence.corrected'));
            return next(ctx);
          }
          d.reason = reason ?? text.trim().slice(0, MAX_REASON);
          return next(ctx);
        }
        case 'edit':
        case 'confirm': {
          const answer = payload === 'absence:confirm:yes' ? 'yes' : payload === 'absence:confirm:no' ? 'no' : yesOrNo(text);
          if (answer === 'yes') return save(ctx, d);
          if (fill(ctx, text, d, true)) {
            ctx.reply(ctx.t('absence.corrected'));
            return next(ctx);
          }
          if (answer === 'no' || contentWords(text) <= 3) return askWhatToChange(ctx);
          ctx.reply(ctx.t('absence.confirm_hint'));
          return next(ctx);
        }
      }
    },
  };

  /** Whether a message names a day or a number of days (without replying anything). */
  function takeDaysWouldFind(ctx: TurnContext, text: string): boolean {
    const entity = extractDate(text, ctx.today);
    return (entity !== null && entity.kind !== 'invalid') || dayCount(text) !== null;
  }
}
