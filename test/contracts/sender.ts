import { describe, expect, it } from 'vitest';
import type { Channel } from '../../lib/domain/types.ts';
import type { Sender } from '../../lib/ports/sender.ts';

export interface SenderHarness {
  sender: Sender;
  /** A channel of this sender's kind for recipient `n` (1, 2, ...). */
  channel(n: number): Channel;
  /** What the far end received, in order, as [address, text] pairs. */
  received(): Promise<Array<[string, string]>>;
}

const addressOf = (channel: Channel) => channel.slice(channel.indexOf(':') + 1);

/**
 * The behaviour every Sender adapter must have, written once as a function of an adapter factory
 * (after Fedify's `testMessageQueue`); `make` returns a fresh harness whose far end has received
 * nothing. Run from test/integration/senders.contract.test.ts. Error mapping (what is permanent)
 * is provider-specific and tested beside each adapter.
 */
export function senderContract(name: string, make: () => Promise<SenderHarness>) {
  describe(`Sender contract: ${name}`, () => {
    it('delivers each message once, to the channel’s address, with the text as given', async () => {
      const h = await make();
      await h.sender.send({ channel: h.channel(1), text: 'alice: héllo 👋', kind: 'echo', postId: 'p1' });
      await h.sender.send({ channel: h.channel(2), text: 'welcome', kind: 'reply' });
      expect(await h.received()).toEqual([
        [addressOf(h.channel(1)), 'alice: héllo 👋'],
        [addressOf(h.channel(2)), 'welcome'],
      ]);
    });
  });
}
