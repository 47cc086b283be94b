import type { Channel } from '../domain/types.ts';
import type { FollowPath } from '../federation/follow-route.ts';
import type { FederationStore } from '../ports/federation.ts';
import type { PeerStore } from '../ports/peer-store.ts';
import type { RelayStore } from '../ports/relay-store.ts';
import type { Store } from '../ports/store.ts';

/** What ingesting a message (and every command) needs; kept apart so commands and ingest share it without a circle. */
export interface IngestDeps {
  store: Store;
  /** The bot's public base URL; post ids are URLs under it. */
  baseUrl: string;
  now: () => Date;
  newId: () => string;
  /** Channels allowed to run operators' commands (`ECHOBOT_ADMINS`); none when absent. */
  admins?: readonly Channel[];
  /** `ECHOBOT_POST_RATE_LIMIT`: posts per member per UTC hour; default 30, 0 = no limit. */
  postRateLimit?: number;
  /** `ECHOBOT_SMS_DAILY_BUDGET`: when today's SMS parts reached it, a post's author is told (once a day). */
  smsDailyBudget?: number;
  /** Remote follows (ActivityPub); absent = this bot does not federate (remote FOLLOW and D are answered so). */
  federation?: Pick<FederationStore, 'isFollowingRemote'>;
  /** The peer network (PEER commands, FOLLOW nick@host through peers); absent = no peers. */
  peers?: PeerCommandDeps;
  /** Our relay (RELAY commands); absent = this bot does not federate. */
  relay?: { store: RelayStore; offered: boolean };
}

export interface PeerCommandDeps {
  store: PeerStore;
  /** This bot's canonical base URL. */
  self: string;
  /** `ECHOBOT_ALLOW_PRIVATE=1`: loopback and private peer URLs are allowed (local runs). */
  allowPrivate: boolean;
  /** FOLLOW nick@host: peers or ActivityPub (lib/federation/follow-route.ts). */
  followVia: (handle: string) => Promise<FollowPath>;
}
