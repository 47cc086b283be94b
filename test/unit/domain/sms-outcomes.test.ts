import { describe, expect, it } from 'vitest';
import {
  type AwsSmsError,
  afterAttempt,
  awsSendOutcome,
  CARRIER_RETRY_ATTEMPTS,
  type SmsSendOutcome,
  SPEND_LIMIT_RETRY_SECONDS,
  twilioCodeOutcome,
  twilioErrorOutcome,
} from '../../../lib/domain/sms-outcomes.ts';
import { awsReceiptState, twilioReceiptState } from '../../../lib/domain/sms-receipts.ts';

type Row = [string, AwsSmsError, Partial<SmsSendOutcome>];

describe('AWS End User Messaging SMS answers -> outcomes', () => {
  const rows: Row[] = [
    [
      'throttled',
      { name: 'ThrottlingException', status: 400 },
      { kind: 'retry', reason: 'throttled', alarm: false },
    ],
    [
      'server error',
      { name: 'InternalServerException', status: 500 },
      { kind: 'retry', reason: 'server', alarm: false },
    ],
    [
      'an unmodelled 503',
      { name: 'ServiceUnavailable', status: 503 },
      { kind: 'retry', reason: 'server', alarm: false },
    ],
    [
      'an unmodelled 429',
      { name: 'SlowDown', status: 429 },
      { kind: 'retry', reason: 'throttled', alarm: false },
    ],
    ['a timeout', { name: 'TimeoutError' }, { kind: 'retry', reason: 'timeout', alarm: false }],
    ['a reset connection', { name: 'ECONNRESET' }, { kind: 'retry', reason: 'timeout', alarm: false }],
    [
      'opted out',
      { name: 'ConflictException', reason: 'DESTINATION_PHONE_NUMBER_OPTED_OUT', status: 400 },
      { kind: 'opted-out', code: 'ConflictException:DESTINATION_PHONE_NUMBER_OPTED_OUT' },
    ],
    [
      'sandbox: destination not verified',
      { name: 'ConflictException', reason: 'DESTINATION_PHONE_NUMBER_NOT_VERIFIED', status: 400 },
      { kind: 'retry', reason: 'setup', alarm: true },
    ],
    [
      'blocked by a protect override',
      { name: 'ConflictException', reason: 'DESTINATION_PHONE_NUMBER_BLOCKED_BY_PROTECT_NUMBER_OVERRIDE' },
      { kind: 'never', reason: 'blocked' },
    ],
    [
      'invalid destination number',
      { name: 'ValidationException', reason: 'FIELD_VALIDATION_FAILED', fields: ['DestinationPhoneNumber'] },
      { kind: 'never', reason: 'invalid-number' },
    ],
    [
      'destination country blocked',
      { name: 'ValidationException', reason: 'DESTINATION_COUNTRY_BLOCKED' },
      { kind: 'never', reason: 'blocked' },
    ],
    [
      'our number cannot send to that country',
      { name: 'ValidationException', reason: 'INVALID_IDENTITY_FOR_DESTINATION_COUNTRY' },
      { kind: 'never', reason: 'blocked' },
    ],
    [
      'a bad origination identity (our set-up)',
      { name: 'ValidationException', reason: 'FIELD_VALIDATION_FAILED', fields: ['OriginationIdentity'] },
      { kind: 'retry', reason: 'setup', alarm: true },
    ],
    [
      'monthly spend limit',
      { name: 'ServiceQuotaExceededException', reason: 'MONTHLY_SPEND_LIMIT_REACHED_FOR_TEXT' },
      { kind: 'retry', reason: 'spend-limit', alarm: true, retryAfterSeconds: SPEND_LIMIT_RETRY_SECONDS },
    ],
    [
      'another quota',
      { name: 'ServiceQuotaExceededException', reason: 'DAILY_NOTIFY_TIER_MESSAGE_LIMIT' },
      { kind: 'retry', reason: 'setup', alarm: true },
    ],
    [
      'access denied (IAM)',
      { name: 'AccessDeniedException', reason: 'ACCOUNT_DISABLED', status: 400 },
      { kind: 'retry', reason: 'credentials', alarm: true },
    ],
    [
      'bad signature',
      { name: 'InvalidSignatureException', status: 400 },
      { kind: 'retry', reason: 'credentials', alarm: true },
    ],
    [
      'expired token',
      { name: 'ExpiredTokenException', status: 400 },
      { kind: 'retry', reason: 'credentials', alarm: true },
    ],
    [
      'no credentials at all',
      { name: 'CredentialsProviderError' },
      { kind: 'retry', reason: 'credentials', alarm: true },
    ],
    [
      'origination number or configuration set missing',
      { name: 'ResourceNotFoundException', status: 400 },
      { kind: 'retry', reason: 'setup', alarm: true },
    ],
    [
      'an unknown 400',
      { name: 'SomethingNewException', status: 400 },
      { kind: 'retry', reason: 'unknown', alarm: true },
    ],
  ];

  it.each(rows)('%s', (_what, err, expected) => {
    expect(awsSendOutcome(err)).toMatchObject(expected);
  });

  it('names the error and its reason in the code (for logs and the alarm)', () => {
    expect(
      awsSendOutcome({
        name: 'ServiceQuotaExceededException',
        reason: 'MONTHLY_SPEND_LIMIT_REACHED_FOR_TEXT',
      }),
    ).toMatchObject({
      code: 'ServiceQuotaExceededException:MONTHLY_SPEND_LIMIT_REACHED_FOR_TEXT',
    });
  });
});

