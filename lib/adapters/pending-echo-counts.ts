import type { EchoCounter } from '../ports/stats.ts';

/**
 * Collects the echo counts of one deliver invocation's jobs so they reach the table as one
 * write per channel kind and hour per invocation, not per job (a batch of ten jobs: 2 writes,
 * not 20). `flush` takes what has been collected so far, so counts from invocations running at
 * the same time are each written exactly once.
 */
export class PendingEchoCounts implements EchoCounter {
  private counts: Record<string, number> = {};

  async countEchoes(counts: Readonly<Record<string, number>>): Promise<void> {
    for (const [kind, n] of Object.entries(counts)) this.counts[kind] = (this.counts[kind] ?? 0) + n;
  }

  async flush(to: EchoCounter, at: Date): Promise<void> {
    const counts = this.counts;
    this.counts = {};
    if (Object.values(counts).some((n) => n > 0)) await to.countEchoes(counts, at);
  }
}
