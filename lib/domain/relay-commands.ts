/**
 * The relay's commands (operators only): `RELAY LIST`, `RELAY ALLOW <host>`, `RELAY REMOVE <host>`,
 * `RELAY MODE OPEN|ALLOWLIST`. Parsed here and joined into `Command` in commands.ts.
 */
import { normalizeRelayHost, type RelayMode } from './relay.ts';

export type RelayCommand =
  | { kind: 'relayList' }
  | { kind: 'relayAllow'; host: string }
  | { kind: 'relayRemove'; host: string }
  | { kind: 'relayMode'; mode: RelayMode };

export const RELAY_USAGE = {
  RELAY:
    'RELAY LIST, RELAY ALLOW <host>, RELAY REMOVE <host> or RELAY MODE OPEN|ALLOWLIST - the servers subscribed to this bot as a relay (operators only)',
} as const;

type Usage = { kind: 'usage'; command: string; usage: string };

export function parseRelayCommand(word: string, args: readonly string[]): RelayCommand | Usage | undefined {
  if (word !== 'RELAY' && word !== 'RELAYS') return undefined;
  const usage: Usage = { kind: 'usage', command: 'RELAY', usage: RELAY_USAGE.RELAY };
  const [sub = '', arg = ''] = args;
  const action = sub.toUpperCase();
  if (args.length === 0 || (args.length === 1 && action === 'LIST')) return { kind: 'relayList' };
  if (args.length !== 2) return usage;
  if (action === 'MODE') {
    const mode = arg.toLowerCase();
    return mode === 'open' || mode === 'allowlist' ? { kind: 'relayMode', mode } : usage;
  }
  const host = normalizeRelayHost(arg);
  if (host === undefined) return usage;
  if (action === 'ALLOW' || action === 'ADD') return { kind: 'relayAllow', host };
  if (action === 'REMOVE' || action === 'DEL' || action === 'DELETE') return { kind: 'relayRemove', host };
  return usage;
}
