/**
 * Leaves (bots with no public address) and the super-peers that serve them. A leaf opens every
 * connection itself:
 *
 * - `POST /federation/leaf/register` (signed with the leaf's key, whose public half the body
 *   carries: nothing can fetch it from a leaf) registers it, with its route (only itself);
 * - it sends its messages (interest, adverts, its members' posts) to the ordinary signed
 *   `POST /federation/peer`;
 * - `GET /federation/leaf/inbox?after=<cursor>&wait=<s>` (signed) long-polls what the super-peer
 *   holds for it: every peer message routed to the leaf, in order, numbered by a per-leaf
 *   sequence. `after` is the ack: items up to it are deleted, so a leaf that crashes before
 *   storing its cursor gets them again (posts are de-duplicated by id, interest by sequence).
 */

import * as z from 'zod/mini';
import { BotUrlSchema } from '../domain/addresses.ts';
import '../domain/zod-messages.ts';

export const LEAF_REGISTER_PATH = '/federation/leaf/register';
export const LEAF_INBOX_PATH = '/federation/leaf/inbox';
/** Longest a super-peer holds one inbox poll open (seconds). */
export const LEAF_MAX_WAIT_SECONDS = 20;
/** Most items one poll returns. */
export const LEAF_POLL_LIMIT = 100;

export const LeafRegisterSchema = z.object({
  type: z.literal('leaf-register'),
  from: BotUrlSchema,
  publicKeyPem: z.string().check(z.startsWith('-----BEGIN PUBLIC KEY-----')).check(z.maxLength(10_000)),
  /** The routes the leaf claims: only its own authority, at distance 0. */
  routes: z.record(z.string().check(z.maxLength(300)), z.int().check(z.gte(0)).check(z.lte(16))),
});
export type LeafRegister = z.infer<typeof LeafRegisterSchema>;

export const LeafInboxQuerySchema = z.object({
  after: z._default(z.pipe(z.coerce.number(), z.int()).check(z.gte(0)), 0),
  wait: z._default(
    z.pipe(z.coerce.number(), z.int()).check(z.gte(0)).check(z.lte(LEAF_MAX_WAIT_SECONDS)),
    LEAF_MAX_WAIT_SECONDS,
  ),
});

export const LeafInboxAnswerSchema = z.object({
  items: z
    .array(z.object({ seq: z.int().check(z.gte(1)), body: z.string() }))
    .check(z.maxLength(LEAF_POLL_LIMIT)),
  /** The highest sequence number the super-peer has handed out for this leaf (0 = none yet). */
  last: z.int().check(z.gte(0)),
});
export type LeafInboxAnswer = z.infer<typeof LeafInboxAnswerSchema>;
