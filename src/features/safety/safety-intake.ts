// What happens when a parent reports that a child is hurt, missing or in danger, whatever they were
// doing: it is recorded at once as an urgent comment with what the conversation already holds
// (the class, the child, what they had written), the principal and admins are alerted, the parent
// is told so with the school's phone number, and a form in progress is set aside, never completed
// with guessed answers. A second message about the same emergency is added to the same ticket.
import type { Interceptor, TurnContext } from '../../core/turn.ts';
import { MAX_TEXT_LENGTH, RESUME_PAYLOAD } from '../../core/bot.ts';
import type { CommentService } from '../comments/comment-service.ts';
import { extractChildName, extractClasses } from '../../nlu/entities.ts';
import { detectSafetyReport, safetyModel } from './safety-model.ts';

/** Messages within this time of an open urgent ticket are taken as more about the same emergency. */
const SAME_EMERGENCY_MS = 2 * 60 * 60 * 1000;

/** What a form in progress already knows that the staff need: the class, the child, earlier words. */
function heldByForm(ctx: TurnContext, text: string): { classId: string | null; childName: string | null; earlier: string | null } {
  const form = ctx.session.form;
  const data = (form?.data ?? {}) as { classId?: string; childName?: string; text?: string };
  const named = extractClasses(text, ctx.services.school.get('classes'));
  return {
    classId: data.classId ?? (named.length === 1 ? named[0].id : null),
    childName: data.childName ?? extractChildName(text),
    earlier: form?.name === 'feedback' && data.text ? data.text : null,
  };
}

/** Intents whose messages name symptoms as a matter of course: an absence's reason, a health question. */
const SYMPTOMS_EXPECTED = new Set(['absence', 'health']);
const SURE = 0.5;

/** Whether the message is an absence request or a health question (only asked when the model alone would raise it). */
function sickLeaveOrHealth(ctx: TurnContext, text: string): boolean {
  if (ctx.session.form?.name === 'absence') return true;
  const nlu = ctx.services.nlu.parse(text.slice(0, MAX_TEXT_LENGTH), {
    today: ctx.today, classes: ctx.services.school.get('classes'), rememberedLanguage: ctx.session.locale,
  });
  return !nlu.rejected && SYMPTOMS_EXPECTED.has(nlu.intent) && nlu.confidence >= SURE;
}

export function safetyInterceptor(comments: CommentService): Interceptor {
  safetyModel(); // trained at start, not in the first parent's turn
  return {
    name: 'safety',
    always: true,
    async run(ctx, text) {
      const report = detectSafetyReport(text, undefined, undefined, () => sickLeaveOrHealth(ctx, text));
      // The model alone, in the middle of a comment: the comment goes on, and is filed urgent (see
      // analyseComment), rather than a complaint about cold rice being set aside as an emergency.
      if (!report || (report.evidence === 'model' && ctx.session.form?.name === 'feedback')) return false;
      ctx.intent = 'feedback';
      const phone = ctx.services.school.get('profile').phone;
      const since = new Date(ctx.now.getTime() - SAME_EMERGENCY_MS).toISOString();
      const open = await comments.recentUrgentFrom(ctx.contact.id, since);
      let code: string;
      if (open) {
        code = (await comments.addDetail(open, text, true)).code;
        ctx.reply(ctx.t('safety.added', { code, phone }));
      } else {
        const held = heldByForm(ctx, text);
        const c = await comments.submit({
          text: [held.earlier, held.childName ? ctx.t('safety.child_line', { child: held.childName }) : null, text].filter(Boolean).join('\n'),
          category: report.kind === 'violence' && report.byAdult ? 'teacher_conduct' : 'safety',
          anonymous: false, classId: held.classId, contactId: ctx.contact.id, ref: ctx.contact.ref, displayName: ctx.contact.displayName, urgent: true,
        });
        code = c.code;
        ctx.reply(ctx.t('safety.recorded', { code, phone }));
      }
      ctx.services.logger.warn({ comment: code, kind: report.kind, conversation: ctx.session.key }, 'safety report recorded');
      // The form waits, untouched, until the parent chooses to go on with it.
      const form = ctx.session.form;
      if (form) {
        ctx.session.data.asideForm = form;
        ctx.session.form = null;
        ctx.reply(ctx.t('safety.form_aside', { form: ctx.t(`forms.names.${form.name}`) }), [
          { title: ctx.t('forms.resume', { form: ctx.t(`forms.names.${form.name}`) }), payload: RESUME_PAYLOAD },
        ]);
      }
      return true;
    },
  };
}
