/**
 * What a provider's answer to one SMS send means for the bot, for AWS End User Messaging SMS
 * (`SendTextMessage`) and Twilio's Messages API. Pure: the adapters hand over the error's name,
 * reason and HTTP status (AWS) or the HTTP status and Twilio error code, and act on the outcome.
 *
 * - `sent`: the provider accepted it; its message id is what delivery receipts name.
 * - `retry`: try again after a backoff. `alarm` = an operator must fix something first
 *   (credentials, permissions, set-up, spend limit): the echo waits, it is never dropped.
 *   `maxAttempts` caps retries that rarely succeed (Twilio 30003/30008); absent = the queue's own limit.
 * - `never`: this SMS to this number will never go out (invalid number, landline, blocked).
 * - `opted-out`: the number said STOP at the provider: record it as a STOP, send nothing until START.
 */
export type SmsProviderName = 'aws' | 'twilio';

export type RetryReason =
  | 'throttled'
  | 'server'
  | 'timeout'
  | 'carrier'
  | 'credentials'
  | 'setup'
  | 'spend-limit'
  | 'unknown';

export type NeverReason = 'invalid-number' | 'not-mobile' | 'unreachable' | 'blocked' | 'filtered';

export type SmsSendOutcome =
  | { kind: 'sent'; messageId: string; parts?: number }
  | {
      kind: 'retry';
      reason: RetryReason;
      code: string;
      alarm: boolean;
      retryAfterSeconds?: number;
      maxAttempts?: number;
    }
  | { kind: 'never'; reason: NeverReason; code: string }
  | { kind: 'opted-out'; code: string };

/** Spend limits reset monthly and are raised by a person: no point knocking again every 30 s. */
export const SPEND_LIMIT_RETRY_SECONDS = 3600;

/** Twilio 30003/30008 (handset unreachable, unknown carrier error) succeed on a retry now and then. */
export const CARRIER_RETRY_ATTEMPTS = 3;

const retry = (
  reason: RetryReason,
  code: string,
  extra: { alarm?: boolean; retryAfterSeconds?: number; maxAttempts?: number } = {},
): SmsSendOutcome => ({
  kind: 'retry',
  reason,
  code,
  alarm: extra.alarm ?? false,
  ...(extra.retryAfterSeconds !== undefined ? { retryAfterSeconds: extra.retryAfterSeconds } : {}),
  ...(extra.maxAttempts !== undefined ? { maxAttempts: extra.maxAttempts } : {}),
});

/** A `retry` that has used its `maxAttempts` becomes `never` (the carrier kept refusing). */
export function afterAttempt(outcome: SmsSendOutcome, attempt: number): SmsSendOutcome {
  if (outcome.kind !== 'retry' || outcome.maxAttempts === undefined || attempt < outcome.maxAttempts)
    return outcome;
  return { kind: 'never', reason: 'unreachable', code: outcome.code };
}

// ---------------------------------------------------------------- AWS End User Messaging SMS

/** The parts of an SDK error the mapping reads (`name`, `Reason`, `Fields[].Name`, HTTP status). */
export interface AwsSmsError {
  name: string;
  reason?: string;
  /** Names of the request fields a ValidationException blames. */
  fields?: readonly string[];
  /** HTTP status, when the service answered at all. */
  status?: number;
}

/** Names the SDK gives to credential and signing failures (from STS/IAM, the signer or the provider chain). */
const AWS_CREDENTIALS = new Set([
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'ExpiredTokenException',
  'ExpiredToken',
  'InvalidClientTokenId',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'CredentialsProviderError',
  'TokenProviderError',
]);

const AWS_TRANSIENT_NETWORK = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'AbortError',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'NetworkingError',
]);

/** ValidationException reasons that are about where the SMS goes, not about our set-up. */
const AWS_DESTINATION_REASONS: Record<string, NeverReason> = {
  DESTINATION_COUNTRY_BLOCKED: 'blocked',
  INVALID_IDENTITY_FOR_DESTINATION_COUNTRY: 'blocked',
  INTERNATIONAL_SENDING_NOT_SUPPORTED: 'blocked',
  COUNTRY_CODE_MISMATCH: 'invalid-number',
};

