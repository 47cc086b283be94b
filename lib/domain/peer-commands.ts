/**
 * The peer network's commands: `PEER ADD <url>`, `PEER DEL <url>`, `PEERS` (operators only).
 * Parsed here and joined into `Command` in commands.ts. (`FOLLOW nick@host` is parsed there; the
 * follow goes through peers or ActivityPub as lib/usecases/commands/remote-follow.ts decides.)
 */
import { canonicalBotUrl } from './addresses.ts';

export type PeerCommand =
  | { kind: 'peerAdd'; url: string }
  | { kind: 'peerDel'; url: string }
  | { kind: 'peers' };

export const PEER_USAGE = {
  PEER: 'PEER ADD <url> or PEER DEL <url> - peer this bot with another echobot (operators only); PEERS lists them',
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
  return undefined;
}
