// Handlers that depend on the day asked about: menu, calendar, events.
import type { Handler, TurnContext } from '../../core/turn.ts';
import { addDays, formatDate, formatDayInWeek, formatShortDate, type IsoDate } from '../../core/dates.ts';
import type { DateEntity } from '../../nlu/entities.ts';
import { pick } from './format.ts';
import { dayStatus, mealsBetween, menuFor, namedPeriod, upcomingEvents, upcomingHolidays, currentTerm } from './calendar-service.ts';

const dateOf = (ctx: TurnContext): DateEntity | null => ctx.nlu?.entities.date ?? null;

function invalidDate(ctx: TurnContext, entity: DateEntity | null): boolean {
  if (entity?.kind !== 'invalid') return false;
  ctx.reply(ctx.t('calendar.invalid_date', { text: entity.text }));
  return true;
}

export const menu: Handler = (ctx) => {
  const entity = dateOf(ctx);
  if (invalidDate(ctx, entity)) return;
  const { menus, calendar } = { menus: ctx.services.school.get('menus'), calendar: ctx.services.school.get('calendar') };
  const L = ctx.locale;
  const phone = ctx.services.school.get('profile').phone;

  if (entity?.kind === 'range') {
    // A month of menus is too long for chat: its next seven days (from today in the current month).
    const from = entity.unit === 'month' && entity.from < ctx.today ? ctx.today : entity.from;
    const to = entity.unit === 'month' ? [addDays(from, 6), entity.to].sort()[0] : entity.to;
    const lines = mealsBetween({ calendar, menus }, from, to)
      .map(({ date, meal }) => ctx.t('menu.week_line', {
        day: formatDayInWeek(date, L), lunch: pick(meal.lunch, L),
        snack: meal.snack ? ctx.t('menu.week_snack', { snack: pick(meal.snack, L) }) : '',
      }));
    if (lines.length === 0) {
      ctx.reply(ctx.t('menu.not_published', { date: `${formatShortDate(from, L)} – ${formatShortDate(to, L)}`, phone }));
      ctx.unanswered = true;
      return;
    }
    ctx.reply([ctx.t('menu.week_header', { from: formatShortDate(from, L), to: formatShortDate(to, L) }), ...lines].join('\n'));
    return;
  }

  const date: IsoDate = entity?.kind === 'day' ? entity.date : ctx.today;
  const status = dayStatus(calendar, date);
  if (status.kind === 'weekend' || status.kind === 'holiday') {
    const reason = status.kind === 'holiday' ? pick(status.holiday.name, L) : ctx.t('menu.weekend');
    ctx.reply(ctx.t('menu.no_school', { date: formatDate(date, L), reason }));
    return;
  }
  const meal = menuFor(menus, date);
  if (!meal || status.kind === 'outside_year') {
    ctx.reply(ctx.t('menu.not_published', { date: formatDate(date, L), phone }));
    ctx.unanswered = true;
    return;
  }
  ctx.reply(ctx.t('menu.day', {
    date: formatDate(date, L), lunch: pick(meal.lunch, L),
    snack: meal.snack ? ctx.t('menu.snack', { snack: pick(meal.snack, L) }) : '',
  }));
};

export const calendar: Handler = (ctx) => {
  const entity = dateOf(ctx);
  if (invalidDate(ctx, entity)) return;
  const cal = ctx.services.school.get('calendar');
  const L = ctx.locale;
  const fmt = (d: IsoDate) => formatShortDate(d, L);

  const holidayList = () => {
    const next = upcomingHolidays(cal, ctx.today);
    if (next.length === 0) return ctx.t('calendar.no_more_holidays', { year: cal.schoolYear.name });
    return ctx.t('calendar.next_holidays', {
      list: next.map((h) => ctx.t(h.from === h.to ? 'calendar.holiday_day' : 'calendar.holiday_line', { name: pick(h.name, L), from: formatDate(h.from, L), to: formatDate(h.to, L) })).join('\n'),
    });
  };

  if (entity?.kind === 'day') {
    const status = dayStatus(cal, entity.date);
    const date = formatDate(entity.date, L);
    switch (status.kind) {
      case 'school': ctx.reply(ctx.t('calendar.school_day', { date })); break;
      case 'holiday': ctx.reply(ctx.t('calendar.holiday', { date, name: pick(status.holiday.name, L), from: fmt(status.holiday.from), to: fmt(status.holiday.to) })); break;
      case 'weekend': ctx.reply(ctx.t('calendar.weekend', { date, saturday: pick(ctx.services.school.get('profile').hours.saturday, L) })); break;
      case 'outside_year': ctx.reply(ctx.t('calendar.outside_year', { date, year: cal.schoolYear.name, start: formatDate(cal.schoolYear.start, L), end: formatDate(cal.schoolYear.end, L) })); break;
    }
    return;
  }
  // "bao giờ nghỉ hè", "khi nào học kỳ 2 bắt đầu": that period, not the list.
  const period = namedPeriod(cal, ctx.nlu?.text ?? '');
  if (period) {
    ctx.reply(ctx.t(period.kind === 'term' ? 'calendar.term_dates' : 'calendar.holiday_dates', {
      name: pick(period.name, L), from: formatDate(period.from, L), to: formatDate(period.to, L),
    }));
    return;
  }
  const term = currentTerm(cal, ctx.today);
  const termLine = term ? ctx.t('calendar.term', { term: pick(term.name, L), start: fmt(term.start), end: fmt(term.end), end_year: formatDate(cal.schoolYear.end, L) }) : '';
  ctx.reply([holidayList(), termLine].filter(Boolean).join('\n'));
};

export const events: Handler = (ctx) => {
  const entity = dateOf(ctx);
  if (invalidDate(ctx, entity)) return;
  const cal = ctx.services.school.get('calendar');
  const L = ctx.locale;
  const line = (e: { date: string; name: { vi: string; en: string } }) => ctx.t('events.line', { date: formatDate(e.date, L), name: pick(e.name, L) });

  if (entity && entity.kind !== 'invalid') {
    const from = entity.kind === 'day' ? entity.date : entity.from;
    const to = entity.kind === 'day' ? entity.date : entity.to;
    const label = entity.kind === 'day' ? formatDate(from, L) : `${formatShortDate(from, L)} – ${formatShortDate(to, L)}`;
    const found = upcomingEvents(cal, from, to, 10);
    ctx.reply(found.length ? ctx.t('events.in_range', { label, list: found.map(line).join('\n') }) : ctx.t('events.none_in_range', { label }));
    return;
  }
  const next = upcomingEvents(cal, ctx.today, null, 5);
  if (next.length === 0) {
    ctx.reply(ctx.t('events.none'));
    return;
  }
  ctx.reply(`${ctx.t('events.upcoming', { list: next.map(line).join('\n') })}\n${ctx.t('events.subscribe_hint')}`);
};
