/**
 * The relay side of the inbox (FEP-ae0c), in both directions. As a relay: a server's actor
 * subscribes with `Follow` of the public collection (answered `Accept`), and `Undo` of that
 * Follow unsubscribes. As a subscriber of relays we joined: their `Accept` marks the join, and
 * what they forward (`Announce` of a Note, or a forwarded `Create`) is fetched from the Note's
 * origin with a signed GET, so only the author's server vouches for its text.
 */

import * as z from 'zod/mini';
import { BadRequestError, ForbiddenError, UnauthorizedError } from '../../domain/errors.ts';
import type { FederationTask } from '../../domain/federation-task.ts';
import { isPublicCollection, mayRelayTo } from '../../domain/relay.ts';
import { charCount } from '../../domain/text.ts';
import '../../domain/zod-messages.ts';
import { remoteEntry } from '../../domain/timeline.ts';
import { acceptActivity, botActorOf, NoteSchema, noteText, PUBLIC } from '../../federation/activities.ts';
import type { Log } from '../../ports/logger.ts';
import type { RelayStore } from '../../ports/relay-store.ts';
import type { TimelineWriter } from '../../ports/timeline.ts';
import { actorById, type FederationNet, RemoteError, signedGet } from './remote-actors.ts';

export interface RelayInboxDeps {
  net: FederationNet;
  relay: {
    store: RelayStore;
    /** This bot offers a relay (a super-peer, `ECHOBOT_RELAY=1`); otherwise relay Follows get 403. */
    offered: boolean;
  };
  timeline?: TimelineWriter;
  now: () => Date;
  newId: () => string;
  log: Log;
}

export type RelayOutcome = 'accepted' | 'duplicate' | 'ignored';

const iri = z
  .string()
  .check(z.maxLength(2048))
  .check(z.refine((v) => URL.canParse(v), 'not a URL'));
/** An object reference: an IRI (or `as:Public`), or an embedded object with an id. */
const objectRef = z.union([
  z.string().check(z.maxLength(2048)),
  z.pipe(
    z.object({ id: z.string().check(z.maxLength(2048)) }),
    z.transform((o) => o.id),
  ),
]);
const actorRef = z.union([
  iri,
  z.pipe(
    z.object({ id: iri }),
    z.transform((o) => o.id),
  ),
]);

const FollowShape = z.object({ id: iri, type: z.literal('Follow'), actor: actorRef, object: objectRef });
const UndoShape = z.object({
  id: iri,
  type: z.literal('Undo'),
  actor: actorRef,
  object: z.looseObject({ type: z.literal('Follow'), object: objectRef }),
});
const ForwardShape = z.object({
  id: iri,
  type: z.enum(['Announce', 'Create']),
  actor: actorRef,
  object: z.union([
    iri,
    z.pipe(
      z.looseObject({ id: iri }),
      z.transform((o) => o.id),
    ),
  ]),
});

const typeOf = (json: unknown) =>
  typeof json === 'object' && json !== null && 'type' in json && typeof json.type === 'string'
    ? json.type
    : undefined;

/** Longest relayed text we pass on (the same cut as inbox.ts's MAX_REMOTE_CHARS; that module imports this one). */
const MAX_REMOTE_CHARS = 500;

function clip(text: string): string {
  if (charCount(text) <= MAX_REMOTE_CHARS) return text;
  return `${[...text].slice(0, MAX_REMOTE_CHARS - 1).join('')}…`;
}

/**
 * Handles a verified inbox activity if it belongs to a relay, else `undefined` (the ordinary
 * inbox takes it). `signer` is the verified signing actor; `url` the URL the request addressed.
 */
export async function relayInbound(
  deps: RelayInboxDeps,
  signer: string,
  json: unknown,
  url: string,
  /** Whether the signer is a relay we joined, when the caller read it already (inboundView). */
  signerJoined?: boolean,
): Promise<RelayOutcome | undefined> {
  const isJoined = async () => signerJoined ?? (await deps.relay.store.joinedRelay(signer)) !== undefined;
  switch (typeOf(json)) {
    case 'Follow':
      return subscribe(deps, signer, json, url);
    case 'Undo':
      return unsubscribe(deps, signer, json);
    case 'Accept':
      return (await isJoined()) ? joined(deps, signer, json) : undefined;
    case 'Announce':
      return (await isJoined()) ? forwarded(deps, signer, json) : undefined;
    case 'Create':
      // From a relay we joined: a forwarded post. From a subscriber of ours: re-announced to the
      // others, and then handled as any inbound post (undefined: the ordinary inbox goes on).
      return (await isJoined()) ? forwarded(deps, signer, json) : fromSubscriber(deps, signer, json);
    default:
      return undefined;
  }
}

