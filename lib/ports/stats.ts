/** Echoes sent, counted per UTC day and channel kind and per hour, for the operator's status page. */
export interface EchoCounter {
  /** Adds `counts` (by channel kind, e.g. `{ sms: 3 }`) to the day and hour of `at`. */
  countEchoes(counts: Readonly<Record<string, number>>, at: Date): Promise<void>;
}

export interface EchoStats {
  /** How many members the bot has. */
  memberCount(): Promise<number>;
  /** Echoes by channel kind on a UTC day (`YYYY-MM-DD`). */
  echoesOn(day: string): Promise<Record<string, number>>;
  /** Echoes per hour for the 24 hours ending with the hour of `now`, oldest first. */
  echoesByHour(now: Date): Promise<Array<{ hour: string; count: number }>>;
}
