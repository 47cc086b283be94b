import type { SafetySettings } from '../domain/quiet-hours.ts';
import type { Channel } from '../domain/types.ts';

/** An SMS echo that arrived during the recipient's quiet hours, waiting for the digest. */
export interface HeldEcho {
  memberId: string;
  channel: Channel;
  postId: string;
  /** The echo as it would have been sent (`alice: hi`). */
  text: string;
  heldAt: string;
}

/** A member's channel whose digest is due at `dueAt` (the end of the quiet window). */
export interface DueDigest {
  memberId: string;
  channel: Channel;
  dueAt: string;
}

/** What the deliver and digest functions need for the SMS budget and quiet hours. */
export interface SmsSafetyStore {
  safetySettings(memberId: string): Promise<SafetySettings>;
  /** Adds `parts` to the day's SMS counter only if the total stays within `budget` (atomic): the new total, or undefined = over budget. */
  reserveSmsParts(day: string, parts: number, budget: number): Promise<number | undefined>;
  /** Gives back parts reserved for a send that then failed (it will be retried). */
  releaseSmsParts(day: string, parts: number): Promise<void>;
  /** Counts SMS not sent because the budget was used up (shown in logs and the day's counters). */
  countBudgetSkips(day: string, n: number): Promise<void>;
  /** True exactly once per UTC day: the caller that gets it alerts the operator. */
  claimBudgetAlert(day: string): Promise<boolean>;
  /** Stores a held echo (once per post) and marks the member's digest due at `dueAt`. */
  holdEcho(echo: HeldEcho, dueAt: Date): Promise<void>;
  dueDigests(now: Date): Promise<DueDigest[]>;
  heldEchoes(memberId: string, channel: Channel): Promise<HeldEcho[]>;
  /** Removes the held echoes a digest carried, and the due marker. */
  clearDigest(due: DueDigest, held: readonly HeldEcho[]): Promise<void>;
}

/** Tells the operator something needs them (an SNS topic deployed; the outbox locally). */
export interface Alerter {
  alert(subject: string, message: string): Promise<void>;
}
