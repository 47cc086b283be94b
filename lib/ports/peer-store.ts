import type { TimelineEntry } from '../domain/timeline.ts';

/** What the peer network keeps in the table (lib/adapters/dynamodb/dynamo-peer-store.ts). */

export type PeerSource = 'config' | 'admin' | 'inbound' | 'leaf';

/** Things the fanout function does for the peer network, written as items so the stream drives them. */
export type PeerControlAction =
  /** A new peering: send our route advert and a full interest snapshot. */
  | 'connect'
  /** The peer asked for a snapshot (it missed a delta). */
  | 'snapshot'
  /** We missed one of the peer's deltas: ask it for a snapshot. */
  | 'request-snapshot'
  /** Best routes changed: re-advertise and re-register interest with every peer. */
  | 'routes-changed'
  /** The peer was removed: forget its interest and what we registered with it. */
  | 'disconnect';

export interface PeerRecord {
  url: string;
  source: PeerSource;
  addedAt: string;
  /** Our interest stream to this peer: epoch and last sequence number sent. */
  outEpoch: string;
  outSeq: number;
  /** The peer's interest stream to us, as applied. */
  inEpoch?: string;
  inSeq?: number;
  awaitingSnapshot?: boolean;
  /** The peer's last route advert (authority -> distance). */
  routes?: Record<string, number>;
  healthy?: boolean;
  /**
   * Down in the route table (RouteTable.markDown): a send found it unreachable after it had
   * answered before. Unlike `healthy` (the status page's "last send failed", set on refusals too),
   * this moves routes around it; cleared by any verified message from it or a successful send.
   */
  down?: boolean;
  lastSeen?: string;
  lastError?: string;
}

export interface StreamState {
  epoch: string;
  seq: number;
  awaitingSnapshot: boolean;
}

/** A post received from a peer (de-duplicated by its id), as the fanout function reads it back. */
export interface RelayedPost {
  postId: string;
  author: string;
  text: string;
  createdAt: string;
  /** The envelope as received, JSON. */
  envelope: string;
  /** The peer that delivered it. */
  from: string;
  receivedAt: string;
}

/** A delete of a relayed post a peer delivered (de-duplicated by the post id), as fanout reads it back. */
export interface RelayedDelete {
  postId: string;
  author: string;
  /** When the origin's member deleted it. */
  at: string;
  /** The envelope as received, JSON. */
  envelope: string;
  /** The peer that delivered it. */
  from: string;
  receivedAt: string;
}

export interface Wants {
  /** Local members who follow the author. */
  members: string[];
  /** Peers that registered interest in the author. */
  peers: string[];
  /**
   * Peers that withdrew it less than INTEREST_HOLD_DOWN_MS ago: still sent the author's posts
   * (never counted as interest to pass on), see lib/federation/interest.ts.
   */
  leaving?: string[];
}

export interface PeerStore {
  listPeers(): Promise<PeerRecord[]>;
  getPeer(url: string): Promise<PeerRecord | undefined>;
  /** Adds a peer unless it exists (then nothing changes); a new one gets a `connect` control item. */
  addPeer(url: string, source: PeerSource, at: Date): Promise<boolean>;
  /** Next sequence number of our interest stream to `url`. */
  nextOutSeq(url: string): Promise<number>;
  /** Stores the peer's stream state if it is still `expectedSeq` (else throws: a concurrent update). */
  setInboundState(url: string, state: StreamState, expectedSeq: number | undefined): Promise<void>;
  setRoutes(url: string, routes: Record<string, number>): Promise<void>;
  markHealth(url: string, ok: boolean, at: Date, detail?: string): Promise<void>;
  /** Sets the route-level `down` flag (up also records `lastSeen`); false when it already was so. */
  setDown(url: string, down: boolean, at: Date): Promise<boolean>;
  /** Who wants posts by this author at `at` (default now). */
  wantsOf(author: string, at?: Date): Promise<Wants>;
  /** Records (or drops, as of `at`, default now) a peer's interest in an author. */
  setPeerWants(peer: string, author: string, wants: boolean, at?: Date): Promise<void>;
  peerInterest(peer: string): Promise<string[]>;
  /** Every author anyone here ever wanted (the snapshot candidates). */
  knownAuthors(): Promise<string[]>;
  /** Records that we registered (or unregistered) `author` with `peer`; false when it already was so. */
  markSent(peer: string, author: string, sent: boolean): Promise<boolean>;
  sentTo(peer: string): Promise<string[]>;
  /** Whether we registered `author` with `peer`. */
  hasSent(peer: string, author: string): Promise<boolean>;
  /** Writes a control item the fanout function acts on. */
  control(peer: string, action: PeerControlAction, at: Date): Promise<void>;
  /** Stores a received post unless its id was seen; false for a duplicate. */
  putRelayed(post: RelayedPost): Promise<boolean>;
  /** The post's entry on our timeline, if it has one (a relayed post's, to take it off with its delete). */
  timelineEntry(postId: string): Promise<TimelineEntry | undefined>;
  /**
   * Stores a received delete unless one for this post was seen, and tombstones the post (its
   * `GONE#` item, its timeline entry if given) in the same transaction; false for a duplicate.
   */
  putRelayedDelete(del: RelayedDelete, entry: TimelineEntry | undefined): Promise<boolean>;
  /** Forgets a removed peer: its interest, what we sent it, its item. */
  forgetPeer(url: string): Promise<void>;
  /** Recently received posts, newest first (the local network view). */
  recentRelayed(limit: number): Promise<RelayedPost[]>;
}
