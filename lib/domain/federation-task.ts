/**
 * Work the ActivityPub side hands to the delivery queue. Every task is written to the table
 * first (a FEDTASK item, in the same transaction as the command or inbox activity that caused
 * it); the table's stream turns it into a delivery job, and the deliver function, the only one
 * that talks to the outside, carries it out with the queue's retries, backoff and DLQ.
 */
export type FederationTask =
  /**
   * POST a ready activity (JSON text) to an inbox, signed with `actor`'s key (`<actor>#main-key`).
   * `postId`: the local post a Create carries; the delivery is skipped once that post is deleted.
   */
  | { type: 'deliver'; id: string; inbox: string; activity: string; actor: string; postId?: string }
  /** A member follows / unfollows a remote author: WebFinger, then Follow or Undo(Follow). */
  | { type: 'follow' | 'unfollow'; id: string; nick: string; handle: string }
  /** A member's direct message to a remote actor: a Create(Note) addressed only to them. */
  | { type: 'direct'; id: string; nick: string; handle: string; text: string; noteId: string }
  /**
   * A member deleted a post (DELETE): the fanout function sends a `Delete` (a Tombstone) to every
   * server the Create went to (the member's remote followers, one POST per shared inbox).
   */
  | { type: 'deletePost'; id: string; postId: string; memberId: string; nick: string }
  /**
   * A Note that arrived in the inbox: the fanout function resolves who gets it (the author's
   * local followers, or for a direct note only `memberIds`) and writes ordinary echo jobs.
   */
  | {
      type: 'remoteNote';
      id: string;
      noteId: string;
      handle: string;
      text: string;
      memberIds?: string[];
      /** Came through a relay we joined: to the author's followers and TRACK matches (lib/usecases/federation/relay-fanout.ts). */
      relayed?: true;
    }
  /**
   * A public post a relay subscriber sent us (our relay, FEP-ae0c): the fanout function announces
   * it to the other subscribers (lib/usecases/federation/relay-fanout.ts), never back to `from`.
   */
  | { type: 'relayAnnounce'; id: string; noteId: string; from: string; published: string };

export type FederationTaskType = FederationTask['type'];

/** How a remote post reads on a phone: `carol@other.example: hi`; a direct one starts with `D `. */
export function formatRemoteEcho(handle: string, text: string, direct: boolean): string {
  return `${direct ? 'D ' : ''}${handle}: ${text}`;
}
