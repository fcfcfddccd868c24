// The short conversation behind "tôi muốn góp ý": what happened (or taken from the first message),
// the topic (its own guess first), anonymity, the class, then a review before the ticket code.
// Nothing the parent writes is dropped: a description sent while another question waits is added
// to the comment's text. Safety reports never reach this form (features/safety takes them first).
import { chosenClass, messageParts, type FormDefinition, type TurnContext } from '../../core/turn.ts';
import type { QuickReply } from '../../core/messages.ts';
import { asksQuestion, contentWords, leavesForm, mayCorrect, yesOrNo } from '../../core/form-answers.ts';
import { foldDiacritics, normalise } from '../../nlu/normalise.ts';
import { analyseComment, CATEGORIES, rankCategories, type Category } from './comment-analysis.ts';
import type { CommentService } from './comment-service.ts';

/** The buttons each step offers (their payloads' second part). */
const FEEDBACK_BUTTONS: Record<string, string> = { category: 'cat', anonymous: 'anon', class: 'class', confirm: 'confirm' };

type FeedbackData = { text?: string; category?: Category; anonymous?: boolean; classId?: string | null; commentId?: number; code?: string };

// The words of "tôi muốn phản ánh với nhà trường", "I'd like to make a complaint": the wish to
// comment. A first message made only of these is an opener, and the comment itself comes next.
const OPENER_WORDS = new Set(['toi', 'em', 'minh', 'chi', 'anh', 'bo', 'me', 'phu', 'huynh', 'muon', 'can', 'xin', 'duoc', 'co', 'y', 'kien', 'gop', 'phan',
  'anh', 'khieu', 'nai', 'hoi', 'gui', 'voi', 'cho', 'nha', 'truong', 'ban', 'giam', 'hieu', 'mot', 'chut', 'viec', 'chuyen', 'nay', 'a', 'nhe', 'oi',
  'chi', 'thay', 'i', 'd', 'would', 'like', 'to', 'want', 'make', 'a', 'an', 'file', 'give', 'send', 'leave', 'have', 'complaint', 'complain', 'feedback',
  'suggestion', 'comment', 'report', 'about', 'something', 'the', 'school', 'please', 'some', 'de', 'xuat', 'nghi', 'lam', 'sao', 've', 'lop', 'class']);

/** An opener, once the class it names is set aside ("tôi muốn góp ý về lớp Lá A1"). */
function isOpener(ctx: TurnContext, text: string): boolean {
  const classWords = new Set((ctx.nlu?.entities.classes ?? []).flatMap((c) => normalise(c.name).tokens));
  return normalise(text).tokens.filter((w) => !OPENER_WORDS.has(w) && !classWords.has(w)).length < 2;
}

