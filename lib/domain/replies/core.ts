import { MAX_POST_CHARS } from '../text.ts';

/** The bot's answers to joining, following, opting out and posting (the other catalogues sit beside this one). */
export const REPLIES = {
  welcome: (nick: string) =>
    `Welcome to echobot, ${nick}! Your texts now go to everyone here. HELP for commands, STOP to opt out.`,
  nickTaken: (nick: string) => `Sorry, the nick ${nick} is taken. Try JOIN with another one.`,
  alreadyMember: (nick: string) => `You already joined as ${nick}.`,
  channelTaken: () => 'This number already belongs to a member.',
  notMember: () => 'You have not joined yet. Text JOIN <nick> to join, e.g. JOIN alice. STOP to opt out.',
  unknownNick: (nick: string) => `There is no member called ${nick}.`,
  self: () => 'That is you.',
  followed: (nick: string) => `You will get ${nick}'s posts.`,
  alreadyFollowing: (nick: string) => `You already get ${nick}'s posts.`,
  unfollowed: (nick: string) => `You will no longer get ${nick}'s posts. FOLLOW ${nick} to undo.`,
  notFollowing: (nick: string) => `You already don't get ${nick}'s posts.`,
  stopped: () =>
    'You are unsubscribed from echobot and will get no more messages. Text START to resubscribe.',
  started: () => 'You are resubscribed to echobot. Text STOP to opt out, HELP for help.',
  startedStranger: () => 'You can get messages from echobot again. Text JOIN <nick> to join.',
  help: () =>
    'echobot: your texts are echoed to everyone here. JOIN <nick>, FOLLOW/UNFOLLOW <nick>, NICK ON OFF D GET WHOIS WHO FOLLOWERS FOLLOWING STATS BLOCK TRACK DELETE QUIET TZ; HELP <command> for one. Msg frequency varies. Msg&data rates may apply. Reply STOP to opt out, START to resubscribe.',
  /** Appended to HELP for the channels in ECHOBOT_ADMINS. */
  adminHelp: () => 'Operators: MODE KICK BAN PEER PEERS RELAY; HELP <command> for one.',
  usage: (usage: string) => `Usage: ${usage}`,
  tooLong: (chars: number) =>
    `Your post has ${chars} characters; the limit is ${MAX_POST_CHARS}. It was not sent.`,
  empty: () => 'Your message was empty, so nothing was sent.',
} as const;
