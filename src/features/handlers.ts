// The named handlers intents can point at (intents/*.yaml "handler:"). The conversations
// (feedback, absence, subscribe, unsubscribe) are forms, added in loa.ts.
import type { Handler } from '../core/turn.ts';
import * as info from './school-info/school-info-handlers.ts';
import * as dated from './school-info/date-handlers.ts';

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
  };
}


/**
 * Handlers whose answer depends only on the school's data, the language, the day and the
 * entities: their replies can be reused for the same question on the same day. (Not the calendar:
 * it also reads the holiday or term a question names.)
 */
export const DATA_ONLY_HANDLERS = new Set([
  'pickup_hours', 'fees', 'enrollment', 'contact', 'health', 'uniform', 'daily_routine', 'support_policy', 'menu', 'events',
]);
