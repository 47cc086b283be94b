import { BadRequestError, NotFoundError, UnauthorizedError } from '../../domain/errors.ts';
import type { FederationTask } from '../../domain/federation-task.ts';
import { charCount } from '../../domain/text.ts';
import { remoteEntry } from '../../domain/timeline.ts';
import { parseJsonBody } from '../../edges/json-body.ts';
import {
  acceptActivity,
  actorOf,
  IGNORED_TYPES,
  type InboxActivity,
  InboxActivitySchema,
  noteText,
  PUBLIC,
} from '../../federation/activities.ts';
import type { FetchKey } from '../../federation/http-signatures.ts';
import { verifySignedRequest } from '../../federation/verify-signature.ts';
import type { InboxWrite, RemoteActor } from '../../ports/federation.ts';
import type { Log } from '../../ports/logger.ts';
import type { Store } from '../../ports/store.ts';
import type { TimelineReader, TimelineWriter } from '../../ports/timeline.ts';
import { type ChangeDeps, onBlock, onDelete, onReject, onUpdate } from './inbox-changes.ts';
import { type RelayInboxDeps, relayInbound } from './relay-inbox.ts';
import { actorById, type FederationNet } from './remote-actors.ts';

export interface InboxDeps {
  net: FederationNet;
  members: Pick<Store, 'memberByNick' | 'timelineEntry' | 'deletedPosts'>;
  fetchKey: FetchKey;
  /** Drops a cached public key (an Update of a Person may carry a new one). */
  forgetKey?: (keyId: string) => void;
  timeline?: TimelineWriter & Partial<Pick<TimelineReader, 'byAuthor'>>;
  now: () => Date;
  newId: () => string;
  log: Log;
  /** Signature clock window; defaults in http-signatures.ts (1 h past, 5 min future). */
  maxPastSeconds?: number;
  /** Relays (FEP-ae0c): subscriptions to ours and posts from those we joined (relay-inbox.ts). */
  relay?: RelayInboxDeps['relay'];
}

export interface InboxRequest {
  method: string;
  /** The URL the sender addressed: the public base URL + path + query (signatures cover it). */
  url: string;
  headers: Record<string, string | undefined>;
  body: string;
}

export type InboxOutcome = 'accepted' | 'duplicate' | 'ignored';

/** Longest remote text we pass on by SMS; longer notes are cut with an ellipsis. */
export const MAX_REMOTE_CHARS = 500;

function clip(text: string): string {
  if (charCount(text) <= MAX_REMOTE_CHARS) return text;
  return `${[...text].slice(0, MAX_REMOTE_CHARS - 1).join('')}…`;
}

/** The local member an actor URL of this bot names, or undefined. */
function localNick(base: string, url: string): string | undefined {
  const prefix = `${base}/users/`;
  if (!url.startsWith(prefix)) return undefined;
  const rest = url.slice(prefix.length);
  return /^[a-z0-9_]{2,15}$/.test(rest) ? rest : undefined;
}

/**
 * A POST to the shared inbox or a member's inbox. Order: signature first (401, nothing read or
 * stored otherwise), then the activity's shape (400), then that the signer is the activity's
 * actor (401); the activity id is recorded with the activity's effects in one transaction, so a
 * replayed or retried delivery has no second effect.
 */
export async function handleInbox(deps: InboxDeps, req: InboxRequest): Promise<InboxOutcome> {
  // A SignatureError propagates: lib/edges/http-errors.ts makes it a 401 (a 503 if the key fetch failed).
  const signer = (
    await verifySignedRequest({
      method: req.method,
      url: req.url,
      headers: req.headers,
      body: req.body,
      now: deps.now(),
      fetchKey: deps.fetchKey,
      ...(deps.maxPastSeconds !== undefined ? { maxPastSeconds: deps.maxPastSeconds } : {}),
    })
  ).actorId;
  const json = parseJsonBody(req.body);
  const type = typeof json === 'object' && json !== null && 'type' in json ? json.type : undefined;
  // Likes and the like read nothing (an Announce may be a relay's forward).
  const ignored = typeof type === 'string' && IGNORED_TYPES.includes(type);
  if (ignored && !(deps.relay && type === 'Announce')) return 'ignored';
  // Every read before the writes, in one round trip: the signer's host health and stored actor,
  // whether it is a relay we joined, and whether the Note it sends was deleted.
  const postIds = namedNote(json);
  const view = await deps.net.store.inboundView({ signer, host: new URL(signer).host, postIds });
  if (deps.relay) {
    const relayed = await relayInbound(
      { ...deps, relay: deps.relay },
      signer,
      json,
      req.url,
      view.joinedRelay,
    );
    if (relayed) return relayed;
  }
  if (ignored) return 'ignored';
  const parsed = InboxActivitySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadRequestError(
      `not an activity we accept: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`,
    );
  }
  const activity = parsed.data;
  if (activity.actor !== signer) throw new UnauthorizedError('the signer is not the activity’s actor');
  // A verified, well-formed request from a failing host: it is alive again (healthy hosts: no write).
  if (view.hostFailing) await deps.net.store.reviveHost(new URL(signer).host);
  return dispatch(deps, activity, {
    signer: async () => view.signer ?? (await actorById(deps.net, signer)),
    deleted: async (id) =>
      postIds.includes(id) ? view.deletedPosts.has(id) : (await deps.members.deletedPosts([id])).has(id),
  });
}

