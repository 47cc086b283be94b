import { describe, expect, it } from 'vitest';
import { newId } from '../../lib/domain/ids.ts';
import type { Channel } from '../../lib/domain/types.ts';
import type { Store } from '../../lib/ports/store.ts';
import { ingestMessage } from '../../lib/usecases/ingest-message.ts';
import { freshTable } from '../support/aws-local.ts';

const ALICE: Channel = 'sms:+15550001111';
const BOB: Channel = 'sms:+15550002222';

async function setup(store?: (real: Store) => Store) {
  const t = await freshTable();
  const deps = {
    store: store ? store(t.store) : t.store,
    baseUrl: 'https://bot.example',
    now: () => new Date(),
    newId,
  };
  let n = 0;
  const text = (channel: Channel, body: string, id = `m${n++}`) =>
    ingestMessage(deps, { provider: 'test', messageId: id, channel, text: body });
  return { ...t, text };
}

describe('the command set against DynamoDB Local (races and refusals)', () => {
  it('a NICK that loses the race for a nick is refused clearly, and a retry answers the same', async () => {
    // The store says "free" when NICK looks, as if bob took the nick between the look and the commit.
    const s = await setup(
      (real) =>
        new Proxy(real, {
          get: (target, prop, receiver) =>
            prop === 'memberByNick'
              ? async (nick: string) => (nick === 'bob' ? undefined : target.memberByNick(nick))
              : Reflect.get(target, prop, receiver),
        }),
    );
    await s.text(ALICE, 'JOIN alice');
    await s.text(BOB, 'JOIN bob');
    const first = await s.text(ALICE, 'NICK bob', 'race');
    expect(first.reply).toBe('Sorry, the nick bob is taken. Try NICK with another one.');
    expect((await s.text(ALICE, 'NICK bob', 'race')).reply).toBe(first.reply);
    expect((await s.store.memberByNick('alice'))?.channels).toEqual([ALICE]);
    expect((await s.store.memberByNick('bob'))?.channels).toEqual([BOB]);
  });

  it('D to a member whose channels all opted out sends nothing and says so', async () => {
    const s = await setup();
    await s.text(ALICE, 'JOIN alice');
    await s.text(BOB, 'JOIN bob');
    await s.text(BOB, 'STOP');
    expect((await s.text(ALICE, 'D bob hello?')).reply).toBe(
      'bob is not taking messages right now. Nothing was sent.',
    );
  });

  it('a second KICK of the same member finds nobody; a banned channel stays refused after START', async () => {
    const s = await setup();
    const deps = {
      store: s.store,
      baseUrl: 'https://bot.example',
      now: () => new Date(),
      newId,
      admins: [ALICE] as const,
    };
    const admin = (body: string) =>
      ingestMessage(
        { ...deps, admins: [ALICE] },
        { provider: 'test', messageId: newId(), channel: ALICE, text: body },
      );
    await s.text(ALICE, 'JOIN alice');
    await s.text(BOB, 'JOIN bob');
    expect((await admin('BAN bob')).reply).toBe("Banned bob: removed, and their number can't join again.");
    expect((await admin('KICK bob')).reply).toBe('There is no member called bob.');
    await s.text(BOB, 'STOP');
    await s.text(BOB, 'START');
    expect((await s.text(BOB, 'JOIN bobby')).reply).toBe('This number cannot join this echobot.');
    expect(await s.store.channelState(BOB)).toEqual({ optedOut: false });
  });
});
