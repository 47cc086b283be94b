import { createHash } from 'node:crypto';
import { echoChannels } from '../../domain/echo-channels.ts';
import { ForbiddenError } from '../../domain/errors.ts';
import { FEDERATION_REPLIES } from '../../domain/replies/federation.ts';
import { charCount } from '../../domain/text.ts';
import { keyIdOf, NoteSchema, noteText, RemoteActorSchema } from '../../federation/activities.ts';
import type { InboxWrite } from '../../ports/federation.ts';
import type { Store } from '../../ports/store.ts';
import type { TimelineReader } from '../../ports/timeline.ts';
import { actorById, type FederationNet, handleOfDoc } from './remote-actors.ts';

/**
 * The inbox activities that change or take back what we hold: Delete, Update, Reject and Block.
 * Only an object's owner may delete or update it: its id on the signer's origin, and its author
 * (attributedTo, or the author we recorded) the signer. Anything else is a ForbiddenError (403),
 * raised before anything is written.
 */
export interface ChangeDeps {
  net: FederationNet;
  members: Pick<Store, 'memberByNick' | 'timelineEntry'>;
  /** An author's posts on our timeline (a deleted actor's posts go too). */
  posts?: Pick<TimelineReader, 'byAuthor'>;
  /** Drops a cached public key (an Update of a Person may carry a new one). */
  forgetKey?: (keyId: string) => void;
  now: () => Date;
  /** Applies writes with the activity's de-duplication record (the inbox's `apply`). */
  apply: (writes: InboxWrite[]) => Promise<'accepted' | 'duplicate'>;
  /** Applies a part of a large change under its own de-duplication id (idempotent writes only). */
  applyPart: (partId: string, writes: InboxWrite[]) => Promise<unknown>;
}

/** Longest remote text we keep (the same limit as a Create's). */
const MAX_REMOTE_CHARS = 500;
function clip(text: string): string {
  if (charCount(text) <= MAX_REMOTE_CHARS) return text;
  return `${[...text].slice(0, MAX_REMOTE_CHARS - 1).join('')}…`;
}

const originOf = (u: string) => new URL(u).origin;

