// The short conversation behind "tôi muốn góp ý": what happened (or taken from the first message),
// the topic (its own guess first), anonymity, the class; then a ticket code. A comment about a
// child's safety is recorded and alerted at once, without the remaining questions.
import { chosenClass, messageParts, type FormDefinition, type TurnContext } from '../../core/turn.ts';
import type { QuickReply } from '../../core/messages.ts';
import { foldDiacritics } from '../../nlu/normalise.ts';
import { analyseComment, CATEGORIES, rankCategories, type Category } from './comment-analysis.ts';
import type { CommentService } from './comment-service.ts';

const words = (t: string) => foldDiacritics(t.toLowerCase()).replace(/[^a-z0-9 ]+/g, ' ').trim().split(/\s+/).filter(Boolean);
/** "tôi muốn góp ý", "I want to complain": the wish to comment, not the comment itself. */
const ONLY_WISH = /^(toi|em|minh|chi|anh|i)?\s*(muon|can|want to|would like to)?\s*(gui|make a|give)?\s*(gop y|phan anh|khieu nai|y kien|phan hoi|complaint|complain|feedback|suggestion|report a problem)\b/;

type FeedbackData = { text?: string; category?: Category; anonymous?: boolean };

export function feedbackForm(comments: CommentService): FormDefinition {
  const classReplies = (ctx: TurnContext): QuickReply[] => [
    ...ctx.services.school.get('classes').map((c) => ({ title: c.name, payload: `feedback:class:${c.id}` })),
    { title: ctx.t('feedback.no_class'), payload: 'feedback:class:none' },
  ];

  const askCategory = (ctx: TurnContext, text: string) => {
    const ranked = rankCategories(text);
    const guess = analyseComment(text).category;
    const order = [guess, ...ranked.filter((c) => c !== guess)];
    ctx.reply(ctx.t('feedback.ask_category', { guess: ctx.t(`feedback.categories.${guess}`) }),
      order.map((c) => ({ title: ctx.t(`feedback.categories.${c}`), payload: `feedback:cat:${c}` })));
  };

  const submit = async (ctx: TurnContext, data: FeedbackData, classId: string | null) => {
    const c = await comments.submit({
      text: data.text!, category: data.category, anonymous: data.anonymous ?? false, classId,
      contactId: ctx.contact.id, ref: ctx.contact.ref, displayName: ctx.contact.displayName,
    });
    ctx.session.form = null;
    const phone = ctx.services.school.get('profile').phone;
    ctx.reply(c.severity === 'urgent'
      ? ctx.t('feedback.thanks_urgent', { code: c.code, phone })
      : ctx.t('feedback.thanks', { code: c.code, target: ctx.t('feedback.target_normal') }));
  };

  /** Takes the comment's text; an urgent one is recorded now. Returns false if it is too thin. */
  const takeText = async (ctx: TurnContext, text: string): Promise<boolean> => {
    if (words(text).length < 3) return false;
    const data = ctx.session.form!.data as FeedbackData;
    data.text = text;
    if (analyseComment(text).severity === 'urgent') {
      const classes = ctx.nlu?.entities.classes ?? [];
      await submit(ctx, data, classes.length === 1 ? classes[0].id : null);
      return true;
    }
    ctx.session.form!.step = 'category';
    askCategory(ctx, text);
    return true;
  };

  return {
    name: 'feedback',
    idleMinutes: 30,
    acceptsPayload: (p) => p.startsWith('feedback:'),
    async start(ctx) {
      const now = ctx.now.toISOString();
      ctx.session.form = { name: 'feedback', step: 'text', data: {}, startedAt: now, updatedAt: now };
      const text = ctx.nlu?.text ?? '';
      // "tôi muốn phản ánh nhà vệ sinh bẩn quá" already says it; "tôi muốn góp ý" only asks to.
      const rest = words(text).join(' ').replace(ONLY_WISH, '').trim();
      if (rest.split(' ').filter(Boolean).length >= 3 && (await takeText(ctx, text))) return;
      ctx.reply(ctx.t('feedback.ask_text'));
    },
    async step(ctx) {
      const form = ctx.session.form!;
      const data = form.data as FeedbackData;
      const { text, payload } = messageParts(ctx);
      switch (form.step) {
        case 'text':
          if (!(await takeText(ctx, text))) ctx.reply(ctx.t('feedback.too_short'));
          return;
        case 'category': {
          const fromPayload = payload.startsWith('feedback:cat:') ? payload.slice(13) : null;
          const fromText = CATEGORIES.find((c) => foldDiacritics(ctx.t(`feedback.categories.${c}`).toLowerCase()).startsWith(foldDiacritics(text.toLowerCase())) && text.length >= 3);
          const category = (fromPayload ?? fromText) as Category | undefined;
          if (!category || !CATEGORIES.includes(category)) {
            askCategory(ctx, data.text ?? '');
            return;
          }
          data.category = category;
          form.step = 'anonymous';
          ctx.reply(ctx.t('feedback.ask_anonymous'), [
            { title: ctx.t('feedback.anon_no'), payload: 'feedback:anon:no' },
            { title: ctx.t('feedback.anon_yes'), payload: 'feedback:anon:yes' },
          ]);
          return;
        }
        case 'anonymous': {
          const t = words(text).join(' ');
          const yes = payload === 'feedback:anon:yes' || /^(co|yes|an danh|anonymous|co an danh|muon)\b/.test(t);
          const no = payload === 'feedback:anon:no' || /^(khong|no|not|ko)\b/.test(t);
          if (!yes && !no) {
            ctx.reply(ctx.t('feedback.ask_anonymous'), [
              { title: ctx.t('feedback.anon_no'), payload: 'feedback:anon:no' },
              { title: ctx.t('feedback.anon_yes'), payload: 'feedback:anon:yes' },
            ]);
            return;
          }
          data.anonymous = yes && !no;
          form.step = 'class';
          ctx.reply(ctx.t('feedback.ask_class'), classReplies(ctx));
          return;
        }
        case 'class': {
          if (payload === 'feedback:class:none' || /^(khong|none|no)\b/.test(words(text).join(' '))) return submit(ctx, data, null);
          const classId = chosenClass(ctx, payload, 'feedback:class:');
          if (!classId) {
            ctx.reply(ctx.t('absence.unknown_class', { text: text || payload }), classReplies(ctx));
            return;
          }
          return submit(ctx, data, classId);
        }
      }
    },
  };
}
