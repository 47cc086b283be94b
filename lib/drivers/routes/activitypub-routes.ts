import { BadRequestError, NotFoundError } from '../../domain/errors.ts';
import { baseUrlOf, bodyText, header, publicUrlOf } from '../../edges/http-request.ts';
import type { HttpEvent, HttpResult, Route } from '../../edges/http-router.ts';
import {
  ACTIVITY_JSON,
  actorOf,
  botActor,
  botActorOf,
  createActivity,
  nodeInfo,
  orderedCollection,
  personActor,
  webfingerJrd,
} from '../../federation/activities.ts';
import type { BotKeyPair } from '../../federation/bot-keys.ts';
import { createKeyCache, type KeyCache } from '../../federation/key-cache.ts';
import type { SafeFetch } from '../../federation/safe-fetch.ts';
import { verifySignedRequest } from '../../federation/verify-signature.ts';
import type { FederationStore } from '../../ports/federation.ts';
import type { Log } from '../../ports/logger.ts';
import type { RelayStore } from '../../ports/relay-store.ts';
import type { Store } from '../../ports/store.ts';
import type { TimelineReader, TimelineWriter } from '../../ports/timeline.ts';
import { handleInbox } from '../../usecases/federation/inbox.ts';
import { actorKeyLoader, type FederationNet } from '../../usecases/federation/remote-actors.ts';

/** What the ActivityPub routes need; `federation` in the http app's deps. */
export interface ActivityPubDeps {
  keys: BotKeyPair;
  fetch: SafeFetch;
  store: FederationStore;
  members: Pick<Store, 'memberByNick' | 'listMembers' | 'timelineEntry' | 'deletedPosts'>;
  timeline?: TimelineReader & TimelineWriter;
  /** `ECHOBOT_ALLOW_PRIVATE=1`: peers on loopback/private addresses, over plain http. */
  allowPrivate: boolean;
  now: () => Date;
  newId: () => string;
  log: Log;
  /** Software version in NodeInfo. */
  version?: string;
  maxPastSeconds?: number;
  /**
   * `ECHOBOT_AUTHORIZED_FETCH=1`: actor documents (but the bot's own `/actor`, whose key other
   * servers need to check our signed GETs), collections and posts as JSON answer only signed
   * GETs (401 otherwise), as Mastodon's secure mode does. WebFinger, NodeInfo and pages stay public.
   */
  authorizedFetch?: boolean;
  /** Relays (FEP-ae0c): subscribers of ours (`offered`: a super-peer) and relays we joined. */
  relay?: { store: RelayStore; offered: boolean };
}

const json = (body: unknown, type = ACTIVITY_JSON, status = 200): HttpResult => ({
  statusCode: status,
  headers: {
    'content-type': `${type}; charset=utf-8`,
    'cache-control': 'public, max-age=60',
    vary: 'Accept',
  },
  body: JSON.stringify(body),
});

const OUTBOX_SIZE = 20;

/** One key cache per deps and base URL, shared by the inboxes and the signed-GET guard. */
const cachesByDeps = new WeakMap<ActivityPubDeps, Map<string, KeyCache>>();

function netOf(deps: ActivityPubDeps, event: HttpEvent, publicUrl: string | undefined): FederationNet {
  return {
    baseUrl: baseUrlOf(event, publicUrl),
    keys: deps.keys,
    fetch: deps.fetch,
    store: deps.store,
    allowPrivate: deps.allowPrivate,
  };
}

function keyCacheOf(deps: ActivityPubDeps, net: FederationNet): KeyCache {
  let caches = cachesByDeps.get(deps);
  if (!caches) {
    caches = new Map();
    cachesByDeps.set(deps, caches);
  }
  let cache = caches.get(net.baseUrl);
  if (!cache) {
    cache = createKeyCache({ load: actorKeyLoader(net) });
    caches.set(net.baseUrl, cache);
  }
  return cache;
}

