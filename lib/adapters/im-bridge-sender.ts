import { createHash } from 'node:crypto';
import { splitChannel } from '../domain/channel.ts';
import { PermanentSendError } from '../domain/errors.ts';
import type { OutboundMessage } from '../domain/types.ts';
import { imSignedHeaders } from '../edges/im-bridge.ts';
import { assertPublicUrl } from '../edges/public-url.ts';
import type { Sender } from '../ports/sender.ts';

export interface ImBridgeSenderOptions {
  secret: () => Promise<string>;
  /** The callback the bridge gave for a sender (stored with the channel). */
  callbackOf: (channel: OutboundMessage['channel']) => Promise<string | undefined>;
  /** Used when a sender never gave a callback (`ECHOBOT_IM_CALLBACK`). */
  defaultCallback?: string;
  allowPrivate?: boolean;
}

/**
 * Echoes and replies to IM bridge members: a signed JSON POST `{ id, to, text }` to the sender's
 * callback. `id` is stable per message (a reply's own id, else post id + channel), so a bridge can
 * drop our retries. The URL is checked again at send time (DNS may have changed since).
 */
export class ImBridgeSender implements Sender {
  constructor(private readonly options: ImBridgeSenderOptions) {}

  async send(message: OutboundMessage): Promise<void> {
    const { address } = splitChannel(message.channel);
    const callback = (await this.options.callbackOf(message.channel)) ?? this.options.defaultCallback;
    if (!callback) throw new PermanentSendError('no callback URL for this IM sender', 'invalid-address');
    let url: URL;
    try {
      url = await assertPublicUrl(callback, { allowPrivate: this.options.allowPrivate ?? false });
    } catch (err) {
      throw new PermanentSendError(`IM callback refused: ${String(err)}`, 'invalid-address');
    }
    const id =
      message.id ??
      createHash('sha256')
        .update(`${message.postId ?? ''}\n${message.channel}\n${message.text}`)
        .digest('hex')
        .slice(0, 32);
    const body = JSON.stringify({ id, to: address, text: message.text });
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: imSignedHeaders(await this.options.secret(), body),
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw new Error(`IM bridge did not answer (${err instanceof Error ? err.name : 'error'})`);
    }
    await res.body?.cancel();
    if (res.ok) return;
    if (res.status === 410) throw new PermanentSendError('IM bridge: recipient is gone', 'opted-out');
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429)
      throw new PermanentSendError(`IM bridge refused with ${res.status}`, 'rejected');
    throw new Error(`IM bridge answered ${res.status}`);
  }
}
