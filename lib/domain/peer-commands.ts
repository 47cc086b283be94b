/**
 * The peer network's commands: `PEER ADD <url>`, `PEER DEL <url>`, `PEERS` (operators only) and
 * `FOLLOW` / `UNFOLLOW` of a remote handle `nick@host[:port]`. Parsed here and joined into
 * `Command` in commands.ts.
 */
import { canonicalBotUrl, isCanonicalHandle } from '../federation/addresses.ts';

export type PeerCommand =
  | { kind: 'peerAdd'; url: string }
  | { kind: 'peerDel'; url: string }
  | { kind: 'peers' }
  | { kind: 'followRemote'; handle: string; follow: boolean };

export const PEER_USAGE = {
  PEER: 'PEER ADD <url> or PEER DEL <url> - peer this bot with another echobot (operators only); PEERS lists them',
  FOLLOW: 'FOLLOW nick@host - get the posts of a member of another bot',
  UNFOLLOW: 'UNFOLLOW nick@host - stop getting that remote member’s posts',
} as const;

type Usage = { kind: 'usage'; command: string; usage: string };

export function parsePeerCommand(word: string, args: readonly string[]): PeerCommand | Usage | undefined {
  if (word === 'PEERS')
    return args.length === 0 ? { kind: 'peers' } : { kind: 'usage', command: word, usage: PEER_USAGE.PEER };
  if (word === 'PEER') {
    const [sub = '', raw = ''] = args;
    const url = args.length === 2 ? canonicalBotUrl(raw) : undefined;
    const action = sub.toUpperCase();
    if (
      url !== undefined &&
      (action === 'ADD' || action === 'DEL' || action === 'DELETE' || action === 'REMOVE')
    )
      return action === 'ADD' ? { kind: 'peerAdd', url } : { kind: 'peerDel', url };
    return { kind: 'usage', command: word, usage: PEER_USAGE.PEER };
  }
  if (word === 'FOLLOW' || word === 'UNFOLLOW' || word === 'LEAVE') {
    const [first = ''] = args;
    // Only a handle (nick@host) is ours; a plain nick is a local FOLLOW.
    if (args.length !== 1 || !first.replace(/^@/, '').includes('@')) return undefined;
    const handle = first.replace(/^@/, '').toLowerCase();
    const follow = word === 'FOLLOW';
    if (!isCanonicalHandle(handle))
      return { kind: 'usage', command: word, usage: follow ? PEER_USAGE.FOLLOW : PEER_USAGE.UNFOLLOW };
    return { kind: 'followRemote', handle, follow };
  }
  return undefined;
}
