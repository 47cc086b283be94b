import { isIP } from 'node:net';
import { handleAuthority } from '../../domain/handle.ts';
import {
  ACCEPT_ACTIVITY,
  ACTIVITY_JSON,
  botActorOf,
  keyIdOf,
  type RemoteActorDoc,
  RemoteActorSchema,
  WebfingerSchema,
} from '../../federation/activities.ts';
import type { BotKeyPair } from '../../federation/bot-keys.ts';
import { type SchemeMemory, signedFetch } from '../../federation/double-knock.ts';
import type { KeyLoader } from '../../federation/key-cache.ts';
import type { SafeFetch } from '../../federation/safe-fetch.ts';
import type { FederationStore, RemoteActor } from '../../ports/federation.ts';

/** Everything that reaches other servers: the bot's key, the guarded fetch, and where actors are kept. */
export interface FederationNet {
  /** This bot's public base URL (`https://bot.example`, `http://127.0.0.1:8787` locally). */
  baseUrl: string;
  keys: BotKeyPair;
  fetch: SafeFetch;
  store: FederationStore;
  /** Plain http for loopback/private hosts, allowed only with `ECHOBOT_ALLOW_PRIVATE=1`. */
  allowPrivate: boolean;
  /** Which signature scheme each server took (lib/federation/double-knock.ts); default: per process. */
  schemes?: SchemeMemory;
}

export class RemoteError extends Error {
  override readonly name = 'RemoteError';
  constructor(
    message: string,
    /** A 4xx that retrying cannot fix (no such user, refused). */
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

/** https for every real host; http only for loopback/IP/localhost hosts when private peers are allowed. */
export function schemeFor(authority: string, allowPrivate: boolean): 'http' | 'https' {
  const host = new URL(`http://${authority}`).hostname.replace(/^\[|\]$/g, '');
  const local = isIP(host) !== 0 || host === 'localhost' || host.endsWith('.localhost');
  return allowPrivate && local ? 'http' : 'https';
}

/**
 * A signed GET as the bot's own actor, so servers in "authorized fetch" (secure) mode answer:
 * draft-cavage over `(request-target)` (with the query), `host` and `date` first, as Mastodon
 * wants, RFC 9421 on a 400/401 (double-knocking).
 */
export async function signedGet(net: FederationNet, url: string, accept: string) {
  const res = await signedFetch(
    {
      fetch: net.fetch,
      keyId: keyIdOf(botActorOf(net.baseUrl)),
      privateKeyPem: net.keys.privateKeyPem,
      now: () => new Date(),
      ...(net.schemes ? { memory: net.schemes } : {}),
    },
    url,
    { method: 'GET', headers: { accept } },
  );
  if (res.status === 404 || res.status === 410) throw new RemoteError(`${url}: ${res.status}`, true);
  if (res.status !== 200)
    throw new RemoteError(
      `${url}: HTTP ${res.status}`,
      res.status >= 400 && res.status < 500 && res.status !== 429,
    );
  let json: unknown;
  try {
    json = JSON.parse(res.text);
  } catch {
    throw new RemoteError(`${url}: not JSON`, true);
  }
  return json;
}

export async function fetchActorDoc(net: FederationNet, actorUrl: string): Promise<RemoteActorDoc> {
  const parsed = RemoteActorSchema.safeParse(await signedGet(net, actorUrl, ACCEPT_ACTIVITY));
  if (!parsed.success)
    throw new RemoteError(`${actorUrl}: not an actor (${parsed.error.issues[0]?.message})`, true);
  if (parsed.data.id !== actorUrl.replace(/#.*$/, '')) {
    // The document must be the one we asked for (a server cannot vouch for another's actor).
    if (new URL(parsed.data.id).host !== new URL(actorUrl).host)
      throw new RemoteError(`${actorUrl}: served an actor of another host`, true);
  }
  return parsed.data;
}

function toRemoteActor(doc: RemoteActorDoc, handle: string): RemoteActor {
  const shared = doc.endpoints?.sharedInbox;
  return { id: doc.id, handle, inbox: doc.inbox, ...(shared ? { sharedInbox: shared } : {}) };
}

/** `nick@host` of an actor we only know by URL: its preferredUsername at its own host. */
export function handleOfDoc(doc: RemoteActorDoc): string {
  const nick = (doc.preferredUsername ?? doc.id.split('/').pop() ?? 'unknown').toLowerCase();
  return `${nick}@${new URL(doc.id).host}`;
}

/** WebFinger a handle to its actor URL, fetch the actor, and remember both. */
export async function resolveHandle(net: FederationNet, handle: string): Promise<RemoteActor> {
  const authority = handleAuthority(handle);
  const wf = `${schemeFor(authority, net.allowPrivate)}://${authority}/.well-known/webfinger?resource=${encodeURIComponent(`acct:${handle}`)}`;
  const res = await net.fetch(wf, {
    method: 'GET',
    headers: { accept: 'application/jrd+json, application/json' },
  });
  if (res.status === 404) throw new RemoteError(`no such account ${handle}`, true);
  if (res.status !== 200)
    throw new RemoteError(
      `WebFinger for ${handle}: HTTP ${res.status}`,
      res.status >= 400 && res.status < 500 && res.status !== 429,
    );
  let json: unknown;
  try {
    json = JSON.parse(res.text);
  } catch {
    throw new RemoteError(`WebFinger for ${handle}: not JSON`, true);
  }
  const jrd = WebfingerSchema.safeParse(json);
  const self = jrd.success
    ? jrd.data.links.find(
        (l) =>
          l.rel === 'self' &&
          l.href &&
          (l.type === ACTIVITY_JSON || (l.type ?? '').includes('activitystreams')),
      )?.href
    : undefined;
  if (!self) throw new RemoteError(`WebFinger for ${handle}: no ActivityPub actor link`, true);
  const actor = toRemoteActor(await fetchActorDoc(net, self), handle);
  await net.store.putActor(actor);
  return actor;
}

/** An actor by id: the stored copy, else fetched (and stored under its own handle). */
export async function actorById(net: FederationNet, id: string): Promise<RemoteActor> {
  const known = await net.store.actorById(id);
  if (known) return known;
  const doc = await fetchActorDoc(net, id);
  const actor = toRemoteActor(doc, handleOfDoc(doc));
  await net.store.putActor(actor);
  return actor;
}

/** The key loader behind the key cache: the key id's actor document, its key and owner. */
export function actorKeyLoader(net: FederationNet): KeyLoader {
  return async (keyId) => {
    let doc: RemoteActorDoc;
    try {
      doc = await fetchActorDoc(net, keyId.replace(/#.*$/, ''));
    } catch (err) {
      if (err instanceof RemoteError && err.permanent) return null;
      throw err;
    }
    const keys =
      doc.publicKey === undefined ? [] : Array.isArray(doc.publicKey) ? doc.publicKey : [doc.publicKey];
    const key = keys.find((k) => k.id === keyId) ?? (keys.length === 1 ? keys[0] : undefined);
    if (!key || key.owner !== doc.id) return null;
    return { publicKeyPem: key.publicKeyPem, actorId: doc.id };
  };
}
