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