export function feedbackForm(comments: CommentService): FormDefinition {
  const classReplies = (ctx: TurnContext): QuickReply[] => [
    ...ctx.services.school.get('classes').map((c) => ({ title: c.name, payload: `feedback:class:${c.id}` })),
    { title: ctx.t('feedback.no_class'), payload: 'feedback:class:none' },
  ];
  const anonymityReplies = (ctx: TurnContext): QuickReply[] => [
    { title: ctx.t('feedback.anon_no'), payload: 'feedback:anon:no' },
    { title: ctx.t('feedback.anon_yes'), payload: 'feedback:anon:yes' },
  ];

  const askCategory = (ctx: TurnContext, text: string) => {
    const guess = analyseComment(text).category;
    const order = [guess, ...rankCategories(text).filter((c) => c !== guess)];
    ctx.reply(ctx.t('feedback.ask_category', { guess: ctx.t(`feedback.categories.${guess}`) }),
      order.map((c) => ({ title: ctx.t(`feedback.categories.${c}`), payload: `feedback:cat:${c}` })));
  };

  /** Asks for the first thing still missing, or for the review. */
  const next = (ctx: TurnContext) => {
    const form = ctx.session.form!;
    const d = form.data as FeedbackData;
    if (form.step === 'amend') {
      ctx.reply(ctx.t('feedback.ask_amend', { code: d.code }));
    } else if (!d.text) {
      form.step = 'text';
      ctx.reply(ctx.t('feedback.ask_text'));
    } else if (!d.category) {
      form.step = 'category';
      askCategory(ctx, d.text);
    } else if (d.anonymous === undefined) {
      form.step = 'anonymous';
      ctx.reply(ctx.t('feedback.ask_anonymous'), anonymityReplies(ctx));
    } else if (d.classId === undefined) {
      form.step = 'class';
      ctx.reply(ctx.t('feedback.ask_class'), classReplies(ctx));
    } else {
      form.step = 'confirm';
      const cls = d.classId ? ctx.services.school.get('classes').find((c) => c.id === d.classId)?.name : ctx.t('feedback.no_class');
      ctx.reply(ctx.t('feedback.confirm', {
        text: d.text.length > 300 ? `${d.text.slice(0, 300)}…` : d.text, category: ctx.t(`feedback.categories.${d.category}`),
        anonymous: ctx.t(d.anonymous ? 'feedback.anon_yes' : 'feedback.anon_no'), class: cls,
      }), [
        { title: ctx.t('feedback.send'), payload: 'feedback:confirm:yes' },
        { title: ctx.t('feedback.edit_text'), payload: 'feedback:confirm:edit' },
      ]);
    }
  };

  const submit = async (ctx: TurnContext, d: FeedbackData) => {
    const c = await comments.submit({
      text: d.text!, category: d.category, anonymous: d.anonymous ?? false, classId: d.classId ?? null,
      contactId: ctx.contact.id, ref: ctx.contact.ref, displayName: ctx.contact.displayName,
    });
    ctx.session.form = null;
    const phone = ctx.services.school.get('profile').phone;
    ctx.reply(c.severity === 'urgent'
      ? ctx.t('feedback.thanks_urgent', { code: c.code, phone })
      : ctx.t('feedback.thanks', { code: c.code, target: ctx.t('feedback.target_normal') }));
  };

  /** More words from the parent while another question waits: kept, never dropped. */
  const addDetail = (ctx: TurnContext, d: FeedbackData, text: string) => {
    d.text = d.text ? `${d.text}\n${text}` : text;
    ctx.reply(ctx.t('feedback.detail_added'));
  };

  /** "Không theo lớp" (the button's words typed), "không": the comment is about no one class. */
  const saysNoClass = (ctx: TurnContext, text: string) =>
    foldDiacritics(text.toLowerCase()).trim() === foldDiacritics(ctx.t('feedback.no_class').toLowerCase()) || yesOrNo(text) === 'no';

  /** "về bữa ăn", "vệ sinh": a category named in words. */
  const namedCategory = (ctx: TurnContext, text: string): Category | null => {
    const folded = foldDiacritics(text.toLowerCase()).trim();
    if (folded.length < 3) return null;
    return CATEGORIES.find((c) => {
      const name = foldDiacritics(ctx.t(`feedback.categories.${c}`).toLowerCase());
      return name.startsWith(folded) || folded.includes(name) || folded.replace(/^(ve|nhom|chu de|about)\s+/, '') === name.split(',')[0];
    }) ?? null;
  };

  /** Changes to earlier answers that a message makes (a class, anonymity, a topic), outside their own step. */
  const corrections = (ctx: TurnContext, text: string, step: string): ((d: FeedbackData) => void)[] => {
    if (step === 'amend' || !mayCorrect(text)) return [];
    const fixes: ((d: FeedbackData) => void)[] = [];
    const classes = ctx.nlu?.entities.classes ?? [];
    if (step !== 'class' && classes.length === 1) fixes.push((d) => { d.classId = classes[0].id; });
    const words = normalise(text).tokens;
    if (step !== 'anonymous' && words.includes('an') && words.includes('danh')) fixes.push((d) => { d.anonymous = !words.includes('khong'); });
    const category = step === 'category' ? null : namedCategory(ctx, text);
    if (category) fixes.push((d) => { d.category = category; });
    return fixes;
  };

  return {
    name: 'feedback',
    idleMinutes: 30,
    // Each step takes its own buttons only: "Gửi" tapped again at the class question is stale.
    acceptsPayload: (p, step) => p.startsWith(`feedback:${FEEDBACK_BUTTONS[step] ?? step}:`),
    async start(ctx) {
      const now = ctx.now.toISOString();
      ctx.session.form = { name: 'feedback', step: 'text', data: {}, startedAt: now, updatedAt: now };
      const { text } = messageParts(ctx);
      // "tôi muốn phản ánh nhà vệ sinh bẩn quá" already says it; "tôi muốn góp ý" only asks to.
      const d = ctx.session.form.data as FeedbackData;
      const classes = ctx.nlu?.entities.classes ?? [];
      if (!isOpener(ctx, text)) d.text = text.trim();
      else if (classes.length === 1) d.classId = classes[0].id; // "góp ý về lớp Lá A1": the class is said
      next(ctx);
    },
    ask: next,
    understands(ctx) {
      const step = ctx.session.form?.step;
      const text = ctx.nlu?.text ?? '';
      if (asksQuestion(text)) return false;
      if (step === 'text' || step === 'amend') return !leavesForm(text) && contentWords(text) >= 3;
      if (step === 'anonymous' || step === 'confirm') return yesOrNo(text) !== null || corrections(ctx, text, step).length > 0;
      if (step === 'class') return (ctx.nlu?.entities.classes.length ?? 0) > 0 || saysNoClass(ctx, text) || corrections(ctx, text, step).length > 0;
      if (step === 'category') return namedCategory(ctx, text) !== null || yesOrNo(text) === 'yes' || corrections(ctx, text, step).length > 0;
      return false;
    },
    async step(ctx) {
      const form = ctx.session.form!;
      const d = form.data as FeedbackData;
      const { text, payload } = messageParts(ctx);
      // "à em nhầm, lớp Lá A2 ạ" while another question waits: the earlier answer is corrected.
      const fixes = text ? corrections(ctx, text, form.step) : [];
      if (fixes.length) {
        for (const fix of fixes) fix(d);
        ctx.reply(ctx.t('absence.corrected'));
        return next(ctx);
      }
      switch (form.step) {
        case 'amend': {
          const c = d.commentId ? await ctx.services.store.comments.get(d.commentId) : null;
          ctx.session.form = null;
          if (!c || !text) return;
          await comments.addDetail(c, text);
          ctx.reply(ctx.t('feedback.amended', { code: c.code }));
          return;
        }
        case 'text':
          if (contentWords(text) < 3 || isOpener(ctx, text)) {
            ctx.reply(ctx.t('feedback.too_short'));
            return;
          }
          d.text = text;
          return next(ctx);
        case 'category': {
          const fromPayload = payload.startsWith('feedback:cat:') ? payload.slice(13) as Category : null;
          const category = fromPayload && CATEGORIES.includes(fromPayload) ? fromPayload : namedCategory(ctx, text);
          if (category) d.category = category;
          // "đúng rồi", "ok" to "em hiểu đây là góp ý về «…»": the guess it was asked about.
          else if (!payload && yesOrNo(text) === 'yes') d.category = analyseComment(d.text!).category;
          else if (contentWords(text) >= 4) addDetail(ctx, d, text);
          return next(ctx);
        }
        case 'anonymous': {
          const answer = payload === 'feedback:anon:yes' ? 'yes' : payload === 'feedback:anon:no' ? 'no' : yesOrNo(text);
          const words = normalise(text).tokens;
          if (answer) d.anonymous = answer === 'yes';
          else if (words.includes('danh') && words.length <= 4) d.anonymous = !words.includes('khong'); // "ẩn danh", "không ẩn danh"
          else if (contentWords(text) >= 4) addDetail(ctx, d, text);
          return next(ctx);
        }
        case 'class': {
          if (payload === 'feedback:class:none' || saysNoClass(ctx, text)) d.classId = null;
          else {
            const classId = chosenClass(ctx, payload, 'feedback:class:');
            if (classId) d.classId = classId;
            else if (contentWords(text) >= 4) addDetail(ctx, d, text);
            else {
              ctx.reply(ctx.t('absence.unknown_class', { text: text || payload }), classReplies(ctx));
              return;
            }
          }
          return next(ctx);
        }
        case 'confirm': {
          if (payload === 'feedback:confirm:edit') delete d.text;
          if (payload === 'feedback:confirm:category') delete d.category;
          if (payload === 'feedback:confirm:edit' || payload === 'feedback:confirm:category') return next(ctx);
          const answer = payload === 'feedback:confirm:yes' ? 'yes' : yesOrNo(text);
          if (answer === 'yes') return submit(ctx, d);
          if (answer === 'no') {
            ctx.reply(ctx.t('feedback.ask_edit'), [
              { title: ctx.t('feedback.edit_text'), payload: 'feedback:confirm:edit' },
              { title: ctx.t('feedback.edit_category'), payload: 'feedback:confirm:category' },
            ]);
            return;
          }
          if (contentWords(text) >= 4) addDetail(ctx, d, text);
          return next(ctx);
        }
      }
    },
  };
}
