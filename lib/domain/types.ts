/** The words of DESIGN.md as types. Pure: imports nothing outside the domain. */
import type { FederationTask } from './federation-task.ts';

/**
 * How a member is reached, written `kind:address`: `sms:+15550001111`, `telegram:<chat id>`,
 * `im:<sender id as the bridge gives it>`, `email:<address>`.
 */
export type ChannelKind = 'sms' | 'telegram' | 'im' | 'email';
export type Channel = `${ChannelKind}:${string}`;

export interface Member {
  id: string;
  nick: string;
  /** Every channel the member can be reached on, in the order they were added. */
  channels: Channel[];
  /** Channels that sent STOP (or a synonym): nothing is sent to them until START. */
  optedOut: Channel[];
  joinedAt: string;
  /** `OFF`: the member gets nothing but replies until `ON`. Absent = on. */
  off?: boolean;
  /** `TRACK <word>`: lower-case words whose posts this member gets whoever wrote them. */
  tracks?: string[];
}

export interface Post {
  /** Globally unique: a URL on the origin bot. */
  id: string;
  authorId: string;
  authorNick: string;
  text: string;
  createdAt: string;
}

/** One recipient of an echo: which member, on which channel. */
export interface Recipient {
  memberId: string;
  channel: Channel;
}

/** A batch of echoes of one post: many recipients per queue message. */
export interface DeliveryJob {
  /** Deterministic (post id + chunk), so a re-run fanout yields the same ids and deliver de-duplicates. */
  id: string;
  postId: string;
  text: string;
  recipients: Recipient[];
  attempt: number;
  /**
   * Echo jobs: the store's delivery epoch (the opt-out change marker) read before the recipients
   * were resolved. Deliver trusts the recipients while the epoch is unchanged and re-reads them
   * when it moved; a job without one is always re-read.
   */
  epoch?: number;
  /**
   * `reply`: one answer to one channel, sent as decided at ingest (no member or opt-out re-check).
   * `federation`: what to do on the open web (ActivityPub); `peer`: one signed POST of `peer.body`
   * to a peer bot. Neither has channel recipients. Absent = echo.
   */
  kind?: 'echo' | 'reply' | 'federation' | 'peer';
  /** `federation` jobs: the task (lib/domain/federation-task.ts). */
  federation?: FederationTask;
  /** For `peer` jobs: the peer's base URL and the message (JSON text, signed at each attempt). */
  peer?: PeerDelivery;
}

export interface PeerDelivery {
  url: string;
  body: string;
}

/** One outbound message, the unit a sender transmits. */
export interface OutboundMessage {
  channel: Channel;
  text: string;
  kind: 'echo' | 'reply';
  postId?: string;
  /** Stable per message, so a provider that de-duplicates (the IM bridge) can drop our retries. */
  id?: string;
}
