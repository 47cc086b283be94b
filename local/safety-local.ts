import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoSmsSafety } from '../lib/adapters/dynamodb/dynamo-sms-safety.ts';
import { OutboxAlerter } from '../lib/adapters/outbox-alerter.ts';
import type { Senders } from '../lib/ports/sender.ts';
import type { Store } from '../lib/ports/store.ts';
import { type DigestOutcome, sendDueDigests } from '../lib/usecases/send-digests.ts';
import { createSmsGate, type SmsGate } from '../lib/usecases/sms-gate.ts';
import type { LocalNodeOptions } from './node.ts';

/**
 * The local node's SMS safety: the same gate as the deliver function (quiet hours, part limit,
 * daily budget, with the operator's alert written to the outbox as channel `operator`) and the
 * digest function run on a timer instead of an EventBridge schedule.
 */
export function localSafety(deps: {
  doc: DynamoDBDocumentClient;
  table: string;
  outboxFile: string;
  url: string;
  options: Pick<LocalNodeOptions, 'smsDailyBudget' | 'smsMaxSegments' | 'digestIntervalMs'>;
  senders: Senders;
  store: Store;
  log: (event: string, fields: Record<string, unknown>) => void;
}): { gate: SmsGate; runDigests(now: Date): Promise<DigestOutcome>; stop(): void } {
  const { options } = deps;
  const safety = new DynamoSmsSafety(deps.doc, deps.table);
  const gate = createSmsGate({
    safety,
    ...(options.smsMaxSegments !== undefined ? { maxSegments: options.smsMaxSegments } : {}),
    ...(options.smsDailyBudget !== undefined ? { dailyBudget: options.smsDailyBudget } : {}),
    alerter: new OutboxAlerter(deps.outboxFile),
    botUrl: deps.url,
    log: deps.log,
    now: () => new Date(),
  });
  const runDigests = (now: Date) =>
    sendDueDigests(
      {
        store: deps.store,
        safety,
        sms: deps.senders.sms,
        gate,
        ...(options.smsMaxSegments !== undefined ? { maxSegments: options.smsMaxSegments } : {}),
        log: deps.log,
      },
      now,
    );
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    runDigests(new Date())
      .catch((err: unknown) => deps.log('digest run failed', { error: String(err) }))
      .finally(() => {
        running = false;
      });
  }, options.digestIntervalMs ?? 60_000);
  timer.unref();
  return { gate, runDigests, stop: () => clearInterval(timer) };
}
