/** What claiming a delivery job found. */
export type ClaimResult =
  /** This invocation may send the job. */
  | 'claimed'
  /** A finished invocation already sent it: skip (a redelivered message, a re-run fanout). */
  | 'done'
  /** Another invocation holds a live lease on it: retry later. */
  | 'busy';

/**
 * Delivery job de-duplication, one write per job: a deliver invocation (a batch) claims each
 * job with a lease as long as it may still run, and when the batch is over records which jobs
 * it finished, one write per batch. A claim whose batch finished the job is final; a claim whose
 * lease ran out unfinished (the invocation crashed or timed out) is taken over by the retry.
 */
export interface JobClaims {
  /** `now` and `leaseUntil` in epoch milliseconds. */
  claim(jobId: string, batchId: string, leaseUntil: number, now: number): Promise<ClaimResult>;
  /** Gives a failed job's claim back (only if `batchId` still holds it), so the retry sends it. */
  release(jobId: string, batchId: string): Promise<void>;
  /** Records the jobs a batch finished: what makes their claims final. */
  finish(batchId: string, jobIds: readonly string[], now: number): Promise<void>;
}
