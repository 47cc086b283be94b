/**
 * Relays (FEP-ae0c), the pure part: what "the public collection" is in a Follow, the relay's
 * admission rule, and who a relayed post must not go back to.
 */
export const PUBLIC_FORMS: readonly string[] = [
  'https://www.w3.org/ns/activitystreams#Public',
  'as:Public',
  'Public',
];

/** Whether a Follow's object (or an audience entry) names the public collection, in any form servers send. */
export function isPublicCollection(value: string): boolean {
  return PUBLIC_FORMS.includes(value);
}

/** `open`: any server may subscribe; `allowlist`: only hosts an admin allowed (RELAY ALLOW). */
export type RelayMode = 'open' | 'allowlist';

/** Whether a server at `host` may subscribe to this bot's relay. */
export function mayRelayTo(host: string, mode: RelayMode, allowed: ReadonlySet<string>): boolean {
  return mode === 'open' || allowed.has(host.toLowerCase());
}

/** A host as typed by an admin: `relay.example`, `https://relay.example/inbox` -> `relay.example`. */
export function normalizeRelayHost(raw: string): string | undefined {
  const text = raw.trim().toLowerCase();
  if (text === '') return undefined;
  const withScheme = /^https?:\/\//.test(text) ? text : `https://${text}`;
  if (!URL.canParse(withScheme)) return undefined;
  const host = new URL(withScheme).host;
  return /^[a-z0-9.-]+(:\d+)?$/.test(host) ? host : undefined;
}

/**
 * The subscribers' inboxes a relayed post goes to: each once, never to the server it came
 * from (`originHosts`: the post's own host and the server that handed it to us).
 */
export function relayTargets(
  subscribers: readonly { inbox: string; host: string }[],
  originHosts: readonly string[],
): string[] {
  const origins = new Set(originHosts.map((h) => h.toLowerCase()));
  const out = new Set<string>();
  for (const s of subscribers) {
    if (!URL.canParse(s.inbox)) continue;
    if (origins.has(s.host.toLowerCase()) || origins.has(new URL(s.inbox).host.toLowerCase())) continue;
    out.add(s.inbox);
  }
  return [...out];
}
