import { BadRequestError } from '../../domain/errors.ts';
import { PEER_REPLIES } from '../../domain/replies/peer.ts';
import { assertPublicUrl } from '../../edges/public-url.ts';
import type { PeerCommandDeps } from '../ingest-deps.ts';
import { isAdmin } from './admin.ts';
import { type CommandContext, type Decision, reply } from './decision.ts';

async function guard(ctx: CommandContext): Promise<{ deps: PeerCommandDeps } | { refusal: Decision }> {
  if (!isAdmin(ctx)) return { refusal: reply(PEER_REPLIES.notAdmin()) };
  const deps = ctx.deps.peers;
  if (!deps) return { refusal: reply(PEER_REPLIES.noPeers()) };
  return { deps };
}

/** PEER ADD <url> (operators): stored with a `connect` control item; the fanout function does the rest. */
export async function peerAdd(ctx: CommandContext, url: string): Promise<Decision> {
  const g = await guard(ctx);
  if ('refusal' in g) return g.refusal;
  if (url === g.deps.self) return reply(PEER_REPLIES.self());
  try {
    await assertPublicUrl(url, { allowPrivate: g.deps.allowPrivate });
  } catch (err) {
    if (err instanceof BadRequestError)
      return reply(PEER_REPLIES.refused(err.message.replace(/^callback/, 'the URL')));
    throw err;
  }
  if (await g.deps.store.getPeer(url)) return reply(PEER_REPLIES.already(url));
  return reply(PEER_REPLIES.added(url), [{ kind: 'addPeer', url, at: ctx.deps.now().toISOString() }]);
}

/** PEER DEL <url> (operators): the peer item goes, and a `disconnect` control item forgets its interest. */
export async function peerDel(ctx: CommandContext, url: string): Promise<Decision> {
  const g = await guard(ctx);
  if ('refusal' in g) return g.refusal;
  if (!(await g.deps.store.getPeer(url))) return reply(PEER_REPLIES.unknown(url));
  return reply(PEER_REPLIES.removed(url), [{ kind: 'removePeer', url, at: ctx.deps.now().toISOString() }]);
}

/** PEERS (operators): each peer and whether it answered last time or is routed around. */
export async function listPeers(ctx: CommandContext): Promise<Decision> {
  const g = await guard(ctx);
  if ('refusal' in g) return g.refusal;
  const peers = await g.deps.store.listPeers();
  return reply(
    PEER_REPLIES.list(
      // Down: its last send failed, or routes go around it (the failover flag).
      peers.map(
        (p) => `${p.url} ${p.down === true || p.healthy === false ? 'down' : p.healthy ? 'ok' : 'new'}`,
      ),
    ),
  );
}
