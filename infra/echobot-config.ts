import type { Construct } from 'constructs';

/** Deploy-time settings, read from CDK context (`cdk.json` or `cdk deploy -c key=value`). */
export interface EchobotConfig {
  /** Name of the SSM SecureString parameter holding the Twilio auth token (created by the operator, never by CDK). */
  readonly twilioAuthTokenParam: string;
  /** Name of the SSM SecureString parameter holding the operator's `/status` bearer token (created by the operator). */
  readonly adminTokenParam: string;
  /** Name of the SSM SecureString parameter holding the bot's ActivityPub key pair (`npm run keys`); absent parameter = no federation. */
  readonly botKeyParam: string;
  /** Public base URL when a custom domain fronts the http function (else the Function URL is the base). */
  readonly publicUrl?: string;
  /** Email address subscribed to the alerts topic. */
  readonly alertEmail?: string;
  /** Powertools LOG_LEVEL for all functions. */
  readonly logLevel: string;
  /**
   * `ECHOBOT_ADMINS` for the http function: comma-separated phone numbers (`+15550001111`) or
   * channels (`telegram:42`) allowed to run MODE, KICK and BAN. Absent: nobody is an admin.
   */
  readonly admins?: string;
  /**
   * `ECHOBOT_PEERS`: comma-separated base URLs of peer echobots (context `peers`). The peer
   * network needs `publicUrl` (the bot's identity to its peers); without it peers are off.
   */
  readonly peers?: string;
  /**
   * `ECHOBOT_UPSTREAM`: comma-separated base URLs of the super-peers this bot is a leaf of
   * (context `upstream`). Adds the scheduled uplink function; needs `publicUrl` (the leaf's id).
   */
  readonly upstream?: string;
  /** `ECHOBOT_RELAY=1`: this bot is a super-peer (context `relay`: true). */
  readonly relay: boolean;
  /**
   * `ECHOBOT_AUTHORIZED_FETCH=1` for the http function (context `authorizedFetch`: true): actor,
   * collection and post documents answer signed GETs only, as in Mastodon's secure mode.
   */
  readonly authorizedFetch: boolean;
  /**
   * `ECHOBOT_AP_RELAYS` for the http function (context `apRelays`): comma-separated https URLs of
   * ActivityPub relays this bot subscribes to (each relay's actor or inbox URL). Needs `publicUrl`.
   */
  readonly apRelays?: string;
  /**
   * SMS the bot's number may send per second (context `smsPerSecond`, default 1: a US long
   * code; toll-free numbers allow 3, short codes 100). Deliver paces its SMS sends to it, each
   * concurrent invocation to its share (`ECHOBOT_SMS_PER_SECOND` / `ECHOBOT_DELIVER_CONCURRENCY`).
   */
  readonly smsPerSecond: number;
  /** The deliver event source's maximum concurrency (context `maxConcurrency`, 2-1000, default 2). */
  readonly maxConcurrency: number;
}

export const DEFAULT_TWILIO_AUTH_TOKEN_PARAM = '/echobot/twilio-auth-token';
export const DEFAULT_ADMIN_TOKEN_PARAM = '/echobot/admin-token';
export const DEFAULT_BOT_KEY_PARAM = '/echobot/bot-key';
const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'CRITICAL'];

/** A number from context (`-c smsPerSecond=3` arrives as a string, cdk.json as a number). */
const contextNumber = (scope: Construct, key: string): number | undefined => {
  const value: unknown = scope.node.tryGetContext(key);
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (typeof value === 'string' && value.trim() === '') return Number.NaN;
  return n;
};

const contextString = (scope: Construct, key: string): string | undefined => {
  const value: unknown = scope.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string')
    throw new Error(`CDK context "${key}" must be a string, got ${typeof value}`);
  return value.trim();
};

