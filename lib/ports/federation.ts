import type { FederationTask } from '../domain/federation-task.ts';
import type { TimelineEntry } from '../domain/timeline.ts';
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
  /** A remote post on the public timeline (lib/ports/timeline.ts `record`), with its activity. */
  | { kind: 'recordTimeline'; entry: TimelineEntry }
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

/** What the inbox reads about one delivery before it writes anything (`inboundView`). */
export interface InboundQuery {
  /** The verified signer's actor id. */
  signer: string;
  /** The signer's authority, `host[:port]`. */
  host: string;
  /** Posts the activity names (a Create's Note): which of them were deleted. At most 90. */
  postIds: readonly string[];
}

export interface InboundView {
  /** The signer's server has failures or was declared dead: a verified request revives it. */
  hostFailing: boolean;
  /** The signer's stored actor, when known. */
  signer?: RemoteActor;
  /** The signer is a relay this bot joined or is joining (lib/ports/relay-store.ts `joinedRelay`). */
  joinedRelay: boolean;
  /** Which of the asked post ids were deleted. */
  deletedPosts: Set<string>;
}

export interface FederationStore {
  /**
   * Everything `InboundQuery` asks, read consistently in one round trip (the inbox's reads before
   * its transaction).
   */
  inboundView(q: InboundQuery): Promise<InboundView>;
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
  /** Whether any local member follows a remote handle (one item read at most). */
  followedLocally(handle: string): Promise<boolean>;
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
