import { BadRequestError, PeerBusyError, PermanentSendError } from '../domain/errors.ts';
import { assertPublicUrl } from '../edges/public-url.ts';
import type { BotKeyPair } from '../federation/bot-keys.ts';
import { signRequest } from '../federation/http-signatures.ts';
import { keyIdOf, PEER_PATH } from '../federation/peer-messages.ts';
import type { PeerSender } from '../ports/peer-sender.ts';

export interface HttpPeerSenderOptions {
  /** This bot's base URL (the key id is `<self>/federation/key`). */
  self: string;
  key: () => Promise<BotKeyPair>;
  /** `ECHOBOT_ALLOW_PRIVATE=1`: peers on loopback or private addresses are allowed. */
  allowPrivate: boolean;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * `POST <peer>/federation/peer` with an HTTP Signature (draft-cavage, rsa-sha256, Digest), signed
 * afresh at every attempt. 2xx = delivered; 4xx other than 408/429 = refused for good (the peer
 * does not know us, or the message is bad: retrying cannot help); 408/429/503 throw PeerBusyError
 * (alive, retry later); anything else (no answer, a timeout, another 5xx) throws to retry.
 */
export class HttpPeerSender implements PeerSender {
  constructor(private readonly options: HttpPeerSenderOptions) {}

  async send(peerUrl: string, body: string): Promise<void> {
    const target = `${peerUrl}${PEER_PATH}`;
    try {
      await assertPublicUrl(target, { allowPrivate: this.options.allowPrivate });
    } catch (err) {
      if (err instanceof BadRequestError)
        throw new PermanentSendError(`peer ${peerUrl}: ${err.message}`, 'rejected');
      throw err;
    }
    const key = await this.options.key();
    const signed = signRequest({
      method: 'POST',
      url: target,
      body,
      keyId: keyIdOf(this.options.self),
      privateKeyPem: key.privateKeyPem,
    });
    const { Host: _host, ...headers } = signed;
    const res = await (this.options.fetch ?? fetch)(target, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
    const answer = (await res.text().catch(() => '')).slice(0, 200);
    if (res.ok) return;
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429)
      throw new PermanentSendError(`peer ${peerUrl} refused: ${res.status} ${answer}`, 'rejected');
    if (res.status === 408 || res.status === 429 || res.status === 503)
      throw new PeerBusyError(`peer ${peerUrl} answered ${res.status} ${answer}`);
    throw new Error(`peer ${peerUrl} answered ${res.status} ${answer}`);
  }
}
