/**
 * What a relay (FEP-ae0c) sends, beside the vocabulary of activities.ts: the Follow of the public
 * collection a server subscribes with, and the Announce a relay forwards a post as.
 */
import { AS_CONTEXT, botActorOf, PUBLIC } from './activities.ts';

/** Subscribing to a relay: our bot actor follows the public collection (what Mastodon sends). */
export function relayFollowActivity(id: string, base: string) {
  return { '@context': AS_CONTEXT, id, type: 'Follow', actor: botActorOf(base), object: PUBLIC };
}

/**
 * A post forwarded to a relay subscriber: an Announce of the Note's id by our bot actor. The
 * receiver checks our signature and fetches the Note from its origin, where the author signs for
 * it; forwarding the original Create would need the author's signature over the original bytes,
 * which a post relayed to us through peers no longer has.
 */
export function relayAnnounceActivity(base: string, noteId: string, published: string) {
  const actor = botActorOf(base);
  return {
    '@context': AS_CONTEXT,
    id: `${actor}#announces/${encodeURIComponent(noteId)}`,
    type: 'Announce',
    actor,
    published,
    to: [PUBLIC],
    cc: [`${actor}/followers`],
    object: noteId,
  };
}
