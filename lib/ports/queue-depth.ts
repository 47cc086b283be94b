/** How many messages wait in the delivery queue and its dead-letter queue. */
export interface QueueDepth {
  depths(): Promise<{ queued: number; inFlight: number; deadLetters: number }>;
}
