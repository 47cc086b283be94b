import { describeQuiet, type QuietHours } from '../quiet-hours.ts';

/** What the bot answers when a limit stops someone, and to QUIET and TZ. Never a silent drop. */
export const SAFETY_REPLIES = {
  /** `nextHour` is when the member's window opens again, `HH:00` UTC. */
  rateLimited: (limit: number, nextHour: string) =>
    `You have sent ${limit} posts this hour, the most this bot allows. This one was not sent; try again after ${nextHour} UTC.`,
  smsPaused: () =>
    'Posted. Note: this bot has used its SMS budget for today, so text-message echoes are paused until midnight UTC; chat and mail still get your posts.',
  quietSet: (quiet: QuietHours, tz: string) =>
    `Quiet hours ${describeQuiet(quiet)} (${tz}): no echoes by SMS then; they come as one text after. QUIET OFF to end, TZ <zone> to change the zone.`,
  quietOff: () => 'Quiet hours are off: echoes come by SMS at any hour.',
  quietNone: (tz: string) => `You have no quiet hours (time zone ${tz}). Try QUIET 22-7.`,
  quietShow: (quiet: QuietHours, tz: string) =>
    `Your quiet hours are ${describeQuiet(quiet)} (${tz}). QUIET OFF to end them.`,
  timeZone: (tz: string, localTime: string) => `Your time zone is now ${tz} (it is ${localTime} there).`,
} as const;

/** What the operator gets, once a UTC day, when the SMS budget runs out. */
export const BUDGET_ALERT = {
  subject: (day: string) => `echobot: SMS budget reached for ${day}`,
  message: (day: string, budget: number, baseUrl: string) =>
    `${baseUrl} sent ${budget} SMS parts on ${day} (UTC), its ECHOBOT_SMS_DAILY_BUDGET. SMS echoes are paused until midnight UTC and recorded as skipped; other channels go on. Raise the budget and redeploy to resume sooner.`,
} as const;