describe('Twilio answers -> outcomes', () => {
  const rows: Array<[string, number | undefined, number | undefined, Partial<SmsSendOutcome>]> = [
    ['21610 STOP', 400, 21610, { kind: 'opted-out', code: '21610' }],
    ['21211 invalid To', 400, 21211, { kind: 'never', reason: 'invalid-number' }],
    ['21614 not a mobile', 400, 21614, { kind: 'never', reason: 'not-mobile' }],
    ['30004 blocked', 400, 30004, { kind: 'never', reason: 'blocked' }],
    ['30005 unknown handset', 400, 30005, { kind: 'never', reason: 'unreachable' }],
    ['30006 landline', 400, 30006, { kind: 'never', reason: 'not-mobile' }],
    ['30007 filtered', 400, 30007, { kind: 'never', reason: 'filtered' }],
    [
      '30003 unreachable handset',
      400,
      30003,
      { kind: 'retry', reason: 'carrier', maxAttempts: CARRIER_RETRY_ATTEMPTS },
    ],
    [
      '30008 unknown error',
      400,
      30008,
      { kind: 'retry', reason: 'carrier', maxAttempts: CARRIER_RETRY_ATTEMPTS },
    ],
    ['429 / 20429', 429, 20429, { kind: 'retry', reason: 'throttled', alarm: false }],
    ['429 without a code', 429, undefined, { kind: 'retry', reason: 'throttled', alarm: false }],
    ['500', 500, undefined, { kind: 'retry', reason: 'server', alarm: false }],
    ['503 with a code', 503, 20500, { kind: 'retry', reason: 'server', alarm: false }],
    ['no answer (timeout)', undefined, undefined, { kind: 'retry', reason: 'timeout', code: 'no-answer' }],
    ['401 / 20003 wrong credentials', 401, 20003, { kind: 'retry', reason: 'credentials', alarm: true }],
    ['403 without a code', 403, undefined, { kind: 'retry', reason: 'credentials', alarm: true }],
    ['21608 trial account, unverified To', 400, 21608, { kind: 'retry', reason: 'setup', alarm: true }],
    ['21606 From cannot send SMS', 400, 21606, { kind: 'retry', reason: 'setup', alarm: true }],
    ['20404 no such account', 404, 20404, { kind: 'retry', reason: 'setup', alarm: true }],
    ['an unknown 400', 400, 21999, { kind: 'retry', reason: 'unknown', alarm: true, code: '21999' }],
  ];

  it.each(rows)('%s', (_what, status, code, expected) => {
    expect(twilioErrorOutcome(status, code)).toMatchObject(expected);
  });

  it('keeps Retry-After on a 429', () => {
    expect(twilioErrorOutcome(429, 20429, 7)).toMatchObject({ kind: 'retry', retryAfterSeconds: 7 });
  });

  it('knows nothing of codes outside its table', () => {
    expect(twilioCodeOutcome(12345)).toBeUndefined();
  });
});

describe('carrier retries that rarely help', () => {
  it('become never-retry once their attempts are used', () => {
    const outcome = twilioErrorOutcome(400, 30003);
    expect(afterAttempt(outcome, CARRIER_RETRY_ATTEMPTS - 1)).toEqual(outcome);
    expect(afterAttempt(outcome, CARRIER_RETRY_ATTEMPTS)).toEqual({
      kind: 'never',
      reason: 'unreachable',
      code: '30003',
    });
  });

  it('leave throttling and credential retries alone however many attempts', () => {
    expect(afterAttempt(twilioErrorOutcome(429, 20429), 50)).toMatchObject({ kind: 'retry' });
    expect(afterAttempt(awsSendOutcome({ name: 'AccessDeniedException' }), 50)).toMatchObject({
      kind: 'retry',
      alarm: true,
    });
  });
});

describe('receipt states', () => {
  it.each([
    ['TEXT_DELIVERED', true, { state: 'delivered' }],
    ['TEXT_SUCCESSFUL', true, { state: 'delivered' }],
    ['TEXT_SUCCESSFUL', false, { state: 'pending' }],
    ['TEXT_QUEUED', false, { state: 'pending' }],
    ['TEXT_PENDING', true, { state: 'pending' }],
    ['TEXT_BLOCKED', true, { state: 'failed', errorCode: 'TEXT_BLOCKED', permanent: true }],
    ['TEXT_INVALID', true, { state: 'failed', errorCode: 'TEXT_INVALID', permanent: true }],
    [
      'TEXT_CARRIER_UNREACHABLE',
      true,
      { state: 'failed', errorCode: 'TEXT_CARRIER_UNREACHABLE', permanent: false },
    ],
    ['TEXT_TTL_EXPIRED', true, { state: 'failed', errorCode: 'TEXT_TTL_EXPIRED', permanent: false }],
    ['TEXT_SPAM', true, { state: 'failed', errorCode: 'TEXT_SPAM', permanent: false }],
    ['TEXT_UNKNOWN', true, { state: 'failed', errorCode: 'TEXT_UNKNOWN', permanent: false }],
  ] as const)('AWS %s (final %s)', (type, isFinal, expected) => {
    expect(awsReceiptState(type, isFinal)).toEqual(expected);
  });

  it.each([
    ['delivered', undefined, { state: 'delivered' }],
    ['read', undefined, { state: 'delivered' }],
    ['queued', undefined, { state: 'pending' }],
    ['sent', undefined, { state: 'pending' }],
    ['undelivered', '30006', { state: 'failed', errorCode: '30006', permanent: true }],
    ['undelivered', '30003', { state: 'failed', errorCode: '30003', permanent: false }],
    ['failed', '30007', { state: 'failed', errorCode: '30007', permanent: false }],
    ['failed', undefined, { state: 'failed', errorCode: 'failed', permanent: false }],
  ] as const)('Twilio %s (ErrorCode %s)', (status, code, expected) => {
    expect(twilioReceiptState(status, code)).toEqual(expected);
  });
});