/** The id of the Note a Create carries, to read its tombstone with the rest (none otherwise). */
function namedNote(json: unknown): string[] {
  if (typeof json !== 'object' || json === null || !('type' in json) || json.type !== 'Create') return [];
  const object = 'object' in json ? json.object : undefined;
  if (typeof object !== 'object' || object === null || !('id' in object)) return [];
  return typeof object.id === 'string' ? [object.id] : [];
}

/** What inboundView read, for dispatch. */
interface Known {
  /** The signer's actor (the activity's actor, checked): the stored copy, else fetched. */
  signer: () => Promise<RemoteActor>;
  deleted: (postId: string) => Promise<boolean>;
}

async function dispatch(deps: InboxDeps, activity: InboxActivity, known: Known): Promise<InboxOutcome> {
  const base = deps.net.baseUrl;
  const at = deps.now();
  const apply = async (writes: InboxWrite[]) =>
    (await deps.net.store.applyInbound(activity.id, at, writes)) ? 'accepted' : 'duplicate';
  const changes = (): ChangeDeps => ({
    net: deps.net,
    members: deps.members,
    ...(deps.timeline?.byAuthor ? { posts: { byAuthor: deps.timeline.byAuthor.bind(deps.timeline) } } : {}),
    now: deps.now,
    apply,
    applyPart: (partId, writes) => deps.net.store.applyInbound(partId, at, writes),
  });
  switch (activity.type) {
    case 'Follow': {
      const nick = localNick(base, activity.object);
      const member = nick ? await deps.members.memberByNick(nick) : undefined;
      if (!member) throw new NotFoundError(`no such actor ${activity.object}`);
      const follower = await known.signer();
      const me = actorOf(base, member.nick);
      const accept = acceptActivity(`${me}#accepts/${deps.newId()}`, me, {
        id: activity.id,
        actor: activity.actor,
        object: activity.object,
      });
      const task: FederationTask = {
        type: 'deliver',
        id: `accept:${deps.newId()}`,
        inbox: follower.inbox,
        activity: JSON.stringify(accept),
        actor: me,
      };
      return apply([
        {
          kind: 'addFollower',
          memberId: member.id,
          follower: {
            actorId: follower.id,
            inbox: follower.inbox,
            ...(follower.sharedInbox ? { sharedInbox: follower.sharedInbox } : {}),
          },
        },
        { kind: 'putTask', task },
      ]);
    }
    case 'Undo': {
      const object = activity.object;
      if (typeof object === 'string' || object.type !== 'Follow') return apply([]);
      const target = typeof object.object === 'string' ? object.object : undefined;
      const nick = target ? localNick(base, target) : undefined;
      const member = nick ? await deps.members.memberByNick(nick) : undefined;
      if (!member) return apply([]);
      return apply([{ kind: 'removeFollower', memberId: member.id, actorId: activity.actor }]);
    }
    case 'Create': {
      const n = activity.object;
      if (n.attributedTo !== activity.actor)
        throw new UnauthorizedError('the note is not by the activity’s actor');
      const author = await known.signer();
      const text = clip(noteText(n));
      // A Delete may overtake its Create (or a server re-sends it): a deleted note stays deleted.
      if (text === '' || (await known.deleted(n.id))) return apply([]);
      const audience = [...n.to, ...n.cc];
      const isPublic = audience.some((a) => a === PUBLIC || a === 'as:Public' || a === 'Public');
      const task: FederationTask = {
        type: 'remoteNote',
        id: `note:${deps.newId()}`,
        noteId: n.id,
        handle: author.handle,
        text,
      };
      if (!isPublic) {
        const nicks = audience.map((a) => localNick(base, a)).filter((x): x is string => x !== undefined);
        const ids: string[] = [];
        for (const nick of new Set(nicks)) {
          const m = await deps.members.memberByNick(nick);
          if (m) ids.push(m.id);
        }
        // Followers-only notes reach the author's followers here like public ones; direct ones only their addressees.
        const followersOnly = audience.some(
          (a) => a.endsWith('/followers') || a === `${activity.actor}/followers`,
        );
        if (ids.length === 0 && !followersOnly) return apply([]);
        if (ids.length > 0 && !followersOnly)
          return apply([{ kind: 'putTask', task: { ...task, memberIds: ids } }]);
      }
      // To the members who follow the author: nobody, and the task would reach no one (only the
      // activity id is recorded). Public notes of followed authors join the public timeline in
      // the same transaction (strangers cannot write to our front page).
      if (!(await deps.net.store.followedLocally(author.handle))) return apply([]);
      return apply([
        { kind: 'putTask', task },
        ...(isPublic && deps.timeline
          ? [
              {
                kind: 'recordTimeline' as const,
                entry: remoteEntry({ id: n.id, handle: author.handle, text, published: n.published, at }),
              },
            ]
          : []),
      ]);
    }
    case 'Accept':
      deps.log('info', 'follow accepted', { by: activity.actor });
      return apply([]);
    case 'Reject':
      return onReject(changes(), activity);
    case 'Delete':
      return onDelete(changes(), activity);
    case 'Update':
      return onUpdate(changes(), activity, deps.forgetKey ?? (() => {}));
    case 'Block':
      return onBlock(changes(), activity);
  }
}
