// "Huỷ báo nghỉ cho cháu Minh", "cháu khỏi rồi, mai vẫn đi học": the parent withdraws an absence
// they reported; the class's teachers are told, and the day counts as a school day again.
import type { Interceptor } from '../../core/turn.ts';
import { formatDate, formatShortDate } from '../../core/dates.ts';
import { normalise } from '../../nlu/normalise.ts';
import { extractChildName } from '../../nlu/entities.ts';
import type { StaffNotifier } from '../staff/staff-notifier.ts';

const has = (ws: string[], ...phrase: string[]) => ws.some((_, i) => phrase.every((p, k) => ws[i + k] === p));

function withdrawsAbsence(text: string): boolean {
  const ws = normalise(text).tokens;
  const aboutAbsence = ws.includes('nghi') || ws.includes('absence') || ws.includes('leave');
  const withdraw = ws.includes('huy') || ws.includes('rut') || ws.includes('cancel') || ws.includes('withdraw')
    || has(ws, 'khong', 'nghi', 'nua') || has(ws, 'van', 'di', 'hoc') || has(ws, 'di', 'hoc', 'lai') || has(ws, 'coming', 'to', 'school');
  return aboutAbsence && withdraw;
}

export function absenceWithdrawInterceptor(staff: StaffNotifier): Interceptor {
  return {
    name: 'absence:withdraw',
    async run(ctx, text) {
      if (!withdrawsAbsence(text)) return false;
      const { store, school, i18n } = ctx.services;
      ctx.intent = 'absence';
      const coming = await store.absences.ofContact(ctx.contact.id, ctx.today);
      const named = extractChildName(text)?.toLowerCase();
      const absence = coming.find((a) => !named || a.childName.toLowerCase() === named) ?? (named ? undefined : coming[0]);
      if (!absence) {
        ctx.reply(ctx.t('absence.nothing_to_withdraw'));
        return true;
      }
      await store.absences.withdraw(absence.id, ctx.now.toISOString());
      const days = (locale: 'vi' | 'en') => absence.fromDate === absence.toDate
        ? formatDate(absence.fromDate, locale) : `${formatShortDate(absence.fromDate, locale)} – ${formatShortDate(absence.toDate, locale)}`;
      const cls = school.get('classes').find((c) => c.id === absence.classId)?.name ?? absence.classId;
      await staff.notifyUsers(await staff.classStaff(absence.classId), i18n.t('absence.withdrawn_notice', { lng: 'vi', child: absence.childName, class: cls, days: days('vi') }));
      ctx.reply(ctx.t('absence.withdrawn', { child: absence.childName, days: days(ctx.locale) }));
      return true;
    },
  };
}
