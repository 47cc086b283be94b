/**
 * `ECHOBOT_AP_RELAYS`: comma-separated URLs of relays to subscribe to (each relay's actor URL, or
 * the inbox URL Mastodon admins are given; the same list as the CDK context `apRelays`). A URL
 * that is no http(s) URL fails the start, naming it.
 */
export function apRelaysFromEnv(env: NodeJS.ProcessEnv): string[] {
  const urls = (env.ECHOBOT_AP_RELAYS ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u.length > 0);
  for (const u of urls)
    if (!URL.canParse(u) || !/^https?:$/.test(new URL(u).protocol))
      throw new Error(`ECHOBOT_AP_RELAYS: "${u}" is not an http(s) URL of a relay`);
  return urls;
}