export function awsSendOutcome(err: AwsSmsError): SmsSendOutcome {
  const code = err.reason ? `${err.name}:${err.reason}` : err.name;
  switch (err.name) {
    case 'ThrottlingException':
    case 'TooManyRequestsException':
      return retry('throttled', code);
    case 'InternalServerException':
    case 'ServiceUnavailableException':
      return retry('server', code);
    case 'ConflictException':
      if (err.reason === 'DESTINATION_PHONE_NUMBER_OPTED_OUT') return { kind: 'opted-out', code };
      if (
        err.reason === 'DESTINATION_PHONE_NUMBER_BLOCKED_BY_PROTECT_NUMBER_OVERRIDE' ||
        err.reason === 'DESTINATION_COUNTRY_BLOCKED_BY_PROTECT_CONFIGURATION'
      )
        return { kind: 'never', reason: 'blocked', code };
      // DESTINATION_PHONE_NUMBER_NOT_VERIFIED: the account is still in the SMS sandbox.
      return retry('setup', code, { alarm: true });
    case 'ServiceQuotaExceededException':
      // The monthly spend limit (and the other quotas) stop every send until a person raises it
      // or the month turns: hold the echo, retry slowly, and tell the operator.
      return retry(err.reason?.startsWith('MONTHLY_SPEND_LIMIT') ? 'spend-limit' : 'setup', code, {
        alarm: true,
        retryAfterSeconds: SPEND_LIMIT_RETRY_SECONDS,
      });
    case 'ResourceNotFoundException':
      // The origination number or configuration set is not there: set-up, fixable.
      return retry('setup', code, { alarm: true });
    case 'ValidationException': {
      const destination = err.reason ? AWS_DESTINATION_REASONS[err.reason] : undefined;
      if (destination) return { kind: 'never', reason: destination, code };
      if (err.fields?.includes('DestinationPhoneNumber'))
        return { kind: 'never', reason: 'invalid-number', code };
      // Any other field (origination identity, configuration set, ...) is our set-up.
      return retry('setup', code, { alarm: true });
    }
  }
  if (AWS_CREDENTIALS.has(err.name)) return retry('credentials', code, { alarm: true });
  if (AWS_TRANSIENT_NETWORK.has(err.name) || err.status === undefined) return retry('timeout', code);
  if (err.status === 429) return retry('throttled', code);
  if (err.status >= 500) return retry('server', code);
  if (err.status === 401 || err.status === 403) return retry('credentials', code, { alarm: true });
  return retry('unknown', code, { alarm: true });
}

// ---------------------------------------------------------------- Twilio Programmable Messaging

/**
 * A Twilio error code (from an API error body or a status callback's ErrorCode) -> the outcome.
 * https://www.twilio.com/docs/api/errors
 */
export function twilioCodeOutcome(code: number): SmsSendOutcome | undefined {
  const c = String(code);
  switch (code) {
    case 21610:
      return { kind: 'opted-out', code: c };
    case 21211:
      return { kind: 'never', reason: 'invalid-number', code: c };
    case 21614:
      return { kind: 'never', reason: 'not-mobile', code: c };
    case 30004:
      return { kind: 'never', reason: 'blocked', code: c };
    case 30005:
      return { kind: 'never', reason: 'unreachable', code: c };
    case 30006:
      return { kind: 'never', reason: 'not-mobile', code: c };
    case 30007:
      return { kind: 'never', reason: 'filtered', code: c };
    case 30003:
    case 30008:
      return retry('carrier', c, { maxAttempts: CARRIER_RETRY_ATTEMPTS });
    case 20429:
      return retry('throttled', c);
    case 20003:
    case 20005:
    case 10001:
      // Authentication failed / account suspended or not active.
      return retry('credentials', c, { alarm: true });
    case 21606:
    case 21608:
    case 21408:
    case 21659:
    case 21212:
    case 20404:
      // From not SMS-capable, trial account to an unverified number, region not enabled, From not
      // ours, invalid From, no such account: all the operator's set-up.
      return retry('setup', c, { alarm: true });
  }
  return undefined;
}

/** The answer to `POST .../Messages.json` that was not a 2xx: HTTP status, Twilio `code`, `Retry-After`. */
export function twilioErrorOutcome(
  status: number | undefined,
  code: number | undefined,
  retryAfterSeconds?: number,
): SmsSendOutcome {
  const known = code !== undefined ? twilioCodeOutcome(code) : undefined;
  const after = retryAfterSeconds !== undefined ? { retryAfterSeconds } : {};
  if (known) return known.kind === 'retry' ? { ...known, ...after } : known;
  const c = code !== undefined ? String(code) : status !== undefined ? `http-${status}` : 'no-answer';
  if (status === undefined) return retry('timeout', c);
  if (status === 429) return retry('throttled', c, after);
  if (status >= 500) return retry('server', c, after);
  if (status === 401 || status === 403) return retry('credentials', c, { alarm: true });
  return retry('unknown', c, { alarm: true });
}