async function subscribe(
  deps: RelayInboxDeps,
  signer: string,
  json: unknown,
  url: string,
): Promise<RelayOutcome | undefined> {
  const parsed = FollowShape.safeParse(json);
  if (!parsed.success) return undefined;
  const follow = parsed.data;
  const base = deps.net.baseUrl;
  const me = botActorOf(base);
  const toBotInbox = new URL(url).pathname === '/actor/inbox';
  if (!isPublicCollection(follow.object)) {
    // A member's Follow is the ordinary inbox's; the bot actor itself is followed only as a relay.
    if (follow.object !== me && !(toBotInbox && !follow.object.startsWith(`${base}/users/`)))
      return undefined;
    throw new BadRequestError(
      `this bot's actor accepts only a Follow of ${PUBLIC} (a relay subscription), not of ${follow.object}`,
    );
  }
  if (follow.actor !== signer) throw new UnauthorizedError('the signer is not the activity’s actor');
  if (!deps.relay.offered)
    throw new ForbiddenError('this bot is not a relay (its operator has not turned ECHOBOT_RELAY on)');
  const host = new URL(signer).host.toLowerCase();
  const [mode, allowed] = await Promise.all([deps.relay.store.relayMode(), deps.relay.store.allowedHosts()]);
  if (!mayRelayTo(host, mode, allowed))
    throw new ForbiddenError(
      `${host} is not on this relay's allowlist (an operator sends RELAY ALLOW ${host})`,
    );
  const subscriber = await actorById(deps.net, signer);
  const accept = acceptActivity(`${me}#accepts/${deps.newId()}`, me, {
    id: follow.id,
    actor: follow.actor,
    object: PUBLIC,
  });
  const task: FederationTask = {
    type: 'deliver',
    id: `relay-accept:${deps.newId()}`,
    inbox: subscriber.inbox,
    activity: JSON.stringify(accept),
    actor: me,
  };
  const at = deps.now();
  const stored = await deps.relay.store.subscribe(
    follow.id,
    at,
    {
      actorId: subscriber.id,
      inbox: subscriber.sharedInbox ?? subscriber.inbox,
      host,
      since: at.toISOString(),
    },
    task,
  );
  deps.log('info', 'relay subscriber', { actor: subscriber.id, stored });
  return stored ? 'accepted' : 'duplicate';
}

async function unsubscribe(
  deps: RelayInboxDeps,
  signer: string,
  json: unknown,
): Promise<RelayOutcome | undefined> {
  const parsed = UndoShape.safeParse(json);
  if (!parsed.success || !isPublicCollection(parsed.data.object.object)) return undefined;
  if (parsed.data.actor !== signer) throw new UnauthorizedError('the signer is not the activity’s actor');
  // Idempotent: a replayed Undo removes nothing more.
  await deps.relay.store.unsubscribe(signer);
  const fresh = await deps.net.store.applyInbound(parsed.data.id, deps.now(), []);
  deps.log('info', 'relay unsubscribed', { actor: signer });
  return fresh ? 'accepted' : 'duplicate';
}

/** An Accept from a relay we joined (the caller checked that). */
async function joined(
  deps: RelayInboxDeps,
  signer: string,
  json: unknown,
): Promise<RelayOutcome | undefined> {
  const actor = z.object({ id: iri, actor: actorRef }).safeParse(json);
  if (!actor.success) return undefined;
  if (actor.data.actor !== signer) throw new UnauthorizedError('the signer is not the activity’s actor');
  await deps.relay.store.markJoined(signer);
  deps.log('info', 'relay joined', { relay: signer });
  return (await deps.net.store.applyInbound(actor.data.id, deps.now(), [])) ? 'accepted' : 'duplicate';
}

