import { canonicalBotUrl } from '../domain/addresses.ts';
import { assertPublicUrl } from '../edges/public-url.ts';
import type { KeyLoader } from '../federation/key-cache.ts';
import { botOfKeyId, PeerKeySchema } from '../federation/peer-messages.ts';

/**
 * Fetches a peer bot's public key from its key id (`<bot>/federation/key`). The owner must be that
 * bot, so a key id can only speak for the bot it is published by. Private addresses are refused
 * unless allowed (`ECHOBOT_ALLOW_PRIVATE=1`).
 */
export function peerKeyLoader(options: { allowPrivate: boolean; fetch?: typeof fetch }): KeyLoader {
  return async (keyId) => {
    const bot = botOfKeyId(keyId);
    if (bot === undefined || canonicalBotUrl(bot) !== bot) return null;
    await assertPublicUrl(keyId, { allowPrivate: options.allowPrivate });
    const res = await (options.fetch ?? fetch)(keyId, {
      headers: { accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(5000),
    });
    if (res.status === 404 || res.status === 410) return null;
    if (!res.ok) throw new Error(`key ${keyId}: HTTP ${res.status}`);
    const parsed = PeerKeySchema.safeParse(await res.json());
    if (!parsed.success || parsed.data.id !== keyId || parsed.data.owner !== bot) return null;
    return { publicKeyPem: parsed.data.publicKeyPem, actorId: bot };
  };
}
