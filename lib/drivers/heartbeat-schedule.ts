import type { Log } from '../ports/logger.ts';

export interface HeartbeatRound {
  sent: number;
  failed: number;
}

/**
 * The scheduled heartbeat function's handler (EventBridge, once a minute): one round of
 * heartbeats (lib/usecases/peer-heartbeat.ts). A peer that does not answer is the round's
 * result (it is marked down in the table), not a failure of the invocation: only a round that
 * could not run (table or key unreachable) throws, which the error alarm shows. Not retried:
 * the next minute's round is the retry.
 */
export function createHeartbeatHandler(deps: { beat: () => Promise<HeartbeatRound>; log: Log }) {
  return async (_event: unknown): Promise<HeartbeatRound> => {
    const round = await deps.beat();
    deps.log(round.failed > 0 ? 'warn' : 'info', 'peer heartbeat round', { ...round });
    return round;
  };
}
