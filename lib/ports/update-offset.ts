/**
 * Where a long-polling reader keeps the next update id to ask for (Telegram's `getUpdates`
 * `offset`), so a restart neither loses nor repeats an update.
 */
export interface OffsetStore {
  /** The next update id to ask for; undefined before the first update was handled. */
  read(): Promise<number | undefined>;
  /** Durable when it resolves. */
  write(offset: number): Promise<void>;
}
