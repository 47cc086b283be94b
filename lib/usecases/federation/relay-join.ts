/**
 * Joining existing relays (`ECHOBOT_AP_RELAYS`, CDK context `apRelays`): our bot actor sends each
 * relay a Follow of the public collection, once. The joined relay is stored `pending` with the
 * Follow's task in one transaction (so a restart, a second container or a retry sends nothing
 * more), and becomes `accepted` when the relay's Accept reaches the inbox (relay-inbox.ts).
 */
import type { FederationTask } from '../../domain/federation-task.ts';
import { botActorOf } from '../../federation/activities.ts';
import { relayFollowActivity } from '../../federation/relay-activities.ts';
import type { InfoLog } from '../../ports/logger.ts';
import type { RelayStore } from '../../ports/relay-store.ts';
import { actorById, type FederationNet, RemoteError } from './remote-actors.ts';

export interface RelayJoinDeps {
  net: FederationNet;
  relays: Pick<RelayStore, 'joinedRelay' | 'startJoin'>;
  now: () => Date;
  newId: () => string;
  log: InfoLog;
}

export type JoinOutcome = 'joining' | 'already' | 'failed';

/**
 * The relay's actor. Admins are often given a relay's inbox URL (what Mastodon's admin page takes):
 * when `url` is no actor and ends in `/inbox`, the relay's `/actor` beside it is tried.
 */
async function relayActor(net: FederationNet, url: string) {
  try {
    return await actorById(net, url);
  } catch (err) {
    if (!(err instanceof RemoteError) || !/\/inbox\/?$/.test(new URL(url).pathname)) throw err;
    return actorById(net, new URL('/actor', url).href);
  }
}

/** Sends the Follow to every configured relay not yet joined; a relay that cannot be reached is logged and tried again next start. */
export async function joinRelays(
  deps: RelayJoinDeps,
  urls: readonly string[],
): Promise<Record<string, JoinOutcome>> {
  const out: Record<string, JoinOutcome> = {};
  for (const url of urls) {
    try {
      if (await deps.relays.joinedRelay(url)) {
        out[url] = 'already';
        continue;
      }
      const relay = await relayActor(deps.net, url);
      if (relay.id !== url && (await deps.relays.joinedRelay(relay.id))) {
        out[url] = 'already';
        continue;
      }
      const followId = `${botActorOf(deps.net.baseUrl)}#relay-follows/${deps.newId()}`;
      const task: FederationTask = {
        type: 'deliver',
        id: `relay-follow:${deps.newId()}`,
        inbox: relay.inbox,
        activity: JSON.stringify(relayFollowActivity(followId, deps.net.baseUrl)),
        actor: botActorOf(deps.net.baseUrl),
      };
      const fresh = await deps.relays.startJoin(
        { actorId: relay.id, inbox: relay.inbox, followId },
        deps.now(),
        task,
      );
      out[url] = fresh ? 'joining' : 'already';
      deps.log('relay join', { relay: relay.id, outcome: out[url] });
    } catch (err) {
      out[url] = 'failed';
      deps.log('relay join failed', { relay: url, error: String(err) });
    }
  }
  return out;
}
