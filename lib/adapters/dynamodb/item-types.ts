/**
 * The `type` attribute of the items the table's stream drives, and the TTL attribute's name.
 * Pure and dependency-free on purpose: infra/ (the stack's stream filter and TTL setting) imports
 * this one runtime module and nothing else from lib/, so the filter and the writers cannot drift.
 * Keep it free of imports.
 */
export const ITEM_TYPE = {
  /** A local post (`POST#`): fanned out to members and peers. */
  post: 'post',
  /** A queued outbound message (`OUTMSG#`): becomes a one-recipient job. */
  reply: 'reply',
  /** A federation task (`FEDTASK#`): becomes a federation job. */
  fedtask: 'fedtask',
  /** A post a peer relayed to us (`RELAY#`). */
  relay: 'relay',
  /** A delete of a relayed post a peer sent us (`RELAYDEL#`): forwarded on by a super-peer. */
  relaydel: 'relaydel',
  /** A post's tombstone (`GONE#`): a local member's deleted post is told to peers. */
  gone: 'gone',
  /** Work for the peer network (`PEERCTL#`). */
  peerctl: 'peerctl',
  /** Who wants an author's posts (`WANTS#`), kept with on=false on unfollow so MODIFY shows it. */
  wants: 'wants',
  /** Timeline index items: never on the stream's way (the filter drops them). */
  timeline: 'timeline',
  /** Relation items (`REL#`, `RELBY#`). */
  relation: 'relation',
} as const;

export type ItemType = (typeof ITEM_TYPE)[keyof typeof ITEM_TYPE];

/** Item types whose INSERT the fanout function acts on. */
export const INSERT_STREAM_TYPES = [
  ITEM_TYPE.post,
  ITEM_TYPE.reply,
  ITEM_TYPE.fedtask,
  ITEM_TYPE.relay,
  ITEM_TYPE.peerctl,
  ITEM_TYPE.relaydel,
  ITEM_TYPE.gone,
] as const;

/** Item types whose INSERT and MODIFY the fanout function acts on. */
export const CHANGE_STREAM_TYPES = [ITEM_TYPE.wants] as const;

export const TTL_ATTRIBUTE = 'expiresAt';
