/** The relay's answers (RELAY commands, operators only). */
export const RELAY_REPLIES = {
  notAdmin: () => 'Only the bot’s operators can manage its relay.',
  noRelay: () => 'This bot does not federate (no bot key), so it has no relay.',
  list: (o: { offered: boolean; mode: string; subscribers: string[]; allowed: string[]; joined: string[] }) =>
    [
      o.offered
        ? `Relay ${o.mode}: ${o.subscribers.length} subscriber(s)${o.subscribers.length ? `: ${o.subscribers.join(', ')}` : ''}.`
        : 'Relay off (ECHOBOT_RELAY is not on).',
      `Allowed: ${o.allowed.length ? o.allowed.join(', ') : 'none'}.`,
      `Joined: ${o.joined.length ? o.joined.join(', ') : 'none'}.`,
    ].join(' '),
  allowed: (host: string, mode: string) =>
    mode === 'allowlist'
      ? `${host} may now subscribe to this relay.`
      : `${host} is on the allowlist (the relay is open to every server until RELAY MODE ALLOWLIST).`,
  removed: (host: string, subscribers: number) =>
    `${host} is off the allowlist${subscribers > 0 ? ` and its ${subscribers} subscription(s) ended` : ''}.`,
  mode: (mode: string) =>
    mode === 'open'
      ? 'The relay is open: any server may subscribe.'
      : 'The relay takes only allowed servers (RELAY ALLOW <host>); existing subscribers stay until RELAY REMOVE.',
} as const;
