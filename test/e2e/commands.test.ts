import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEMBER_USAGE } from '../../lib/domain/member-commands.ts';
import { twimlMessages } from '../../local/twilio-carrier.ts';
import { type LocalBot, startLocalBot } from '../support/local-bot.ts';

// The whole command set through a real local node: signed Twilio webhooks in, the outbox out.
const ALICE = '+15550101001';
const BOB = '+15550101002';
const CAROL = '+15550101003';
const DAVE = '+15550101004';
const ERIN = '+15550101005'; // the admin
const FRANK = '+15550101006';
const STRANGER = '+15550101099';

let bot: LocalBot;
beforeAll(async () => {
  bot = await startLocalBot({ env: { ECHOBOT_ADMINS: ERIN } });
  for (const [phone, nick] of [
    [ALICE, 'alice'],
    [BOB, 'bob'],
    [CAROL, 'carol'],
    [DAVE, 'dave'],
    [ERIN, 'erin'],
  ] as const) {
    expect(await ask(phone, `JOIN ${nick}`)).toContain('Welcome');
  }
});
afterAll(async () => {
  await bot?.stop();
});

/** Texts the bot and returns its answer (the TwiML reply, which the node also writes to the outbox). */
async function ask(phone: string, text: string): Promise<string> {
  const res = await bot.sms(phone, text);
  expect(res.status).toBe(200);
  return twimlMessages(res.text).join('\n');
}

/** Who got an echo of `text` (after everything accepted so far is delivered). */
async function echoesOf(text: string): Promise<string[]> {
  await bot.settle();
  return (await bot.outbox())
    .filter((l) => l.kind === 'echo' && l.text === text)
    .map((l) => l.to)
    .sort();
}

/** Every message that reached a phone, replies and echoes alike. */
async function everythingTo(phone: string): Promise<string[]> {
  await bot.settle();
  return (await bot.outbox()).filter((l) => l.to === phone).map((l) => l.text);
}

const NICKS: Record<string, string> = { [ALICE]: 'alice', [BOB]: 'bob', [DAVE]: 'dave' };

/** Posts `text` as `phone` and returns who got its echo. */
async function post(phone: string, text: string): Promise<string[]> {
  expect(await ask(phone, text)).toBe('');
  return echoesOf(`${NICKS[phone]}: ${text}`);
}

const withNick = (nick: string, text: string) => `${nick}: ${text}`;