/**
 * Wraps a GET handler so that, with authorized fetch on, it answers only signed requests (either
 * scheme, any verifiable actor); `when` limits that to the requests it applies to (JSON, not
 * the HTML a browser asks for). Responses are then `private`: a shared cache must not hand a
 * signed answer to an unsigned request.
 */
export function signedGetsOnly(
  deps: ActivityPubDeps,
  publicUrl: string | undefined,
  handler: Route['handler'],
  when: (event: HttpEvent) => boolean = () => true,
): Route['handler'] {
  if (!deps.authorizedFetch) return handler;
  return async (event, params) => {
    if (!when(event)) return handler(event, params);
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(event.headers ?? {})) headers[k.toLowerCase()] = v;
    const net = netOf(deps, event, publicUrl);
    // A SignatureError propagates: lib/edges/http-errors.ts answers 401 (503 if the key fetch failed).
    await verifySignedRequest({
      method: 'GET',
      url: publicUrlOf(event, publicUrl),
      headers,
      now: deps.now(),
      fetchKey: keyCacheOf(deps, net).fetchKey,
      ...(deps.maxPastSeconds !== undefined ? { maxPastSeconds: deps.maxPastSeconds } : {}),
    });
    const result = await handler(event, params);
    return { ...result, headers: { ...result.headers, 'cache-control': 'private, max-age=60' } };
  };
}

const wantsJsonActor = (event: HttpEvent) => {
  const accept = (header(event, 'accept') ?? '').toLowerCase();
  return !(accept.includes('text/html') && !accept.includes('json'));
};

/**
 * WebFinger, NodeInfo, actors (members at `/users/<nick>`, the bot at `/actor`), their outbox
 * and followers collections, and the inboxes (per actor and the shared `/inbox`). Phone numbers
 * appear nowhere: an actor is a nick, a key and URLs.
 */
