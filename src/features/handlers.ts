// The named handlers intents can point at (intents/*.yaml "handler:").
import type { Handler } from '../core/turn.ts';
import * as info from './school-info/school-info-handlers.ts';
import * as dated from './school-info/date-handlers.ts';

/** Conversations that later features own; until they are wired the bot says so honestly. */
const notAvailableYet: Handler = (ctx) => {
  ctx.reply(ctx.t('answers.not_available_yet', { phone: ctx.services.school.get('profile').phone }));
};

export function schoolInfoHandlers(): Record<string, Handler> {
  return {
    pickup_hours: info.pickupHours,
    fees: info.fees,
    enrollment: info.enrollment,
    contact: info.contact,
    health: info.health,
    uniform: info.uniform,
    daily_routine: info.dailyRoutine,
    support_policy: info.supportPolicy,
    human_agent: info.humanAgent,
    menu: dated.menu,
    calendar: dated.calendar,
    events: dated.events,
    absence: notAvailableYet,
    feedback: notAvailableYet,
    subscribe: notAvailableYet,
    unsubscribe: notAvailableYet,
  };
}

/** Zalo OA follow / unfollow. Subscriptions plug in here; until then a follow is greeted. */
export function lifecycleHandlers(): { follow: Handler; unfollow: Handler } {
  return {
    follow: (ctx) => {
      const profile = ctx.services.school.get('profile');
      ctx.reply(ctx.t('answers.greeting', { school: profile.name, who: ctx.t('answers.greeting_who') }));
    },
    unfollow: () => undefined, // nothing can be sent to someone who left
  };
}
