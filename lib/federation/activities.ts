/**
 * The ActivityPub vocabulary echobot speaks, as plain builders (what we send and serve) and zod
 * schemas (what we accept). Why no vocabulary library: Fedify's is tied to its framework and
 * JSON-LD processing, activitystrea.ms is unmaintained; the subset here (Person/Service,
 * Note, Create, Follow, Accept, Undo, WebFinger JRD, NodeInfo 2.1) is what Mastodon itself
 * sends (plus Delete, Update, Reject and Block inbound), in the compacted form every server accepts, and zod checks the inbound side at the edge.
 */
import * as z from 'zod/mini';
import '../domain/zod-messages.ts';

export const AS_CONTEXT = 'https://www.w3.org/ns/activitystreams';
export const SECURITY_CONTEXT = 'https://w3id.org/security/v1';
export const PUBLIC = 'https://www.w3.org/ns/activitystreams#Public';
export const ACTIVITY_JSON = 'application/activity+json';
export const ACCEPT_ACTIVITY =
  'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"';

export const actorOf = (base: string, nick: string) => `${base}/users/${encodeURIComponent(nick)}`;
export const botActorOf = (base: string) => `${base}/actor`;
export const keyIdOf = (actor: string) => `${actor}#main-key`;
export const sharedInboxOf = (base: string) => `${base}/inbox`;

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** A member's actor: a Person whose key is the bot's (the bot signs for its members). No phone numbers, ever. */
export function personActor(base: string, nick: string, publicKeyPem: string) {
  const id = actorOf(base, nick);
  return {
    '@context': [AS_CONTEXT, SECURITY_CONTEXT],
    id,
    type: 'Person',
    preferredUsername: nick,
    name: nick,
    summary: `<p>${escapeHtml(nick)} on echobot ${escapeHtml(new URL(base).host)}</p>`,
    url: `${base}/@${encodeURIComponent(nick)}`,
    inbox: `${id}/inbox`,
    outbox: `${id}/outbox`,
    followers: `${id}/followers`,
    following: `${id}/following`,
    manuallyApprovesFollowers: false,
    discoverable: true,
    endpoints: { sharedInbox: sharedInboxOf(base) },
    publicKey: { id: keyIdOf(id), owner: id, publicKeyPem },
  };
}

/** The bot itself: a Service that signs key fetches and is followable as a whole bot. */
export function botActor(base: string, publicKeyPem: string) {
  const id = botActorOf(base);
  return {
    '@context': [AS_CONTEXT, SECURITY_CONTEXT],
    id,
    type: 'Service',
    preferredUsername: new URL(base).hostname,
    name: `echobot ${new URL(base).host}`,
    url: base,
    inbox: `${id}/inbox`,
    outbox: `${id}/outbox`,
    followers: `${id}/followers`,
    manuallyApprovesFollowers: false,
    endpoints: { sharedInbox: sharedInboxOf(base) },
    publicKey: { id: keyIdOf(id), owner: id, publicKeyPem },
  };
}

export interface NoteInput {
  id: string;
  actor: string;
  text: string;
  published: string;
  /** Public: to Public, cc the author's followers. Direct: to exactly these actors. */
  to: 'public' | string[];
}

export function note(n: NoteInput) {
  const addressing =
    n.to === 'public' ? { to: [PUBLIC], cc: [`${n.actor}/followers`] } : { to: n.to, cc: [] as string[] };
  return {
    id: n.id,
    type: 'Note',
    attributedTo: n.actor,
    content: `<p>${escapeHtml(n.text)}</p>`,
    source: { content: n.text, mediaType: 'text/plain' },
    published: n.published,
    url: n.id,
    ...addressing,
  };
}

export function createActivity(n: NoteInput) {
  const object = note(n);
  return {
    '@context': AS_CONTEXT,
    id: `${n.id}#create`,
    type: 'Create',
    actor: n.actor,
    published: n.published,
    to: object.to,
    cc: object.cc,
    object,
  };
}

/** A member's post taken back: a Delete of a Tombstone, addressed like the Create was (public). */
export function deleteActivity(postId: string, actor: string) {
  return {
    '@context': AS_CONTEXT,
    id: `${postId}#delete`,
    type: 'Delete',
    actor,
    to: [PUBLIC],
    cc: [`${actor}/followers`],
    object: { id: postId, type: 'Tombstone' },
  };
}

export function followActivity(id: string, actor: string, object: string) {
  return { '@context': AS_CONTEXT, id, type: 'Follow', actor, object };
}

export function undoActivity(id: string, actor: string, object: Record<string, unknown>) {
  return { '@context': AS_CONTEXT, id, type: 'Undo', actor, object };
}

export function acceptActivity(
  id: string,
  actor: string,
  follow: { id: string; actor: string; object: string },
) {
  return {
    '@context': AS_CONTEXT,
    id,
    type: 'Accept',
    actor,
    object: { id: follow.id, type: 'Follow', actor: follow.actor, object: follow.object },
  };
}

export function orderedCollection(id: string, items: unknown[], totalItems = items.length) {
  return { '@context': AS_CONTEXT, id, type: 'OrderedCollection', totalItems, orderedItems: items };
}

