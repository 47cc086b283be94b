/**
 * `npx tsx bench/inbox-only.ts [deliveries]`: only the ActivityPub inbox section of `npm run bench`
 * (section g), echobot beside Fedify and where echobot's time goes, in about a minute. For working
 * on the inbox path without the whole bench; prints, writes nothing.
 */
process.env.LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'ERROR';

import { inboxThroughput } from './inbox-throughput.ts';

const deliveries = Number(process.argv[2] ?? 200);
const figures = await inboxThroughput({
  deliveries,
  concurrency: 16,
  breakdownDeliveries: Math.min(100, deliveries),
  warmUp: 30,
});
console.log(JSON.stringify(figures, null, 2));
