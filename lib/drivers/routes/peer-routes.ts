import { authorityOfBot } from '../../domain/addresses.ts';
import { BadRequestError, ConcurrentUpdateError, ForbiddenError } from '../../domain/errors.ts';
import { bodyText, publicUrlOf, requireContentType } from '../../edges/http-request.ts';
import type { HttpResult, Route } from '../../edges/http-router.ts';
import { parseJsonBody } from '../../edges/json-body.ts';
import { type FetchKey, SignatureError } from '../../federation/http-signatures.ts';
import {
  botOfKeyId,
  KEY_PATH,
  keyIdOf,
  PEER_PATH,
  PeerMessageSchema,
} from '../../federation/peer-messages.ts';
import { verifySignedRequest } from '../../federation/verify-signature.ts';
import type { LeafStore } from '../../ports/leaf-store.ts';
import type { Log } from '../../ports/logger.ts';
import type { PeerStore } from '../../ports/peer-store.ts';
import { setPeerLive } from '../../usecases/peer-failover.ts';
import { type PeerReceipt, receivePeerMessage } from '../../usecases/peer-inbound.ts';

export interface PeerRouteDeps {
  /** This bot's canonical base URL. */
  self: string;
  /** A super-peer accepts peering from any bot that signs correctly; a plain bot only from its listed peers. */
  relay: boolean;
  publicKeyPem: () => Promise<string>;
  peers: PeerStore;
  /** Peer keys by key id (cached; see lib/federation/key-cache.ts). */
  fetchKey: FetchKey;
  /** Leaves this bot serves: a leaf's adverts may name only itself. */
  leaves?: Pick<LeafStore, 'getLeaf'>;
  now: () => Date;
  log: Log;
}

function json(statusCode: number, value: unknown): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(value),
  };
}

/**
 * The echobot peer protocol: `GET /federation/key` publishes the bot's public key (the key id
 * peers verify us with), `POST /federation/peer` takes a signed peer message. The signature is
 * checked before anything is parsed or stored: unsigned, forged, stale or tampered requests get
 * 401 and change nothing.
 */
export function peerRoutes(deps: PeerRouteDeps): Route[] {
  return [
    {
      method: 'GET',
      path: KEY_PATH,
      handler: async () =>
        json(200, { id: keyIdOf(deps.self), owner: deps.self, publicKeyPem: await deps.publicKeyPem() }),
    },
    {
      method: 'POST',
      path: PEER_PATH,
      handler: async (event) => {
        const raw = bodyText(event);
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(event.headers ?? {}))
          if (v !== undefined) headers[k.toLowerCase()] = v;
        // A SignatureError propagates: lib/edges/http-errors.ts answers 401 (503 if the key fetch failed).
        // Checked against this bot's own URL, not the Host that arrived (see verify-signature.ts).
        const verified = await verifySignedRequest({
          method: 'POST',
          url: publicUrlOf(event, deps.self),
          headers,
          body: raw,
          now: deps.now(),
          fetchKey: deps.fetchKey,
        });
        const signer = botOfKeyId(verified.keyId);
        if (signer === undefined || signer !== verified.actorId)
          throw new SignatureError('key_not_found', 'not a bot key');
        requireContentType(event, 'application/json');
        const parsed = PeerMessageSchema.safeParse(parseJsonBody(raw));
        if (!parsed.success)
          throw new BadRequestError(`not a peer message: ${parsed.error.issues[0]?.message ?? ''}`);
        if (parsed.data.type === 'routes' && deps.leaves && (await deps.leaves.getLeaf(signer))) {
          const own = authorityOfBot(signer);
          const foreign = Object.keys(parsed.data.routes).filter((a) => a !== own);
          if (foreign.length > 0)
            throw new ForbiddenError(
              `a leaf may only claim its own route (${own}), not ${foreign.join(', ')}`,
            );
        }
        const known = await deps.peers.getPeer(signer);
        if (!known) {
          if (!deps.relay) throw new ForbiddenError('not a peer of this bot');
          await deps.peers.addPeer(signer, 'inbound', deps.now());
          deps.log('info', 'peer joined', { peer: signer });
        } else if (known.healthy === false) {
          // A peer we could not reach is back: what we sent meanwhile may be in the dead-letter
          // queue, so send it our routes and a fresh interest snapshot again.
          await deps.peers.markHealth(signer, true, deps.now());
          await deps.peers.control(signer, 'connect', deps.now());
          deps.log('info', 'peer back', { peer: signer });
        }
        // Any verified message proves it alive: routes through it count again (peer-failover.ts).
        if (known?.down === true)
          await setPeerLive({ ...deps, log: (e, f) => deps.log('info', e, f) }, signer, true);
        let receipt: PeerReceipt;
        try {
          receipt = await receivePeerMessage(
            { self: deps.self, peers: deps.peers, now: deps.now, log: (e, f) => deps.log('info', e, f) },
            signer,
            parsed.data,
          );
        } catch (err) {
          // Two messages of one peer's interest stream raced: nothing was half-applied that a
          // retry cannot finish, so ask the sender to retry (its deliver function backs off).
          // The error's status (503, Retry-After: 1) comes from lib/edges/http-errors.ts.
          if (err instanceof ConcurrentUpdateError)
            deps.log('warn', 'peer message raced, retry asked', { from: signer, type: parsed.data.type });
          throw err;
        }
        deps.log('info', 'peer message', { from: signer, type: parsed.data.type, receipt });
        return json(202, { receipt });
      },
    },
  ];
}