export function activityPubRoutes(deps: ActivityPubDeps, publicUrl: string | undefined): Route[] {
  const signed = (handler: Route['handler'], when?: (event: HttpEvent) => boolean) =>
    signedGetsOnly(deps, publicUrl, handler, when);
  const member = async (nick: string) => {
    const m = await deps.members.memberByNick(nick.toLowerCase());
    if (!m) throw new NotFoundError(`no member ${nick}`);
    return m;
  };
  const inbox = async (event: HttpEvent): Promise<HttpResult> => {
    const net = netOf(deps, event, publicUrl);
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(event.headers ?? {})) headers[k.toLowerCase()] = v;
    const outcome = await handleInbox(
      {
        net,
        members: deps.members,
        fetchKey: keyCacheOf(deps, net).fetchKey,
        forgetKey: (keyId) => keyCacheOf(deps, net).invalidate(keyId),
        ...(deps.timeline ? { timeline: deps.timeline } : {}),
        now: deps.now,
        newId: deps.newId,
        log: deps.log,
        ...(deps.maxPastSeconds !== undefined ? { maxPastSeconds: deps.maxPastSeconds } : {}),
        ...(deps.relay ? { relay: deps.relay } : {}),
      },
      {
        method: event.requestContext.http.method,
        url: publicUrlOf(event, publicUrl),
        headers,
        body: bodyText(event),
      },
    );
    deps.log('info', 'inbox', { path: event.rawPath, outcome });
    return {
      statusCode: 202,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: `${outcome}\n`,
    };
  };
  const emptyCollection = (path: string) => ({
    method: 'GET' as const,
    path,
    handler: signed(async (event: HttpEvent) =>
      json(orderedCollection(`${baseUrlOf(event, publicUrl)}${event.rawPath}`, [])),
    ),
  });

  return [
    {
      method: 'GET',
      path: '/.well-known/webfinger',
      handler: async (event) => {
        const base = baseUrlOf(event, publicUrl);
        const host = new URL(base).host;
        const resource = new URLSearchParams(event.rawQueryString ?? '').get('resource') ?? '';
        let nick: string | undefined;
        const acct = /^acct:@?([^@]+)@(.+)$/i.exec(resource);
        if (acct?.[1] && acct[2]) {
          if (acct[2].toLowerCase() !== host.toLowerCase())
            throw new NotFoundError(`not a handle of ${host}`);
          nick = acct[1].toLowerCase();
        } else if (resource.startsWith(`${base}/users/`)) nick = resource.slice(`${base}/users/`.length);
        else if (resource.startsWith(`${base}/@`)) nick = resource.slice(`${base}/@`.length);
        else if (resource === botActorOf(base) || resource === base) {
          return json(webfingerJrd(botActorOf(base), botActorOf(base), base), 'application/jrd+json');
        } else if (resource === '') throw new BadRequestError('resource is required');
        else throw new NotFoundError('unknown resource');
        const m = await member(nick);
        return json(
          webfingerJrd(`acct:${m.nick}@${host}`, actorOf(base, m.nick), `${base}/@${m.nick}`),
          'application/jrd+json',
        );
      },
    },
    {
      method: 'GET',
      path: '/.well-known/nodeinfo',
      handler: async (event) =>
        json(
          {
            links: [
              {
                rel: 'http://nodeinfo.diaspora.software/ns/schema/2.1',
                href: `${baseUrlOf(event, publicUrl)}/nodeinfo/2.1`,
              },
            ],
          },
          'application/json',
        ),
    },
    {
      method: 'GET',
      path: '/nodeinfo/2.1',
      handler: async () => {
        let users = 0;
        let cursor: string | undefined;
        do {
          const page = await deps.members.listMembers(cursor);
          users += page.members.length;
          cursor = page.cursor;
        } while (cursor);
        return json(
          nodeInfo(users, undefined, deps.version ?? '0.1.0'),
          'application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"',
        );
      },
    },
    {
      method: 'GET',
      path: '/actor',
      handler: async (event) => json(botActor(baseUrlOf(event, publicUrl), deps.keys.publicKeyPem)),
    },
    { method: 'POST', path: '/actor/inbox', handler: inbox },
    emptyCollection('/actor/outbox'),
    emptyCollection('/actor/followers'),
    {
      method: 'GET',
      path: '/users/:nick',
      handler: signed(async (event, { nick = '' }) => {
        const base = baseUrlOf(event, publicUrl);
        const m = await member(nick);
        const accept = (header(event, 'accept') ?? '').toLowerCase();
        if (accept.includes('text/html') && !accept.includes('json'))
          return {
            statusCode: 303,
            headers: { location: `${base}/@${m.nick}`, vary: 'Accept' },
            body: '',
          };
        return json(personActor(base, m.nick, deps.keys.publicKeyPem));
      }, wantsJsonActor),
    },
    { method: 'POST', path: '/users/:nick/inbox', handler: inbox },
    { method: 'POST', path: '/inbox', handler: inbox },
    {
      method: 'GET',
      path: '/users/:nick/outbox',
      handler: signed(async (event, { nick = '' }) => {
        const base = baseUrlOf(event, publicUrl);
        const m = await member(nick);
        const actor = actorOf(base, m.nick);
        const page = deps.timeline
          ? await deps.timeline.byAuthor(m.id, { limit: OUTBOX_SIZE })
          : { entries: [] };
        const items = page.entries.map((e) =>
          createActivity({ id: e.id, actor, text: e.text, published: e.createdAt, to: 'public' }),
        );
        return json(orderedCollection(`${actor}/outbox`, items));
      }),
    },
    {
      method: 'GET',
      path: '/users/:nick/followers',
      handler: signed(async (event, { nick = '' }) => {
        const m = await member(nick);
        // Followers are counted, not listed: who follows whom is the members' business.
        const total = (await deps.store.followersOf(m.id)).length;
        return json(
          orderedCollection(`${actorOf(baseUrlOf(event, publicUrl), m.nick)}/followers`, [], total),
        );
      }),
    },
    emptyCollection('/users/:nick/following'),
  ];
}
