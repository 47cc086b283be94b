import { randomUUID } from 'node:crypto';
import type { PeerControlAction, PeerSource } from '../../ports/peer-store.ts';
import type { Mutation } from '../../ports/store.ts';
import { expiresAfter, ITEM_TYPE, peerKey, type TransactItem } from './schema.ts';

/*
 * The peer items that member commands write through Store.commit (FOLLOW of a remote handle,
 * PEER ADD / DEL), apart from DynamoPeerStore: the members' store and the federation store
 * import only these, so a function without the peer network does not load the peer store.
 */

/** How long control items stay. */
const CONTROL_TTL_SECONDS = 24 * 3600;

export function ttl(at: Date, seconds: number): number {
  return expiresAfter(at.getTime(), seconds);
}

/** Store.commit's items for FOLLOW / UNFOLLOW of a remote handle (the `wants` item the stream syncs from). */
export function remoteFollowItems(
  TableName: string,
  m: Extract<Mutation, { kind: 'followRemote' | 'unfollowRemote' }>,
  add: (item: TransactItem) => void,
): void {
  const on = m.kind === 'followRemote';
  add({
    Put: {
      TableName,
      Item: {
        ...peerKey.wants(m.handle, `member#${m.memberId}`),
        type: ITEM_TYPE.wants,
        author: m.handle,
        on,
      },
    },
  });
  if (on) add({ Put: { TableName, Item: { ...peerKey.author(m.handle) } } });
}

/** Store.commit's items for PEER ADD / PEER DEL. */
export function peerAdminItems(
  TableName: string,
  m: Extract<Mutation, { kind: 'addPeer' | 'removePeer' }>,
  add: (item: TransactItem) => void,
): void {
  const at = new Date(m.at);
  if (m.kind === 'addPeer') {
    add({
      Put: {
        TableName,
        Item: newPeerItem(m.url, 'admin', at),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  } else {
    add({ Delete: { TableName, Key: peerKey.peer(m.url), ConditionExpression: 'attribute_exists(pk)' } });
  }
  add({ Put: { TableName, Item: controlItem(m.url, m.kind === 'addPeer' ? 'connect' : 'disconnect', at) } });
}

export function newPeerItem(url: string, source: PeerSource, at: Date): Record<string, unknown> {
  return {
    ...peerKey.peer(url),
    url,
    source,
    addedAt: at.toISOString(),
    outEpoch: randomUUID(),
    outSeq: 0,
  };
}

export function controlItem(peer: string, action: PeerControlAction, at: Date): Record<string, unknown> {
  return {
    ...peerKey.control(peer, `${at.toISOString()}#${randomUUID()}`),
    type: ITEM_TYPE.peerctl,
    peer,
    action,
    expiresAt: ttl(at, CONTROL_TTL_SECONDS),
  };
}
