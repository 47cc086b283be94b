import type { TimelineEntry, TimelinePage } from '../domain/timeline.ts';

/** Reads of the public timeline, newest first, a page at a time. */
export interface TimelineReader {
  /** Every public post (local and followed remote ones). */
  recent(options: { before?: string; limit: number }): Promise<TimelinePage>;
  /** One author's posts (`authorKey`: a member id, or a remote handle). */
  byAuthor(authorKey: string, options: { before?: string; limit: number }): Promise<TimelinePage>;
  /** Posts created on a UTC day (`YYYY-MM-DD`), local ones only when `localOnly`. */
  countOn(day: string, localOnly: boolean): Promise<number>;
}

/**
 * Adds a post to the timeline. Local posts are indexed in the same transaction that stores them;
 * the federation side calls this for remote posts it accepts. Idempotent: a repeat is a no-op.
 */
export interface TimelineWriter {
  record(entry: TimelineEntry): Promise<void>;
}
