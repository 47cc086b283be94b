import type { FederationTask } from '../domain/federation-task.ts';
import type { Mutation } from './store.ts';

/** A remote actor as we know it from its actor document. */
export interface RemoteActor {
  id: string;
  /** `nick@host[:port]`, canonical. */
  handle: string;
  inbox: string;
  sharedInbox?: string;
}

/** A remote actor following a local member. */
export interface RemoteFollower {
  actorId: string;
  inbox: string;
  sharedInbox?: string;
}

/** What an accepted inbox activity changes; applied together with its de-duplication record. */
export type InboxWrite =
  | { kind: 'addFollower'; memberId: string; follower: RemoteFollower }
  | { kind: 'removeFollower'; memberId: string; actorId: string }
  | { kind: 'putTask'; task: FederationTask }
  /** A remote Delete / Update of a post, a Reject or Block ending a member's follow, a notice to a member. */
  | Extract<
      Mutation,
      { kind: 'deletePost' | 'editPost' | 'setRemoteFollow' | 'unfollowRemote' | 'putOutbound' }
    >;

/** Delivery health of one remote server (its authority, `host[:port]`). */
export interface HostHealth {
  host: string;
  /** Failed attempts since the last success. */
  failures: number;
  firstFailureAt?: string;
  /** When the host was declared dead (deliveries to it are skipped until it is revived). */
  deadSince?: string;
}

export interface FederationStore {
  /**
   * Records an inbox activity id and applies its writes atomically. `false` when the id was
   * seen before (a replay or a retried delivery): then nothing is written.
   */
  applyInbound(activityId: string, at: Date, writes: readonly InboxWrite[]): Promise<boolean>;
  followersOf(memberId: string): Promise<RemoteFollower[]>;
  /** Ids of the local members a remote actor follows (recorded by `addFollower` writes). */
  followedBy(actorId: string): Promise<string[]>;
  /** Ids of local members following a remote handle. */
  localFollowersOf(handle: string): Promise<string[]>;
  isFollowingRemote(memberId: string, handle: string): Promise<boolean>;
  putActor(actor: RemoteActor): Promise<void>;
  actorById(id: string): Promise<RemoteActor | undefined>;
  actorByHandle(handle: string): Promise<RemoteActor | undefined>;
  hostHealth(host: string): Promise<HostHealth>;
  recordHostFailure(host: string, at: Date): Promise<HostHealth>;
  markHostDead(host: string, at: Date): Promise<void>;
  /** A success or a verified inbound request from the host: it is alive again. */
  reviveHost(host: string): Promise<void>;
}
