import type { StatusReport } from '../pages/status.ts';
import type { PeerDirectory } from '../ports/peers.ts';
import type { QueueDepth } from '../ports/queue-depth.ts';
import type { SmsDayCounts } from '../ports/sms-receipts.ts';
import type { EchoStats } from '../ports/stats.ts';
import type { TimelineReader } from '../ports/timeline.ts';

export interface StatusDeps {
  /** The operator's bearer token (SSM deployed, env or a generated file locally); unset refuses everyone. */
  adminToken: () => Promise<string | undefined>;
  stats: EchoStats;
  timeline: TimelineReader;
  queueDepth: QueueDepth;
  peers: PeerDirectory;
  /** `ECHOBOT_SMS_DAILY_BUDGET`, if configured. */
  smsDailyBudget?: number;
  /** SMS sent against the budget on a UTC day; the commands side provides it, else 0. */
  smsUsedOn?: (day: string) => Promise<number>;
  now: () => Date;
  /** The SMS provider's name and the day's receipts (sent, delivered, failed, top codes); absent = no provider. */
  smsDelivery?: { provider: string; dayCounts(day: string, top?: number): Promise<SmsDayCounts> };
}

/** Everything the status page shows, read in parallel; a queue that cannot be read is reported, not fatal. */
export async function statusReport(deps: StatusDeps): Promise<StatusReport> {
  const now = deps.now();
  const day = now.toISOString().slice(0, 10);
  const [members, postsToday, echoesToday, echoesByHour, queue, smsUsed, peers, smsDay] = await Promise.all([
    deps.stats.memberCount(),
    deps.timeline.countOn(day, true),
    deps.stats.echoesOn(day),
    deps.stats.echoesByHour(now),
    deps.queueDepth.depths().catch((err: unknown) => ({ error: String(err) })),
    deps.smsUsedOn ? deps.smsUsedOn(day) : Promise.resolve(0),
    deps.peers.peers(),
    deps.smsDelivery?.dayCounts(day, 5),
  ]);
  return {
    at: now.toISOString(),
    members,
    postsToday,
    echoesToday,
    echoesByHour,
    queue,
    sms: { used: smsUsed, budget: deps.smsDailyBudget ?? null },
    ...(deps.smsDelivery && smsDay
      ? { smsDelivery: { provider: deps.smsDelivery.provider, ...smsDay } }
      : {}),
    peers,
  };
}
