import type { FederationTask } from '../domain/federation-task.ts';
import type { RelayMode } from '../domain/relay.ts';

/** A server subscribed to this bot's relay: its (instance) actor and where relayed posts go. */
export interface RelaySubscriber {
  actorId: string;
  /** The shared inbox when the server has one, else the actor's inbox. */
  inbox: string;
  /** `host[:port]` of the actor (RELAY ALLOW / REMOVE name hosts). */
  host: string;
  since: string;
}

/** A relay this bot subscribed to (`ECHOBOT_AP_RELAYS`): `pending` until its Accept arrives. */
export interface JoinedRelay {
  actorId: string;
  inbox: string;
  /** The id of the Follow we sent (the Accept names it). */
  followId: string;
  state: 'pending' | 'accepted';
  since: string;
}

/** Both sides of FEP-ae0c relays: servers subscribed to us, and relays we subscribed to. */
export interface RelayStore {
  /**
   * Records the Follow's activity id, the subscriber and the Accept task in one transaction.
   * `false` when the activity id was seen before (a retried delivery): nothing is written.
   */
  subscribe(
    activityId: string,
    at: Date,
    subscriber: RelaySubscriber,
    accept: FederationTask,
  ): Promise<boolean>;
  /** Undo(Follow) or RELAY REMOVE: the subscriber goes (nothing to do when it is not one). */
  unsubscribe(actorId: string): Promise<void>;
  subscribers(): Promise<RelaySubscriber[]>;
  relayMode(): Promise<RelayMode>;
  setRelayMode(mode: RelayMode): Promise<void>;
  /** Hosts RELAY ALLOW admitted (lower case). */
  allowedHosts(): Promise<Set<string>>;
  setHostAllowed(host: string, allowed: boolean): Promise<void>;
  /**
   * Writes the joined relay as `pending` with its Follow task, once: `false` when that relay is
   * already recorded (pending or accepted), and then nothing is written.
   */
  startJoin(relay: Omit<JoinedRelay, 'state' | 'since'>, at: Date, follow: FederationTask): Promise<boolean>;
  /** The relay's Accept arrived: `false` when `actorId` is no relay we joined. */
  markJoined(actorId: string): Promise<boolean>;
  joinedRelays(): Promise<JoinedRelay[]>;
  joinedRelay(actorId: string): Promise<JoinedRelay | undefined>;
}
