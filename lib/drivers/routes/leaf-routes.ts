import { authorityOfBot } from '../../domain/addresses.ts';
import { BadRequestError, ForbiddenError } from '../../domain/errors.ts';
import { bodyText, publicUrlOf, requireContentType } from '../../edges/http-request.ts';
import type { HttpResult, Route } from '../../edges/http-router.ts';
import { parseJsonBody } from '../../edges/json-body.ts';
import { type FetchKey, SignatureError } from '../../federation/http-signatures.ts';
import {
  LEAF_INBOX_PATH,
  LEAF_POLL_LIMIT,
  LEAF_REGISTER_PATH,
  type LeafInboxAnswer,
  LeafInboxQuerySchema,
  LeafRegisterSchema,
} from '../../federation/leaf-messages.ts';
import { botOfKeyId, keyIdOf } from '../../federation/peer-messages.ts';
import { verifySignedRequest } from '../../federation/verify-signature.ts';
import type { LeafStore } from '../../ports/leaf-store.ts';
import type { Log } from '../../ports/logger.ts';
import type { PeerStore } from '../../ports/peer-store.ts';
import { receivePeerMessage } from '../../usecases/peer-inbound.ts';

export interface LeafRouteDeps {
  self: string;
  /** `ECHOBOT_RELAY=1`: only super-peers serve leaves. */
  relay: boolean;
  /** `ECHOBOT_LEAF_ALLOW`: when set, only these bot URLs may register. */
  allow?: readonly string[];
  leaves: LeafStore;
  peers: PeerStore;
  /** Longest this runtime holds an inbox poll open (Lambda bills the wait: 0 there). */
  maxWaitSeconds: number;
  now: () => Date;
  log: Log;
  /** Between looks at the table while a poll waits. */
  pollIntervalMs?: number;
}

function json(statusCode: number, value: unknown): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(value),
  };
}

function lowerHeaders(event: { headers?: Record<string, string | undefined> }): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = v;
  return headers;
}

/** The key a registered leaf signs with, for its inbox polls and its peer messages. */
export function leafKeyFetcher(leaves: Pick<LeafStore, 'getLeaf'>, fallback: FetchKey): FetchKey {
  return async (keyId, options) => {
    const bot = botOfKeyId(keyId);
    const leaf = bot === undefined ? undefined : await leaves.getLeaf(bot);
    if (leaf && bot !== undefined) return { publicKeyPem: leaf.publicKeyPem, actorId: bot, fromCache: false };
    return fallback(keyId, options);
  };
}

/**
 * A super-peer's side of leaves (lib/federation/leaf-messages.ts). Registration is signed with
 * the key the body carries (trust on first use: a leaf URL is bound to the first key that
 * registers it, and a later registration with another key is a 401). Unsigned or badly signed:
 * 401, nothing stored. Not on `ECHOBOT_LEAF_ALLOW`: 403. Routes for any bot but itself: 403.
 */
export function leafRoutes(deps: LeafRouteDeps): Route[] {
  const interval = deps.pollIntervalMs ?? 500;
  return [
    {
      method: 'POST',
      path: LEAF_REGISTER_PATH,
      handler: async (event) => {
        const raw = bodyText(event);
        let claimed: ReturnType<typeof LeafRegisterSchema.safeParse> | undefined;
        try {
          claimed = LeafRegisterSchema.safeParse(parseJsonBody(raw));
        } catch {
          claimed = undefined;
        }
        const body = claimed?.success ? claimed.data : undefined;
        const verified = await verifySignedRequest({
          method: 'POST',
          url: publicUrlOf(event, deps.self),
          headers: lowerHeaders(event),
          body: raw,
          now: deps.now(),
          fetchKey: async (keyId) =>
            body && keyId === keyIdOf(body.from)
              ? { publicKeyPem: body.publicKeyPem, actorId: body.from, fromCache: false }
              : null,
        });
        if (!body || verified.actorId !== body.from)
          throw new BadRequestError(
            'not a leaf registration: {type: "leaf-register", from, publicKeyPem, routes}',
          );
        requireContentType(event, 'application/json');
        const leaf = body.from;
        const known = await deps.leaves.getLeaf(leaf);
        if (known && known.publicKeyPem.trim() !== body.publicKeyPem.trim())
          throw new SignatureError('bad_signature', 'this leaf registered with another key');
        if (!deps.relay) throw new ForbiddenError('this bot does not serve leaves (it is not a super-peer)');
        if (deps.allow && !deps.allow.includes(leaf))
          throw new ForbiddenError('this super-peer serves only the leaves on its ECHOBOT_LEAF_ALLOW list');
        const own = authorityOfBot(leaf);
        const foreign = Object.keys(body.routes).filter((a) => a !== own);
        if (foreign.length > 0)
          throw new ForbiddenError(`a leaf may only claim its own route (${own}), not ${foreign.join(', ')}`);
        const peer = await deps.peers.getPeer(leaf);
        if (peer && peer.source !== 'leaf')
          throw new ForbiddenError('already a peer of this bot, not a leaf');
        const now = deps.now();
        await deps.leaves.registerLeaf(leaf, body.publicKeyPem, now);
        if (!(await deps.peers.addPeer(leaf, 'leaf', now))) {
          // A leaf back from sleep or a restart: our routes and interest again, in case it lost any.
          await deps.peers.markHealth(leaf, true, now);
          await deps.peers.control(leaf, 'connect', now);
        }
        await receivePeerMessage(
          { self: deps.self, peers: deps.peers, now: deps.now, log: (e, f) => deps.log('info', e, f) },
          leaf,
          { type: 'routes', from: leaf, routes: { [own]: 0 } },
        );
        // Advertise the leaf to our other peers (a new peer's own route does not change ours).
        await deps.peers.control(deps.self, 'routes-changed', now);
        deps.log('info', 'leaf registered', { leaf, new: !known });
        const record = await deps.leaves.getLeaf(leaf);
        return json(200, { registered: leaf, last: record?.lastSeq ?? 0 });
      },
    },
    {
      method: 'GET',
      path: LEAF_INBOX_PATH,
      handler: async (event) => {
        const verified = await verifySignedRequest({
          method: 'GET',
          url: publicUrlOf(event, deps.self),
          headers: lowerHeaders(event),
          now: deps.now(),
          fetchKey: leafKeyFetcher(deps.leaves, async () => null),
        });
        const leaf = botOfKeyId(verified.keyId);
        if (leaf === undefined || leaf !== verified.actorId)
          throw new SignatureError('key_not_found', 'not a leaf key');
        const record = await deps.leaves.getLeaf(leaf);
        if (!record) throw new SignatureError('key_not_found', 'not a registered leaf');
        // From the raw query, like the other routes: the local node's events carry no parsed parameters.
        const query = LeafInboxQuerySchema.safeParse(
          Object.fromEntries(new URLSearchParams(event.rawQueryString ?? '')),
        );
        if (!query.success) throw new BadRequestError('after must be a sequence number, wait 0-20 seconds');
        const { after } = query.data;
        await deps.leaves.ack(leaf, after, deps.now());
        const deadline = Date.now() + Math.min(query.data.wait, deps.maxWaitSeconds) * 1000;
        for (;;) {
          const items = await deps.leaves.heldAfter(leaf, after, LEAF_POLL_LIMIT);
          if (items.length > 0 || Date.now() + interval > deadline) {
            const last = (await deps.leaves.getLeaf(leaf))?.lastSeq ?? 0;
            const answer: LeafInboxAnswer = { items, last };
            return json(200, answer);
          }
          await new Promise((r) => setTimeout(r, interval));
        }
      },
    },
  ];
}