export function webfingerJrd(subject: string, actor: string, profile: string) {
  return {
    subject,
    aliases: [actor, profile],
    links: [
      { rel: 'self', type: ACTIVITY_JSON, href: actor },
      { rel: 'http://webfinger.net/rel/profile-page', type: 'text/html', href: profile },
    ],
  };
}

export function nodeInfo(usersTotal: number, localPosts: number | undefined, version: string) {
  return {
    version: '2.1',
    software: { name: 'echobot', version, repository: 'https://github.com/echobot/echobot' },
    protocols: ['activitypub'],
    services: { inbound: [], outbound: [] },
    openRegistrations: true,
    usage: { users: { total: usersTotal }, ...(localPosts !== undefined ? { localPosts } : {}) },
    metadata: {},
  };
}

// ---- inbound: what we accept ----------------------------------------------------------------

const url = z
  .string()
  .check(z.maxLength(2048))
  .check(z.refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'not an http(s) URL'));
/** A reference: an IRI or an embedded object with an id. */
const ref = z.union([
  url,
  z.pipe(
    z.object({ id: url }),
    z.transform((o) => o.id),
  ),
]);
const audience = z.pipe(
  z.optional(z.union([z.string(), z.array(z.string()).check(z.maxLength(1000))])),
  z.transform((v) => (v === undefined ? [] : typeof v === 'string' ? [v] : v)),
);

export const RemoteActorSchema = z.object({
  id: url,
  type: z.string(),
  preferredUsername: z.optional(z.string().check(z.minLength(1)).check(z.maxLength(200))),
  inbox: url,
  endpoints: z.optional(z.object({ sharedInbox: z.optional(url) })),
  publicKey: z.optional(
    z.union([
      z.object({ id: z.string(), owner: z.string(), publicKeyPem: z.string().check(z.maxLength(10_000)) }),
      z.array(
        z.object({ id: z.string(), owner: z.string(), publicKeyPem: z.string().check(z.maxLength(10_000)) }),
      ),
    ]),
  ),
});
export type RemoteActorDoc = z.infer<typeof RemoteActorSchema>;

export const NoteSchema = z.object({
  id: url,
  type: z.literal('Note'),
  attributedTo: ref,
  content: z._default(z.string().check(z.maxLength(100_000)), ''),
  source: z.optional(z.object({ content: z.string().check(z.maxLength(100_000)) })),
  published: z.optional(z.string()),
  to: audience,
  cc: audience,
});

const FollowSchema = z.object({ id: url, type: z.literal('Follow'), actor: ref, object: ref });

/** What a Reject refuses: our Follow, by id or embedded (some servers drop the embedded id). */
const RejectedFollowSchema = z.union([
  z.pipe(
    url,
    z.transform((id) => ({ id, type: 'Follow', actor: undefined, object: undefined })),
  ),
  z.object({ id: z.optional(url), type: z.string(), actor: z.optional(ref), object: z.optional(ref) }),
]);

/** What a Delete names: a post or an actor, by id or embedded (a Note, a Tombstone, a Person). */
const DeletedObjectSchema = z.union([
  z.pipe(
    url,
    z.transform((id) => ({ id, type: undefined, attributedTo: undefined })),
  ),
  z.object({ id: url, type: z.optional(z.string()), attributedTo: z.optional(ref) }),
]);

/** What an Update carries: an edited Note, or an actor's new profile (type Person, Service, ...). */
const UpdatedObjectSchema = z.union([
  NoteSchema,
  z.looseObject({ id: url, type: z.string().check(z.refine((t) => t !== 'Note')) }),
]);

export const InboxActivitySchema = z.discriminatedUnion('type', [
  z.object({ id: url, type: z.literal('Create'), actor: ref, object: NoteSchema }),
  FollowSchema,
  z.object({
    id: url,
    type: z.literal('Accept'),
    actor: ref,
    object: z.union([url, z.partial(FollowSchema, { id: true })]),
  }),
  z.object({ id: url, type: z.literal('Reject'), actor: ref, object: RejectedFollowSchema }),
  z.object({
    id: url,
    type: z.literal('Undo'),
    actor: ref,
    object: z.union([FollowSchema, z.looseObject({ type: z.string(), id: z.optional(url) }), url]),
  }),
  z.object({ id: url, type: z.literal('Delete'), actor: ref, object: DeletedObjectSchema }),
  z.object({ id: url, type: z.literal('Update'), actor: ref, object: UpdatedObjectSchema }),
  z.object({ id: url, type: z.literal('Block'), actor: ref, object: ref }),
]);
export type InboxActivity = z.infer<typeof InboxActivitySchema>;

/** Activity types we accept and ignore (202, nothing stored): the fediverse sends many. */
export const IGNORED_TYPES = ['Like', 'Announce', 'Add', 'Remove', 'Move', 'Flag', 'EmojiReact'];

export const WebfingerSchema = z.object({
  subject: z.optional(z.string()),
  links: z
    .array(z.object({ rel: z.string(), type: z.optional(z.string()), href: z.optional(z.string()) }))
    .check(z.maxLength(100)),
});

/** Plain text of a Note: its `source` when given, else its HTML with tags stripped and entities decoded. */
export function noteText(n: z.infer<typeof NoteSchema>): string {
  if (n.source?.content) return n.source.content.trim();
  return n.content
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p>/gi, '\n\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();
}
