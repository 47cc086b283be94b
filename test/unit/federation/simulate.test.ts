import { describe, expect, it } from 'vitest';
import { runFederationSimulation } from '../../../bench/federation/simulate.ts';

describe('runFederationSimulation (20 bots)', () => {
  const result = runFederationSimulation({
    seed: 7,
    bots: 20,
    superPeers: 4,
    membersPerBot: 3,
    followsPerMember: 3,
    posts: 200,
    ticks: 40,
    churnOps: 40,
  });

  it('is reproducible', () => {
    const again = runFederationSimulation({ ...result.options });
    expect(again.topologies).toEqual(result.topologies);
  });

  for (const kind of ['super-peer', 'hosted-super-peer', 'mesh'] as const) {
    describe(kind, () => {
      const figures = () => {
        const t = result.topologies.find((x) => x.topology === kind);
        if (t === undefined) throw new Error(`no ${kind} figures`);
        return t;
      };

      it('delivers every post to every interested bot exactly once', () => {
        const { routed } = figures();
        expect(routed.postsWithInterest).toBeGreaterThan(0);
        expect(routed.completeness).toBe(1);
        expect(routed.deliveredPairs).toBe(routed.interestedPairs);
        expect(routed.duplicatesReceived).toBe(0);
        expect(routed.duplicateMessages).toBe(0);
        expect(routed.deadEndMessages).toBe(0);
        expect(routed.hopLimitStops).toBe(0);
      });

      it('sends fewer messages per interested bot than flooding', () => {
        const { routed, flooding } = figures();
        expect(routed.messagesPerInterestedReached).toBeGreaterThanOrEqual(1);
        expect(routed.messagesPerInterestedReached).toBeLessThan(flooding.messagesPerInterestedReached);
        expect(flooding.completeness).toBe(1);
        expect(routed.hops.max).toBeLessThanOrEqual(result.options.maxHops);
      });

      it('routes around down bots during an outage, holds what is meant for them, never echoes twice', () => {
        const { outage } = figures();
        expect(outage.downBots).toBe(4);
        expect(outage.bothUpPairs).toBeGreaterThan(0);
        expect(outage.completenessDuringOutage).toBeGreaterThanOrEqual(0.95);
        expect(outage.completenessDuringOutage).toBeLessThanOrEqual(1);
        expect(outage.completeness).toBeGreaterThanOrEqual(0.99);
        expect(outage.duplicatesReceived).toBe(0);
        expect(outage.queuedForRetry).toBeGreaterThan(0);
      });

      it('keeps interest deltas smaller than full snapshots', () => {
        const { interestChurn } = figures();
        expect(interestChurn.messages).toBeGreaterThan(0);
        expect(interestChurn.authorsCarried).toBeLessThan(interestChurn.fullSnapshotAuthors);
        expect(interestChurn.snapshotRequests).toBe(0);
      });
    });
  }
});