export const readEchobotConfig = (scope: Construct): EchobotConfig => {
  const twilioAuthTokenParam =
    contextString(scope, 'twilioAuthTokenParam') ?? DEFAULT_TWILIO_AUTH_TOKEN_PARAM;
  // A hierarchical name ("/..."): this also rejects a token value pasted where its parameter name belongs.
  if (!/^\/[a-zA-Z0-9_.\-/]{1,1010}$/.test(twilioAuthTokenParam)) {
    throw new Error(
      `CDK context "twilioAuthTokenParam" must be an SSM parameter name (e.g. /echobot/twilio-auth-token), got "${twilioAuthTokenParam}"`,
    );
  }

  const adminTokenParam = contextString(scope, 'adminTokenParam') ?? DEFAULT_ADMIN_TOKEN_PARAM;
  if (!/^\/[a-zA-Z0-9_.\-/]{1,1010}$/.test(adminTokenParam)) {
    throw new Error(
      `CDK context "adminTokenParam" must be an SSM parameter name (e.g. /echobot/admin-token), got "${adminTokenParam}"`,
    );
  }

  const botKeyParam = contextString(scope, 'botKeyParam') ?? DEFAULT_BOT_KEY_PARAM;
  if (!/^\/[a-zA-Z0-9_.\-/]{1,1010}$/.test(botKeyParam)) {
    throw new Error(
      `CDK context "botKeyParam" must be an SSM parameter name (e.g. /echobot/bot-key), got "${botKeyParam}"`,
    );
  }

  const publicUrl = contextString(scope, 'publicUrl');
  if (publicUrl !== undefined) {
    const parsed = URL.canParse(publicUrl) ? new URL(publicUrl) : undefined;
    if (parsed?.protocol !== 'https:') {
      throw new Error(`CDK context "publicUrl" must be an https:// URL, got "${publicUrl}"`);
    }
  }

  const alertEmail = contextString(scope, 'alertEmail');
  if (alertEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alertEmail)) {
    throw new Error(`CDK context "alertEmail" must be an email address, got "${alertEmail}"`);
  }

  const logLevel = (contextString(scope, 'logLevel') ?? 'INFO').toUpperCase();
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new Error(`CDK context "logLevel" must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }

  const admins = contextString(scope, 'admins');
  if (admins !== undefined) {
    // The same rule the function applies at start-up (lib/domain/admins.ts), checked here so a typo fails the synth.
    const entries = admins
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e.length > 0);
    const bad = entries.find((e) => !/^\+[1-9]\d{7,14}$/.test(e) && !/^(sms|telegram|im|email):.+$/.test(e));
    if (bad !== undefined || entries.length === 0) {
      throw new Error(
        `CDK context "admins" must be comma-separated phone numbers (+15550001111) or channels (telegram:42), got "${bad ?? admins}"`,
      );
    }
  }

  const peers = contextString(scope, 'peers');
  const peerList = (peers ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e.length > 0);
  const badPeer = peerList.find((e) => !URL.canParse(e) || new URL(e).protocol !== 'https:');
  if (badPeer !== undefined) {
    throw new Error(`CDK context "peers" must be comma-separated https:// base URLs, got "${badPeer}"`);
  }
  if (peerList.length > 0 && publicUrl === undefined) {
    throw new Error('CDK context "peers" needs "publicUrl": peers know this bot by its public URL');
  }
  const upstream = contextString(scope, 'upstream');
  const upstreamList = (upstream ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e.length > 0);
  // A bot base URL: https, no user, query or fragment, no path (the leaf appends /federation/...).
  const badUpstream = upstreamList.find((e) => {
    const u = URL.canParse(e) ? new URL(e) : undefined;
    return (
      u?.protocol !== 'https:' ||
      u.username !== '' ||
      u.search !== '' ||
      u.hash !== '' ||
      !['', '/'].includes(u.pathname)
    );
  });
  if (badUpstream !== undefined || (upstream !== undefined && upstreamList.length === 0)) {
    throw new Error(
      `CDK context "upstream" must be comma-separated https:// super-peer base URLs (https://hub.example), got "${badUpstream ?? upstream}"`,
    );
  }
  if (upstreamList.length > 0 && publicUrl === undefined) {
    throw new Error('CDK context "upstream" needs "publicUrl": super-peers know a leaf by its public URL');
  }
  const apRelays = contextString(scope, 'apRelays');
  const apRelayList = (apRelays ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e.length > 0);
  const badRelay = apRelayList.find((e) => !URL.canParse(e) || new URL(e).protocol !== 'https:');
  if (badRelay !== undefined) {
    throw new Error(`CDK context "apRelays" must be comma-separated https:// relay URLs, got "${badRelay}"`);
  }
  if (apRelayList.length > 0 && publicUrl === undefined) {
    throw new Error('CDK context "apRelays" needs "publicUrl": relays know this bot by its public URL');
  }
  const relayValue: unknown = scope.node.tryGetContext('relay');
  const relay = relayValue === true || relayValue === 'true' || relayValue === '1';
  const authorizedFetchValue: unknown = scope.node.tryGetContext('authorizedFetch');
  const authorizedFetch =
    authorizedFetchValue === true || authorizedFetchValue === 'true' || authorizedFetchValue === '1';

  const smsPerSecond = contextNumber(scope, 'smsPerSecond') ?? 1;
  if (!(smsPerSecond > 0 && smsPerSecond <= 1000))
    throw new Error(
      `CDK context "smsPerSecond" must be a number of SMS per second (0 < n <= 1000), got ${smsPerSecond}`,
    );
  const maxConcurrency = contextNumber(scope, 'maxConcurrency') ?? 2;
  if (!(Number.isInteger(maxConcurrency) && maxConcurrency >= 2 && maxConcurrency <= 1000))
    throw new Error(
      `CDK context "maxConcurrency" must be a whole number from 2 to 1000 (the SQS event source's limits), got ${maxConcurrency}`,
    );

  return {
    twilioAuthTokenParam,
    relay,
    smsPerSecond,
    maxConcurrency,
    authorizedFetch,
    ...(peerList.length > 0 ? { peers: peerList.join(',') } : {}),
    ...(upstreamList.length > 0 ? { upstream: upstreamList.map((u) => u.replace(/\/$/, '')).join(',') } : {}),
    ...(apRelayList.length > 0 ? { apRelays: apRelayList.join(',') } : {}),
    adminTokenParam,
    botKeyParam,
    logLevel,
    ...(publicUrl !== undefined ? { publicUrl } : {}),
    ...(alertEmail !== undefined ? { alertEmail } : {}),
    ...(admins !== undefined
      ? {
          admins: admins
            .split(',')
            .map((e) => e.trim())
            .filter((e) => e.length > 0)
            .join(','),
        }
      : {}),
  };
};