const SubscriberCreate = z.object({
  id: iri,
  type: z.literal('Create'),
  actor: actorRef,
  object: z.looseObject({
    id: iri,
    type: z.literal('Note'),
    attributedTo: actorRef,
    published: z.optional(z.string()),
    to: z.optional(z.union([z.string(), z.array(z.string()).check(z.maxLength(1000))])),
    cc: z.optional(z.union([z.string(), z.array(z.string()).check(z.maxLength(1000))])),
  }),
});

const audienceOf = (v: string | string[] | undefined) =>
  v === undefined ? [] : typeof v === 'string' ? [v] : v;

/**
 * A public post that a server subscribed to our relay sends us (Mastodon sends its public posts to
 * its relays): by the signer, of the signer's own host. One `relayAnnounce` task, written once per
 * Note id, has the fanout function announce it to the other subscribers.
 */
async function fromSubscriber(deps: RelayInboxDeps, signer: string, json: unknown): Promise<undefined> {
  if (!deps.relay.offered) return undefined;
  const parsed = SubscriberCreate.safeParse(json);
  if (!parsed.success) return undefined;
  const { actor, object } = parsed.data;
  const host = new URL(signer).host.toLowerCase();
  if (actor !== signer || object.attributedTo !== signer || new URL(object.id).host.toLowerCase() !== host)
    return undefined;
  if (![...audienceOf(object.to), ...audienceOf(object.cc)].some(isPublicCollection)) return undefined;
  if (!(await deps.relay.store.subscribers()).some((s) => s.host === host)) return undefined;
  const at = deps.now();
  const published =
    object.published && !Number.isNaN(Date.parse(object.published))
      ? new Date(object.published).toISOString()
      : at.toISOString();
  const task: FederationTask = {
    type: 'relayAnnounce',
    id: `relay-announce:${deps.newId()}`,
    noteId: object.id,
    from: host,
    published,
  };
  await deps.net.store.applyInbound(`relay-forward:${object.id}`, at, [{ kind: 'putTask', task }]);
  return undefined;
}

/**
 * A post a relay forwards. The relay's signature says only that the relay sent it; the text is
 * read from the Note's origin (a signed GET), and the Note must be public and by an actor of its
 * own origin. De-duplicated by the Note's id, so the same post through two relays is one post.
 * The caller checked that the signer is a relay we joined.
 */
async function forwarded(deps: RelayInboxDeps, signer: string, json: unknown): Promise<RelayOutcome> {
  const parsed = ForwardShape.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadRequestError(`not a relayed post: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`);
  }
  const activity = parsed.data;
  if (activity.type === 'Announce' && activity.actor !== signer)
    throw new UnauthorizedError('the signer is not the activity’s actor');
  let doc: unknown;
  try {
    doc = await signedGet(deps.net, activity.object, 'application/activity+json');
  } catch (err) {
    if (err instanceof RemoteError && err.permanent) {
      deps.log('info', 'relayed post not fetched', { id: activity.object, reason: err.message });
      return 'ignored';
    }
    throw err;
  }
  const note = NoteSchema.safeParse(doc);
  if (!note.success) return 'ignored';
  const n = note.data;
  const origin = new URL(activity.object).host;
  const author = typeof n.attributedTo === 'string' ? n.attributedTo : '';
  if (new URL(n.id).host !== origin || !URL.canParse(author) || new URL(author).host !== origin) {
    deps.log('warn', 'relayed post refused: not from its origin', { id: activity.object, relay: signer });
    return 'ignored';
  }
  if (![...n.to, ...n.cc].some(isPublicCollection)) return 'ignored';
  const text = clip(noteText(n));
  if (text === '') return 'ignored';
  const actor = await actorById(deps.net, author);
  const task: FederationTask = {
    type: 'remoteNote',
    id: `relayed:${deps.newId()}`,
    noteId: n.id,
    handle: actor.handle,
    text,
    relayed: true,
  };
  const at = deps.now();
  // The timeline entry commits with the task, as for a followed author's note (inbox.ts).
  const fresh = await deps.net.store.applyInbound(`relayed-note:${n.id}`, at, [
    { kind: 'putTask', task },
    ...(deps.timeline
      ? [
          {
            kind: 'recordTimeline' as const,
            entry: remoteEntry({ id: n.id, handle: actor.handle, text, published: n.published, at }),
          },
        ]
      : []),
  ]);
  deps.log('info', 'relayed post', { id: n.id, relay: signer, fresh });
  return fresh ? 'accepted' : 'duplicate';
}
