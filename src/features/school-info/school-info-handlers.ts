// Answers built from the school's data through locales templates: a fee changed in school/fees.yaml
// (or through the admin API) changes every answer that mentions it.
import { schoolName, type Handler, type TurnContext } from '../../core/turn.ts';
import { formatDate } from '../../core/dates.ts';
import { formatMoney, pick } from './format.ts';
import { maskPhonesInText } from '../../logger.ts';


export const pickupHours: Handler = (ctx) => {
  const { hours } = ctx.services.school.get('profile');
  ctx.reply(ctx.t('pickup.answer', {
    days: pick(hours.days, ctx.locale), open: hours.open, dropOffUntil: hours.dropOffUntil,
    pickUpFrom: hours.pickUpFrom, close: hours.close,
    saturday: pick(hours.saturday, ctx.locale), latePickup: pick(hours.latePickup, ctx.locale),
  }));
};

export const fees: Handler = (ctx) => {
  const f = ctx.services.school.get('fees');
  const L = ctx.locale;
  const tuition = f.tuition.amount === 0
    ? ctx.t('fees.tuition_free', { note: pick(f.tuition.note, L) })
    : ctx.t('fees.tuition', { amount: formatMoney(f.tuition.amount, L), note: pick(f.tuition.note, L) });
  const items = f.items.map((i) => ctx.t('fees.item', {
    name: pick(i.name, L), amount: formatMoney(i.amount, L), per: ctx.t(`fees.per_${i.per}`),
  }) + (i.note ? ` (${pick(i.note, L)})` : '')).join('\n');
  const bank = f.payment.bank
    ? ctx.t('fees.bank', { bank: f.payment.bank.name, account: f.payment.bank.accountNumber, holder: f.payment.bank.holder, reference: pick(f.payment.bank.reference, L) })
    : '';
  // A typical month: 22 school days of meals plus the monthly items.
  const days = 22;
  const total = f.items.reduce((sum, i) => sum + (i.per === 'day' ? i.amount * days : i.per === 'month' ? i.amount : 0), f.tuition.amount);
  ctx.reply([
    ctx.t('fees.answer', {
      school: schoolName(ctx), year: f.schoolYear, tuition, items,
      deadline: pick(f.payment.deadline, L), methods: pick(f.payment.methods, L), bank, refund: pick(f.payment.refund, L),
    }),
    ctx.t('fees.month_estimate', { days, total: formatMoney(total, L) }),
  ].join('\n'));
};

const guide = (section: 'uniform' | 'health' | 'enrollment' | 'support' | 'routine') => (ctx: TurnContext) =>
  pick(ctx.services.school.get('guides')[section], ctx.locale);

export const uniform: Handler = (ctx) => ctx.reply(ctx.t('uniform.answer', { text: guide('uniform')(ctx) }));
export const dailyRoutine: Handler = (ctx) => ctx.reply(ctx.t('routine.answer', { text: guide('routine')(ctx) }));

export const health: Handler = (ctx) => {
  const nurse = ctx.services.school.get('profile').contacts.find((c) => /y tế|nurse/i.test(c.role.vi + c.role.en));
  ctx.reply(ctx.t('health.answer', { text: guide('health')(ctx), nurse: nurse ? `${nurse.name} – ${nurse.phone}` : ctx.services.school.get('profile').phone }));
};

export const enrollment: Handler = (ctx) => {
  const classes = ctx.services.school.get('classes').map((c) => `${c.name} (${pick(c.ages, ctx.locale)})`).join(', ');
  ctx.reply(ctx.t('enrollment.answer', { school: schoolName(ctx), text: guide('enrollment')(ctx), classes, phone: ctx.services.school.get('profile').phone }));
};

export const supportPolicy: Handler = (ctx) => {
  const p = ctx.services.school.get('profile');
  const accountant = p.contacts.find((c) => /kế toán|accountant/i.test(c.role.vi + c.role.en));
  ctx.reply(ctx.t('support.answer', { text: guide('support')(ctx), contact: accountant ? `${accountant.name} – ${accountant.phone}` : p.phone }));
};

export const contact: Handler = (ctx) => {
  const p = ctx.services.school.get('profile');
  const L = ctx.locale;
  // "sđt cô chủ nhiệm lớp Lá A1": the class's teachers, not the whole directory.
  const named = ctx.nlu?.entities.classes ?? [];
  if (named.length === 1) {
    const cls = ctx.services.school.get('classes').find((c) => c.id === named[0].id);
    if (cls) {
      ctx.reply(ctx.t('contact.class_teachers', { class: cls.name, teachers: cls.teachers.join(', '), phone: p.phone }));
      return;
    }
  }
  ctx.reply(ctx.t('contact.answer', {
    school: schoolName(ctx), address: p.address, phone: p.phone, email: p.email,
    zalo: p.zalo ? `\n• Zalo: ${p.zalo}` : '', fanpage: p.fanpage ? `\n• Facebook: ${p.fanpage}` : '',
    principalTitle: pick(p.principal.title, L), principal: p.principal.name, principalPhone: p.principal.phone,
    contacts: p.contacts.map((c) => ctx.t('contact.line', { role: pick(c.role, L), name: c.name, phone: c.phone })).join('\n'),
    officeHours: pick(p.officeHours, L),
  }));
};

export const humanAgent: Handler = async (ctx) => {
  const p = ctx.services.school.get('profile');
  // On the web chat the answer waits for the parent's page: said so, with how long.
  const web = ctx.event.ref.channel === 'webchat';
  ctx.reply(ctx.t(web ? 'human.answer_webchat' : 'human.answer', { phone: p.phone, officeHours: pick(p.officeHours, ctx.locale), hours: ctx.services.config.WEBCHAT_DELIVERY_TTL_HOURS }));
  await ctx.services.notifyStaff?.(`Phụ huynh ${ctx.contact.displayName ?? ctx.contact.id} (${ctx.contact.ref.channel}) muốn gặp cán bộ trường: «${maskPhonesInText(ctx.nlu?.text ?? '').replace(/»/g, '"')}»`, { contactId: ctx.contact.id });
};

