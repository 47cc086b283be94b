import type { Log } from '../ports/logger.ts';
import type { IngestDeps } from '../usecases/ingest-deps.ts';
import type { SmsReceiptDeps } from '../usecases/sms-receipts.ts';
import type { StatusDeps } from '../usecases/status-report.ts';
import type { ActivityPubDeps } from './routes/activitypub-routes.ts';
import type { LeafRouteDeps } from './routes/leaf-routes.ts';
import type { PageDeps } from './routes/page-routes.ts';
import type { PeerRouteDeps } from './routes/peer-routes.ts';

/** What the http app and its routes need; apart from http-app.ts so the routes do not import it back. */
export interface HttpDeps {
  /** Ingest dependencies; the base URL comes from `publicUrl` or the request. */
  ingest: Omit<IngestDeps, 'baseUrl'>;
  /** Resolved per request but cached by the caller (SSM deployed, an env var locally). */
  twilioAuthToken: () => Promise<string>;
  /** Telegram's webhook secret token (`$TELEGRAM_SECRET_TOKEN`); undefined = Telegram refused with 403. */
  telegramSecretToken?: () => Promise<string | undefined>;
  /** The IM bridge's shared secret (`$ECHOBOT_IM_SECRET`); undefined = the bridge refused with 403. */
  imSecret?: () => Promise<string | undefined>;
  /** Accept IM callback URLs on private/loopback addresses (`ECHOBOT_ALLOW_PRIVATE=1`: local runs, tests). */
  allowPrivateCallbacks?: boolean;
  /** Public base URL that providers call; undefined means "the host the request came to". */
  publicUrl?: string;
  log: Log;
  /** The public timeline, profiles and feeds; without it `/` is a plain "running" line. */
  pages?: PageDeps;
  /** The operator's `/status` page; absent means no such route. */
  status?: StatusDeps;
  /** ActivityPub: WebFinger, NodeInfo, actors, inboxes; absent means the bot does not federate. */
  federation?: ActivityPubDeps;
  /**
   * SMS delivery receipts of the bot's provider: with `twilio`, `POST /webhooks/twilio/status`
   * records Twilio's status callbacks; with any provider, a number that texts in starts its
   * failure streak over. Absent = no provider, no status route.
   */
  smsReceipts?: SmsReceiptDeps & { provider: string };
  /** The echobot peer protocol (`/federation/key`, `/federation/peer`); absent means no peers. */
  peers?: PeerRouteDeps;
  /** Leaves served by this super-peer (`/federation/leaf/*`); absent means none. */
  leaves?: LeafRouteDeps;
}
