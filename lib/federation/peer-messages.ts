/**
 * What echobots say to each other on `POST /federation/peer` (signed with the bot key; see
 * lib/drivers/routes/peer-routes.ts): interest messages (interest.ts), route adverts
 * (route-table.ts), and posts and their deletes wrapped in the multi-hop envelope (envelope.ts).
 */
import * as z from 'zod/mini';
import { authorityOfBot, authorityOfHandle, HandleSchema, HttpUrlSchema } from '../domain/addresses.ts';
import '../domain/zod-messages.ts';
import { type Envelope, EnvelopeSchema } from './envelope.ts';
import { InterestMessageSchema } from './interest.ts';
import { RouteAdvertSchema } from './route-table.ts';

export const PEER_PATH = '/federation/peer';
export const KEY_PATH = '/federation/key';
/** Longest post text relayed; a post is a text message, so this is generous. */
export const MAX_RELAYED_TEXT = 2000;

export const PeerPostSchema = z
  .object({
    type: z.literal('post'),
    envelope: EnvelopeSchema,
    post: z.object({
      id: HttpUrlSchema,
      author: HandleSchema,
      text: z.string().check(z.minLength(1)).check(z.maxLength(MAX_RELAYED_TEXT)),
      createdAt: z.iso.datetime(),
    }),
  })
  .check(
    z.superRefine((m, ctx) =>
      originRule(m.envelope, m.post.id, m.post.author, ctx, ['post', 'id'], ['post', 'author']),
    ),
  );

export type PeerPost = z.infer<typeof PeerPostSchema>;

/** Where a refinement reports what it found (zod's refinement context). */
interface IssueSink {
  addIssue(issue: { code: 'custom'; message: string; path: string[] }): void;
}

/**
 * The origin rule of a relayed post and of its delete: the envelope names the post and its author,
 * the author is a member of the origin bot and the post id is on it. A relayed message is signed by
 * the last bot of the path (peer-inbound.ts checks that), which vouches for the hops before it.
 */
function originRule(
  envelope: Envelope,
  postId: string,
  author: string,
  ctx: IssueSink,
  idPath: string[],
  authorPath: string[],
): void {
  if (postId !== envelope.postId)
    ctx.addIssue({ code: 'custom', message: 'post id differs from the envelope', path: idPath });
  if (author !== envelope.author)
    ctx.addIssue({ code: 'custom', message: 'author differs from the envelope', path: authorPath });
  // A handle names its origin bot: nobody can relay a post as coming from another bot's member.
  if (authorityOfHandle(envelope.author) !== authorityOfBot(envelope.origin))
    ctx.addIssue({ code: 'custom', message: 'author is not a member of the origin bot', path: ['envelope'] });
  if (new URL(postId).host !== authorityOfBot(envelope.origin))
    ctx.addIssue({ code: 'custom', message: 'post id is not on the origin bot', path: idPath });
}

/**
 * A member of the origin bot deleted the post: it goes the way the post went (to the peers whose
 * interest covers the author, forwarded by super-peers), in an envelope of its own (its hops count
 * afresh; de-duplicated by post id on each bot).
 */
export const PeerDeleteSchema = z
  .object({
    type: z.literal('delete'),
    envelope: EnvelopeSchema,
    postId: HttpUrlSchema,
    author: HandleSchema,
    at: z.iso.datetime(),
  })
  .check(z.superRefine((m, ctx) => originRule(m.envelope, m.postId, m.author, ctx, ['postId'], ['author'])));

export type PeerDelete = z.infer<typeof PeerDeleteSchema>;

export const PeerMessageSchema = z.union([
  PeerPostSchema,
  PeerDeleteSchema,
  InterestMessageSchema,
  RouteAdvertSchema,
]);
export type PeerMessage = z.infer<typeof PeerMessageSchema>;

/** The bot's public key as `GET /federation/key` publishes it (keyId = that URL, owner = the bot). */
export const PeerKeySchema = z.object({
  id: HttpUrlSchema,
  owner: HttpUrlSchema,
  publicKeyPem: z.string().check(z.startsWith('-----BEGIN PUBLIC KEY-----')).check(z.maxLength(10_000)),
});
export type PeerKey = z.infer<typeof PeerKeySchema>;

export function keyIdOf(botUrl: string): string {
  return `${botUrl}${KEY_PATH}`;
}

/** The bot a key id belongs to, or undefined when it is not `<bot>/federation/key`. */
export function botOfKeyId(keyId: string): string | undefined {
  return keyId.endsWith(KEY_PATH) ? keyId.slice(0, -KEY_PATH.length) : undefined;
}
