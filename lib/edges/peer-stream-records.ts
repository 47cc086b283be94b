import type { DynamoDBRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { ITEM_TYPE } from '../adapters/dynamodb/item-types.ts';
import '../domain/zod-messages.ts';
import type { PeerControlAction, RelayedDelete, RelayedPost } from '../ports/peer-store.ts';

const s = z.object({ S: z.string() });

export type PeerStreamEvent =
  | { kind: 'wants'; author: string }
  | { kind: 'relay'; post: RelayedPost }
  | { kind: 'relay-delete'; del: RelayedDelete }
  /** A post was tombstoned here; `nick` is set when it was a local member's. */
  | { kind: 'gone'; postId: string; nick?: string; at: string }
  | { kind: 'control'; peer: string; action: PeerControlAction };

const relayImage = z.object({
  postId: s,
  author: s,
  text: s,
  createdAt: s,
  envelope: s,
  from: s,
  receivedAt: s,
});
const relayDeleteImage = z.object({
  postId: s,
  author: s,
  at: s,
  envelope: s,
  from: s,
  receivedAt: s,
});
const goneImage = z.object({ pk: s, at: s, nick: z.optional(s) });
const GONE_PREFIX = 'GONE#';

const controlImage = z.object({
  peer: s,
  action: z.object({
    S: z.enum(['connect', 'snapshot', 'request-snapshot', 'routes-changed', 'disconnect']),
  }),
});

/** The peer network's stream records (types wants, relay, relaydel, gone, peerctl); undefined for anything else. */
export function peerEventFromStreamRecord(record: DynamoDBRecord): PeerStreamEvent | undefined {
  if (record.eventName === 'REMOVE') return undefined;
  const image = record.dynamodb?.NewImage;
  const type = image?.type?.S;
  if (type === ITEM_TYPE.wants) {
    const author = image?.author?.S;
    if (!author) throw new Error('malformed wants item');
    return { kind: 'wants', author };
  }
  if (type === ITEM_TYPE.relay && record.eventName === 'INSERT') {
    const r = relayImage.parse(image);
    return {
      kind: 'relay',
      post: {
        postId: r.postId.S,
        author: r.author.S,
        text: r.text.S,
        createdAt: r.createdAt.S,
        envelope: r.envelope.S,
        from: r.from.S,
        receivedAt: r.receivedAt.S,
      },
    };
  }
  if (type === ITEM_TYPE.relaydel && record.eventName === 'INSERT') {
    const r = relayDeleteImage.parse(image);
    return {
      kind: 'relay-delete',
      del: {
        postId: r.postId.S,
        author: r.author.S,
        at: r.at.S,
        envelope: r.envelope.S,
        from: r.from.S,
        receivedAt: r.receivedAt.S,
      },
    };
  }
  if (type === ITEM_TYPE.gone && record.eventName === 'INSERT') {
    const g = goneImage.parse(image);
    if (!g.pk.S.startsWith(GONE_PREFIX)) throw new Error('malformed gone item');
    const postId = g.pk.S.slice(GONE_PREFIX.length);
    return { kind: 'gone', postId, at: g.at.S, ...(g.nick ? { nick: g.nick.S } : {}) };
  }
  if (type === ITEM_TYPE.peerctl && record.eventName === 'INSERT') {
    const c = controlImage.parse(image);
    return { kind: 'control', peer: c.peer.S, action: c.action.S };
  }
  return undefined;
}
