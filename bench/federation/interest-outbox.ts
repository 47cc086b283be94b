import type { InterestSnapshot, InterestUpdate } from '../../lib/federation/interest.ts';

/**
 * The simulation's sender side of one interest stream (this bot -> one peer): remembers what it
 * registered and numbers its messages. Production keeps the same state in the table instead
 * (`SENT#` items and the peer's `outSeq`, lib/usecases/peer-inbound.ts and peer-outbound.ts `syncAuthor`/`resync`).
 */
export class InterestOutbox {
  readonly from: string;
  readonly epoch: string;
  private seq = 0;
  private sent = new Set<string>();

  constructor(from: string, epoch: string) {
    this.from = from;
    this.epoch = epoch;
  }

  get registered(): ReadonlySet<string> {
    return this.sent;
  }

  /** The message that moves the peer's view to `next`, or null when nothing changed. */
  update(next: ReadonlySet<string>): InterestUpdate | null {
    if (this.seq === 0) return this.snapshotOf(next);
    const add = [...next].filter((a) => !this.sent.has(a)).sort();
    const remove = [...this.sent].filter((a) => !next.has(a)).sort();
    if (add.length === 0 && remove.length === 0) return null;
    this.seq += 1;
    this.sent = new Set(next);
    return { type: 'interest-delta', from: this.from, epoch: this.epoch, seq: this.seq, add, remove };
  }

  /** A full snapshot of what is registered now (the answer to a snapshot request). */
  snapshot(): InterestSnapshot {
    return this.snapshotOf(this.sent);
  }

  private snapshotOf(next: ReadonlySet<string>): InterestSnapshot {
    this.seq += 1;
    this.sent = new Set(next);
    return {
      type: 'interest-snapshot',
      from: this.from,
      epoch: this.epoch,
      seq: this.seq,
      full: [...next].sort(),
    };
  }
}
