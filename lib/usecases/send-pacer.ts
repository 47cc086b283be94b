/**
 * Paces sends to a rate (the bot's SMS number allows 1-100 a second, by number type). Each send
 * reserves the next free slot; one that would wait longer than `maxWaitMs` reserves nothing and
 * is deferred by the caller (re-enqueued with a delay), so an invocation never sleeps past its
 * timeout. One pacer per process: deployed, each of at most maxConcurrency invocations gets its
 * share of the number's rate.
 */
export class SendPacer {
  private nextSlot = 0;
  private readonly gapMs: number;

  constructor(
    perSecond: number,
    private readonly maxWaitMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(perSecond > 0)) throw new Error(`a send rate must be above 0 per second, got ${perSecond}`);
    this.gapMs = 1000 / perSecond;
  }

  /** Milliseconds to wait before this send (its slot taken), or undefined: defer it. */
  reserve(): number | undefined {
    const t = this.now();
    const slot = Math.max(t, this.nextSlot);
    if (slot - t > this.maxWaitMs) return undefined;
    this.nextSlot = slot + this.gapMs;
    return slot - t;
  }

  /** Whole seconds until `count` more sends fit, for the delay of a deferred job. */
  secondsFor(count: number): number {
    const backlog = Math.max(0, this.nextSlot - this.now());
    return Math.ceil((backlog + count * this.gapMs) / 1000);
  }
}

/**
 * The per-invocation share of a number's SMS rate: `ECHOBOT_SMS_PER_SECOND` divided among
 * `ECHOBOT_DELIVER_CONCURRENCY` invocations; undefined when no rate is set (no pacing).
 */
export function smsShare(perSecond: number | undefined, concurrency: number | undefined): number | undefined {
  if (perSecond === undefined) return undefined;
  return perSecond / Math.max(1, concurrency ?? 1);
}