/** The local member an actor URL of this bot names (`<base>/users/<nick>`, maybe with a `#fragment`). */
export function localNickOf(base: string, actorUrl: string): string | undefined {
  const prefix = `${base}/users/`;
  if (!actorUrl.startsWith(prefix)) return undefined;
  const rest = actorUrl.slice(prefix.length).replace(/#.*$/, '');
  return /^[a-z0-9_]{2,15}$/.test(rest) ? rest : undefined;
}

/** Ours to refuse when the signer does not own the object. */
function ownedBy(actor: string, objectId: string, attributedTo: string | undefined): void {
  if (originOf(objectId) !== originOf(actor))
    throw new ForbiddenError('only the owner may delete or update an object: it is on another origin');
  if (attributedTo !== undefined && attributedTo !== actor)
    throw new ForbiddenError('only the owner may delete or update an object: it is by another actor');
}

/** Several writes per transaction, well under DynamoDB's 100 items (a post delete is 5 items). */
const PART_SIZE = 15;

/** Writes too many for one transaction: the leading parts under ids derived from their content, the last with the activity. */
async function applyMany(deps: ChangeDeps, activityId: string, writes: InboxWrite[]) {
  const last = writes.length - (writes.length % PART_SIZE || PART_SIZE);
  for (let i = 0; i < last; i += PART_SIZE) {
    const part = writes.slice(i, i + PART_SIZE);
    // Content-derived: a retry after a partial run re-lists only what is left, so it never skips a part.
    const digest = createHash('sha256').update(JSON.stringify(part)).digest('hex').slice(0, 24);
    await deps.applyPart(`${activityId}#part-${digest}`, part);
  }
  return deps.apply(writes.slice(last));
}

export async function onDelete(
  deps: ChangeDeps,
  activity: { id: string; actor: string; object: { id: string; attributedTo?: string | undefined } },
) {
  const { actor } = activity;
  const objectId = activity.object.id;
  if (objectId === actor) return deleteActor(deps, activity.id, actor);
  ownedBy(actor, objectId, activity.object.attributedTo);
  if (await deps.net.store.actorById(objectId))
    throw new ForbiddenError('an actor may delete only itself, not another actor');
  const entry = await deps.members.timelineEntry(objectId);
  if (entry) {
    const author = await actorById(deps.net, actor);
    if (entry.local || entry.authorKey !== author.handle)
      throw new ForbiddenError('only the owner may delete a post: we know it by another author');
  }
  // Tombstoned even when we never showed it: its echoes may still be queued.
  return deps.apply([
    { kind: 'deletePost', postId: objectId, at: deps.now().toISOString(), ...(entry ? { entry } : {}) },
  ]);
}

/** The actor is gone: its posts leave our pages, and every follow between it and our members goes. */
async function deleteActor(deps: ChangeDeps, activityId: string, actor: string) {
  // Never fetched: a deleted actor's document answers 410. Unknown to us = nothing of it here.
  const known = await deps.net.store.actorById(actor);
  const writes: InboxWrite[] = [];
  const at = deps.now().toISOString();
  if (known && deps.posts) {
    let before: string | undefined;
    do {
      const page = await deps.posts.byAuthor(known.handle, { limit: 100, ...(before ? { before } : {}) });
      for (const entry of page.entries) writes.push({ kind: 'deletePost', postId: entry.id, entry, at });
      before = page.before;
    } while (before);
  }
  writes.push(...(await followsBothWays(deps, actor, known?.handle)));
  return applyMany(deps, activityId, writes);
}

/** Removals of every follow between a remote actor and our members (`only`: one member's). */
async function followsBothWays(
  deps: ChangeDeps,
  actor: string,
  handle: string | undefined,
  only?: string,
): Promise<InboxWrite[]> {
  const writes: InboxWrite[] = [];
  for (const memberId of await deps.net.store.followedBy(actor))
    if (only === undefined || memberId === only)
      writes.push({ kind: 'removeFollower', memberId, actorId: actor });
  if (handle)
    for (const memberId of await deps.net.store.localFollowersOf(handle))
      if (only === undefined || memberId === only) writes.push(...unfollowWrites(handle, memberId));
  return writes;
}

const unfollowWrites = (handle: string, memberId: string): InboxWrite[] => [
  { kind: 'setRemoteFollow', handle, memberId, following: false },
  { kind: 'unfollowRemote', memberId, handle },
];

export async function onUpdate(
  deps: ChangeDeps,
  activity: { id: string; actor: string; object: { id: string; type: string } & Record<string, unknown> },
  forget: (keyId: string) => void,
) {
  const { actor, object } = activity;
  const note = NoteSchema.safeParse(object);
  if (note.success) {
    ownedBy(actor, note.data.id, note.data.attributedTo);
    const entry = await deps.members.timelineEntry(note.data.id);
    // An edit of a post we never showed (or one already deleted): nothing to change.
    if (!entry) return deps.apply([]);
    const author = await actorById(deps.net, actor);
    if (entry.local || entry.authorKey !== author.handle)
      throw new ForbiddenError('only the owner may update a post: we know it by another author');
    const text = clip(noteText(note.data));
    return deps.apply(text === '' || text === entry.text ? [] : [{ kind: 'editPost', entry, text }]);
  }
  const doc = RemoteActorSchema.safeParse(object);
  if (!doc.success) return deps.apply([]);
  if (doc.data.id !== actor) throw new ForbiddenError('an actor may update only its own profile');
  // The handle we know it by stays (follows are keyed by it); inboxes and keys are refreshed.
  const known = await deps.net.store.actorById(actor);
  const shared = doc.data.endpoints?.sharedInbox;
  await deps.net.store.putActor({
    id: actor,
    handle: known?.handle ?? handleOfDoc(doc.data),
    inbox: doc.data.inbox,
    ...(shared ? { sharedInbox: shared } : {}),
  });
  const keys = doc.data.publicKey === undefined ? [] : [doc.data.publicKey].flat();
  for (const keyId of new Set([keyIdOf(actor), ...keys.map((k) => k.id)])) forget(keyId);
  return deps.apply([]);
}

/** `Reject` of one of our members' follows: the follow goes, and the member hears it once. */
export async function onReject(
  deps: ChangeDeps,
  activity: {
    id: string;
    actor: string;
    object: {
      id?: string | undefined;
      type: string;
      actor?: string | undefined;
      object?: string | undefined;
    };
  },
): Promise<'accepted' | 'duplicate' | 'ignored'> {
  const follow = activity.object;
  if (follow.type !== 'Follow') return 'ignored';
  // Our follow ids are `<member actor>#follows/<task id>`, so a Reject by id still names the member.
  const follower = follow.actor ?? follow.id;
  const nick = follower ? localNickOf(deps.net.baseUrl, follower) : undefined;
  if (!nick || (follow.object !== undefined && follow.object !== activity.actor)) return 'ignored';
  const member = await deps.members.memberByNick(nick);
  const them = await deps.net.store.actorById(activity.actor);
  if (!member || !them) return 'ignored';
  if (!(await deps.net.store.localFollowersOf(them.handle)).includes(member.id)) return 'ignored';
  const channel = echoChannels(member)[0];
  return deps.apply([
    ...unfollowWrites(them.handle, member.id),
    ...(channel
      ? [
          {
            kind: 'putOutbound' as const,
            outbound: {
              id: `reject:${createHash('sha256').update(activity.id).digest('hex').slice(0, 32)}`,
              channel,
              text: FEDERATION_REPLIES.followDeclined(them.handle),
              memberId: member.id,
            },
          },
        ]
      : []),
  ]);
}

/** `Block` of one of our members: follows both ways between them are dropped. */
export async function onBlock(deps: ChangeDeps, activity: { id: string; actor: string; object: string }) {
  const nick = localNickOf(deps.net.baseUrl, activity.object);
  const member = nick ? await deps.members.memberByNick(nick) : undefined;
  if (!member) return deps.apply([]);
  const known = await deps.net.store.actorById(activity.actor);
  return deps.apply(await followsBothWays(deps, activity.actor, known?.handle, member.id));
}
