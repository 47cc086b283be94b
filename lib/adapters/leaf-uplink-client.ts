import { PermanentSendError } from '../domain/errors.ts';
import type { BotKeyPair } from '../federation/bot-keys.ts';
import { signRequest } from '../federation/http-signatures.ts';
import {
  LEAF_INBOX_PATH,
  LEAF_REGISTER_PATH,
  LeafInboxAnswerSchema,
  type LeafRegister,
} from '../federation/leaf-messages.ts';
import { keyIdOf } from '../federation/peer-messages.ts';
import { LeafNotRegisteredError, type LeafUplink } from '../ports/leaf-uplink.ts';

/**
 * The leaf's HTTP side: a signed `POST /federation/leaf/register` and a signed
 * `GET /federation/leaf/inbox` (draft-cavage, the same key as every peer message). The answer to
 * a poll is trusted as the super-peer's because the leaf chose the URL (https deployed).
 */
export function leafUplinkClient(options: {
  self: string;
  key: () => Promise<BotKeyPair>;
  selfAuthority: string;
  fetch?: typeof fetch;
}): LeafUplink {
  const doFetch = options.fetch ?? fetch;
  const signed = async (method: string, url: string, body?: string) => {
    const key = await options.key();
    const { Host: _host, ...headers } = signRequest({
      method,
      url,
      ...(body !== undefined ? { body } : {}),
      keyId: keyIdOf(options.self),
      privateKeyPem: key.privateKeyPem,
    });
    return headers;
  };
  return {
    async register(upstream) {
      const key = await options.key();
      const message: LeafRegister = {
        type: 'leaf-register',
        from: options.self,
        publicKeyPem: key.publicKeyPem,
        routes: { [options.selfAuthority]: 0 },
      };
      const body = JSON.stringify(message);
      const url = `${upstream}${LEAF_REGISTER_PATH}`;
      const res = await doFetch(url, {
        method: 'POST',
        headers: { ...(await signed('POST', url, body)), 'content-type': 'application/json' },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(10_000),
      });
      const answer = (await res.text().catch(() => '')).slice(0, 300);
      if (res.ok) return;
      if (res.status === 401 || res.status === 403)
        throw new PermanentSendError(`${upstream} refused this leaf: ${res.status} ${answer}`, 'rejected');
      throw new Error(`${upstream} answered ${res.status} ${answer}`);
    },
    async poll(upstream, cursor, waitSeconds, signal) {
      const url = `${upstream}${LEAF_INBOX_PATH}?after=${cursor}&wait=${waitSeconds}`;
      const res = await doFetch(url, {
        headers: { ...(await signed('GET', url)), accept: 'application/json' },
        redirect: 'error',
        signal: AbortSignal.any([signal, AbortSignal.timeout((waitSeconds + 15) * 1000)]),
      });
      if (res.status === 401) throw new LeafNotRegisteredError(`${upstream} does not know this leaf`);
      if (!res.ok) throw new Error(`${upstream} inbox answered ${res.status}`);
      const parsed = LeafInboxAnswerSchema.safeParse(await res.json());
      if (!parsed.success) throw new Error(`${upstream} inbox: not an inbox answer`);
      return parsed.data;
    },
  };
}
