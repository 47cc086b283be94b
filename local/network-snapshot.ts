import { EnvelopeSchema } from '../lib/federation/envelope.ts';
import type { LeafStore } from '../lib/ports/leaf-store.ts';
import type { PeerStore } from '../lib/ports/peer-store.ts';
import type { Store } from '../lib/ports/store.ts';
import type { TimelineReader } from '../lib/ports/timeline.ts';
import type { NetworkSnapshot } from './network-view.ts';

/** `GET /dev/network`: this bot, its peers, the leaves it serves, and the paths of recent posts (the network view). */
export async function networkSnapshotOf(input: {
  self: string;
  relay: boolean;
  peers: PeerStore;
  leaves: Pick<LeafStore, 'listLeaves' | 'heldCount'>;
  store: Store;
  timeline: TimelineReader;
}): Promise<NetworkSnapshot & { routes: Record<string, number>; interest: Record<string, string[]> }> {
  const { peers } = input;
  const list = await peers.listPeers();
  const relayed = await peers.recentRelayed(50);
  const local = (await input.timeline.recent({ limit: 50 })).entries.filter((e) => e.local);
  const recipientsOf = async (author: string) => {
    const wants = await peers.wantsOf(author);
    const members = await input.store.membersByIds(wants.members);
    return [...members.values()].map((m) => m.nick);
  };
  const posts: NetworkSnapshot['posts'] = [];
  for (const r of relayed) {
    const envelope = EnvelopeSchema.safeParse(JSON.parse(r.envelope));
    const path = envelope.success ? envelope.data.path : [];
    posts.push({
      id: r.postId,
      author: r.author,
      path,
      from: r.from,
      recipients: await recipientsOf(r.author),
    });
  }
  for (const e of local) posts.push({ id: e.id, author: e.author, path: [], from: null, recipients: [] });
  const routes: Record<string, number> = {};
  for (const p of list)
    for (const [a, d] of Object.entries(p.routes ?? {})) routes[a] = Math.min(routes[a] ?? 99, d + 1);
  const interest: Record<string, string[]> = {};
  for (const p of list) interest[p.url] = await peers.peerInterest(p.url);
  // Peers whose last send failed (the deliver function records it): the view draws those links down.
  const down = list.filter((p) => p.healthy === false).map((p) => p.url);
  const leaves: NonNullable<NetworkSnapshot['leaves']> = [];
  for (const l of await input.leaves.listLeaves())
    leaves.push({
      url: l.url,
      ...(l.lastPoll ? { lastPoll: l.lastPoll } : {}),
      held: await input.leaves.heldCount(l.url),
      dropped: l.dropped,
    });
  return {
    url: input.self,
    relay: input.relay,
    peers: list.map((p) => p.url),
    down,
    leaves,
    posts,
    routes,
    interest,
  };
}
