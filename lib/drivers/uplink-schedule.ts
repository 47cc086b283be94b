import type { Log } from '../ports/logger.ts';
import type { UpstreamRound } from '../usecases/leaf-uplink.ts';

/** Room left after the last poll starts: its answer (at most 100 items) is handled and stored. */
export const UPLINK_MARGIN_MS = 15_000;

/**
 * The scheduled uplink function's handler (EventBridge, once a minute): one bounded round per
 * upstream, no new poll after the function's time minus a margin. A round that failed is logged
 * and fails the invocation once every upstream had its turn (the error alarm shows it; the
 * schedule is the retry, a minute later, and that round registers again).
 */
export function createUplinkHandler(deps: { rounds: (until: number) => Promise<UpstreamRound[]>; log: Log }) {
  return async (
    _event: unknown,
    context: { getRemainingTimeInMillis(): number },
  ): Promise<UpstreamRound[]> => {
    const until = Date.now() + Math.max(0, context.getRemainingTimeInMillis() - UPLINK_MARGIN_MS);
    const rounds = await deps.rounds(until);
    for (const r of rounds) deps.log(r.ok ? 'info' : 'warn', 'leaf uplink round', { ...r });
    const failed = rounds.filter((r) => !r.ok);
    if (failed.length > 0)
      throw new Error(
        `uplink round failed for ${failed.map((r) => r.upstream).join(', ')}; the next round retries`,
      );
    return rounds;
  };
}