describe('the command set, end to end (signed Twilio webhooks in, outbox out)', () => {
  it('NICK renames: old nick freed, new one used in echoes, taken nicks and bad args refused', async () => {
    expect(await ask(ALICE, 'NICK alicia')).toBe('You are now alicia (was alice).');
    expect(await ask(BOB, 'NICK alicia')).toContain('the nick alicia is taken');
    expect(await ask(BOB, 'NICK')).toBe(`Usage: ${MEMBER_USAGE.NICK}`);
    expect(await ask(BOB, 'NICK b!')).toBe(`Usage: ${MEMBER_USAGE.NICK}`);
    expect(await ask(STRANGER, 'NICK zed')).toContain('You have not joined yet');
    expect(await ask(ALICE, 'nick alicia')).toBe('You are already alicia.');
    await bot.sms(ALICE, 'renamed and posting');
    expect(await echoesOf(withNick('alicia', 'renamed and posting'))).toEqual([BOB, CAROL, DAVE, ERIN]);
    // The old nick is free: FOLLOW alice is an unknown nick, and a newcomer may take it.
    expect(await ask(BOB, 'UNFOLLOW alice')).toBe('There is no member called alice.');
    expect(await ask(ALICE, 'NICK alice')).toBe('You are now alice (was alicia).');
    expect(await ask(BOB, 'GET alicia')).toBe('There is no member called alicia.');
    expect(await ask(BOB, 'GET alice')).toMatch(
      /^alice: renamed and posting \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)$/,
    );
  });

  it('OFF pauses everything for a member and ON resumes; OFF <nick> pauses one author but keeps the follow', async () => {
    expect(await ask(BOB, 'OFF')).toContain('Paused');
    expect(await ask(BOB, 'OFF')).toContain('already paused');
    expect(await post(ALICE, 'bob is off')).toEqual([CAROL, DAVE, ERIN]);
    expect(await ask(BOB, 'ON')).toContain('Resumed');
    expect(await post(ALICE, 'bob is on')).toEqual([BOB, CAROL, DAVE, ERIN]);

    expect(await ask(CAROL, 'OFF alice')).toContain('Paused alice');
    expect(await ask(CAROL, 'OFF alice')).toContain('already paused');
    expect(await post(ALICE, 'carol paused me')).toEqual([BOB, DAVE, ERIN]);
    expect(await post(DAVE, 'carol still hears dave')).toEqual([ALICE, BOB, CAROL, ERIN]);
    // Paused is not unfollowed: carol is still among alice's followers.
    expect(await ask(ALICE, 'FOLLOWERS')).toBe('Your followers (4): bob, carol, dave, erin');
    expect(await ask(CAROL, 'ON alice')).toBe("Resumed alice's posts.");
    expect(await ask(CAROL, 'ON alice')).toBe('alice is not paused.');
    expect(await post(ALICE, 'carol hears me again')).toEqual([BOB, CAROL, DAVE, ERIN]);

    expect(await ask(CAROL, 'OFF zed')).toBe('There is no member called zed.');
    expect(await ask(CAROL, 'OFF al-ice')).toBe(`Usage: ${MEMBER_USAGE.OFF}`);
    expect(await ask(CAROL, 'ON carol')).toBe('That is you.');
  });

  it('D sends a direct message to that member only, never to the timeline or anyone else', async () => {
    const before = (await bot.outbox()).length;
    expect(await ask(ALICE, 'D bob meet at 8?')).toBe('Sent to bob.');
    await bot.settle();
    const sent = (await bot.outbox()).slice(before);
    expect(sent.filter((l) => l.text.includes('meet at 8?'))).toEqual([
      expect.objectContaining({ to: BOB, text: 'DM from alice: meet at 8?' }),
    ]);
    // Not a post: GET shows alice's last real post, and the public timeline doesn't have it.
    expect(await ask(BOB, 'GET alice')).toContain('carol hears me again');
    expect(await (await fetch(`${bot.url}/`)).text()).not.toContain('meet at 8?');

    expect(await ask(ALICE, 'D zed hi')).toBe('There is no member called zed.');
    expect(await ask(ALICE, 'D bob')).toBe(`Usage: ${MEMBER_USAGE.D}`);
    expect(await ask(ALICE, 'D alice hi me')).toBe('That is you.');
    // A handle on this very bot is a local nick (remote D is covered by the ActivityPub suites).
    const here = new URL(bot.url).host;
    expect(await ask(ALICE, `D bob@${here} hi`)).toBe(`bob@${here} is on this bot: text D bob <message>.`);
    // OFF means no direct messages either; the sender is told nothing was sent.
    await ask(DAVE, 'OFF');
    expect(await ask(ALICE, 'D dave are you there')).toBe(
      'dave is not taking messages right now. Nothing was sent.',
    );
    await ask(DAVE, 'ON');
    expect(await everythingTo(DAVE)).not.toContainEqual(expect.stringContaining('are you there'));
  });

  it('GET, WHOIS, WHO, FOLLOWERS, FOLLOWING and STATS answer in one SMS, never with a phone number', async () => {
    expect(await ask(BOB, 'GET erin')).toBe('erin has not posted yet.');
    expect(await ask(BOB, 'GET zed')).toBe('There is no member called zed.');
    expect(await ask(BOB, 'GET')).toBe(`Usage: ${MEMBER_USAGE.GET}`);
    const whois = await ask(BOB, 'WHOIS alice');
    expect(whois).toMatch(/^alice: joined \d{4}-\d\d-\d\d, 5 posts, 4 followers\.$/);
    expect(whois).not.toMatch(/\+1555/);
    expect(await ask(BOB, 'WHOIS zed')).toBe('There is no member called zed.');
    expect(await ask(BOB, 'WHOIS')).toBe(`Usage: ${MEMBER_USAGE.WHOIS}`);
    expect(await ask(BOB, 'WHO')).toBe('Members (5): alice, bob, carol, dave, erin');
    expect(await ask(BOB, 'WHO 2')).toBe('Members (5): there is 1 page.');

    expect(await ask(CAROL, 'UNFOLLOW dave')).toContain("no longer get dave's posts");
    expect(await ask(DAVE, 'FOLLOWERS')).toBe('Your followers (3): alice, bob, erin');
    expect(await ask(CAROL, 'FOLLOWING')).toBe('You follow (3): alice, bob, erin');
    expect(await ask(CAROL, 'STATS')).toBe(
      'echobot: 5 members, 6 posts, echo mode. You: 4 followers, following 3.',
    );
    for (const reply of [await ask(CAROL, 'WHO'), await ask(CAROL, 'STATS'), await ask(CAROL, 'FOLLOWERS')]) {
      expect(reply.length).toBeLessThanOrEqual(160);
      expect(reply).not.toMatch(/\+1555/);
    }
    // "Who is coming?" is a post, not WHO.
    expect(await post(BOB, 'Who is coming tonight?')).toEqual([ALICE, CAROL, DAVE, ERIN]);
  });

  it('BLOCK keeps a member from reaching the blocker on every path; UNBLOCK undoes it', async () => {
    expect(await ask(BOB, 'TRACK pizza')).toContain('every post with "pizza"');
    expect(await ask(BOB, 'BLOCK alice')).toContain('Blocked alice');
    expect(await ask(BOB, 'BLOCK alice')).toBe('alice is already blocked.');
    expect(await post(ALICE, 'pizza from alice')).toEqual([CAROL, DAVE, ERIN]);
    expect(await ask(ALICE, 'D bob psst')).toBe('bob is not taking messages right now. Nothing was sent.');
    expect(await everythingTo(BOB)).not.toContainEqual(expect.stringContaining('psst'));
    expect(await ask(BOB, 'BLOCK')).toBe(`Usage: ${MEMBER_USAGE.BLOCK}`);
    expect(await ask(BOB, 'UNBLOCK zed')).toBe('There is no member called zed.');
    expect(await ask(BOB, 'UNBLOCK alice')).toBe('Unblocked alice.');
    expect(await ask(BOB, 'UNBLOCK alice')).toBe('alice is not blocked.');
    expect(await post(ALICE, 'alice unblocked')).toEqual([BOB, CAROL, DAVE, ERIN]);
    expect(await ask(BOB, 'UNTRACK pizza')).toBe('You no longer track "pizza".');
  });

  it('TRACK brings posts with a word from authors you otherwise would not get, but never when OFF', async () => {
    // carol unfollowed dave above.
    expect(await ask(CAROL, 'TRACK Pizza')).toBe(
      'You will get every post with "pizza". UNTRACK pizza to stop.',
    );
    expect(await ask(CAROL, 'TRACK pizza')).toBe('You already track "pizza".');
    expect(await post(DAVE, 'PIZZA at my place!')).toEqual([ALICE, BOB, CAROL, ERIN]);
    expect(await post(DAVE, 'pizzas are not the word')).toEqual([ALICE, BOB, ERIN]);
    await ask(CAROL, 'OFF');
    expect(await post(DAVE, 'more pizza')).toEqual([ALICE, BOB, ERIN]);
    await ask(CAROL, 'ON');
    expect(await ask(CAROL, 'UNTRACK pizza')).toBe('You no longer track "pizza".');
    expect(await ask(CAROL, 'UNTRACK pizza')).toBe('You don\'t track "pizza".');
    expect(await post(DAVE, 'pizza again')).toEqual([ALICE, BOB, ERIN]);
    expect(await ask(CAROL, 'TRACK')).toBe(`Usage: ${MEMBER_USAGE.TRACK}`);
    expect(await ask(CAROL, 'TRACK two words')).toBe(`Usage: ${MEMBER_USAGE.TRACK}`);
    for (let i = 0; i < 20; i++) expect(await ask(CAROL, `TRACK word${i}`)).toContain('every post with');
    expect(await ask(CAROL, 'TRACK word20')).toBe('You track 20 words, the most allowed. UNTRACK one first.');
    expect(await ask(CAROL, 'FOLLOW dave')).toBe("You will get dave's posts.");
  });

  it('MODE, KICK and BAN are for admins only; follow mode sends only to explicit followers', async () => {
    expect(await ask(BOB, 'MODE FOLLOW')).toBe("Only this bot's admins can use MODE.");
    expect(await ask(BOB, 'KICK alice')).toBe("Only this bot's admins can use KICK.");
    expect(await ask(BOB, 'BAN alice')).toBe("Only this bot's admins can use BAN.");
    expect(await post(ALICE, 'still echo mode')).toEqual([BOB, CAROL, DAVE, ERIN]);

    expect(await ask(ERIN, 'MODE party')).toBe(`Usage: ${MEMBER_USAGE.MODE}`);
    expect(await ask(ERIN, 'MODE FOLLOW')).toContain('Now in follow mode');
    expect(await ask(ERIN, 'MODE')).toContain('follow mode');
    // carol typed FOLLOW dave in echo mode: that was recorded, so she alone gets dave now.
    expect(await post(DAVE, 'a post in follow mode')).toEqual([CAROL]);
    expect(await ask(BOB, 'FOLLOW dave')).toBe("You will get dave's posts.");
    expect(await ask(BOB, 'FOLLOW dave')).toBe("You already get dave's posts.");
    expect(await post(DAVE, 'two followers now')).toEqual([BOB, CAROL]);
    expect(await ask(DAVE, 'FOLLOWERS')).toBe('Your followers (2): bob, carol');
    expect(await ask(BOB, 'UNFOLLOW dave')).toContain("no longer get dave's posts");
    expect(await post(DAVE, 'back to one')).toEqual([CAROL]);
    expect(await ask(ERIN, 'MODE echo')).toContain('Now in echo mode');
    // Back in echo mode, bob's UNFOLLOW still holds; everyone else gets dave.
    expect(await post(DAVE, 'echo again')).toEqual([ALICE, CAROL, ERIN]);

    expect(await ask(ERIN, 'KICK zed')).toBe('There is no member called zed.');
    expect(await ask(ERIN, 'KICK erin')).toBe('That is you.');
    expect(await ask(ERIN, 'KICK')).toBe(`Usage: ${MEMBER_USAGE.KICK}`);
    expect(await ask(ERIN, 'KICK dave')).toBe('Removed dave.');
    expect(await everythingTo(DAVE)).toContainEqual(expect.stringContaining('An admin removed you'));
    expect(await ask(DAVE, 'kicked but posting')).toContain('You have not joined yet');
    expect(await post(ALICE, 'dave is gone')).toEqual([BOB, CAROL, ERIN]);
    expect(await ask(DAVE, 'JOIN dave')).toContain('Welcome to echobot, dave!');

    expect(await ask(FRANK, 'JOIN frank')).toContain('Welcome');
    expect(await ask(ERIN, 'BAN frank')).toBe("Banned frank: removed, and their number can't join again.");
    expect(await ask(FRANK, 'JOIN frank')).toBe('This number cannot join this echobot.');
    expect(await ask(FRANK, 'JOIN frankie')).toBe('This number cannot join this echobot.');
    expect(await ask(BOB, 'WHO')).toBe('Members (5): alice, bob, carol, dave, erin');
  });

  it('HELP <command> gives its usage line; plain HELP the short list', async () => {
    expect(await ask(BOB, 'HELP TRACK')).toBe(`Usage: ${MEMBER_USAGE.TRACK}`);
    expect(await ask(BOB, 'help d')).toBe(`Usage: ${MEMBER_USAGE.D}`);
    expect(await ask(BOB, 'HELP nick')).toBe(`Usage: ${MEMBER_USAGE.NICK}`);
    const help = await ask(BOB, 'HELP');
    expect(help).toContain('STOP to opt out');
    expect(help).toContain('HELP <command>');
    expect(await ask(STRANGER, 'HELP')).toBe(help);
  });
});
