import type { DynamoDBRecord } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { parseCommand } from '../../lib/domain/commands.ts';
import { EchobotError } from '../../lib/domain/errors.ts';
import { newId } from '../../lib/domain/ids.ts';
import { cleanText } from '../../lib/domain/text.ts';
import { createHttpApp } from '../../lib/drivers/http-app.ts';
import { parseJobMessage } from '../../lib/edges/job-message.ts';
import { postFromStreamRecord } from '../../lib/edges/stream-records.ts';
import { parseTwilioSms } from '../../lib/edges/twilio.ts';
import { readEnvelope } from '../../lib/federation/envelope.ts';
import { parseSignatureHeader, SignatureError } from '../../lib/federation/http-signatures.ts';
import { InterestMessageSchema } from '../../lib/federation/interest.ts';
import { localContext } from '../../local/lambda-context.ts';
import { functionUrlEvent, TOKEN } from '../fakes/function-url-event.ts';
import { freshTable } from '../support/aws-local.ts';

/** Hostile strings: control characters, lone surrogates, RTL marks, emoji, huge repeats. */
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.constantFrom('\u0000', '\ud800', '\u202e', 'STOP\u0000', `JOIN ${'a'.repeat(5000)}`, '%', '%zz', '\r\n'),
  fc.json(),
);

/**
 * Only typed errors may escape a parser: ours, zod's, or the signature parser's own. The runtime
 * code parses with `zod/mini`, whose errors are core `$ZodError`s (classic `ZodError` is one too).
 */
function typed(err: unknown): boolean {
  return err instanceof EchobotError || err instanceof z.core.$ZodError || err instanceof SignatureError;
}

function neverCrashes<T>(arb: fc.Arbitrary<T>, run: (value: T) => unknown) {
  fc.assert(
    fc.property(arb, (value) => {
      try {
        run(value);
      } catch (err) {
        if (!typed(err)) throw err;
      }
    }),
    { numRuns: 300 },
  );
}

describe('parsers never crash on random and hostile input (fast-check)', () => {
  it('parseCommand(cleanText(text)) always gives a command', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        expect(parseCommand(cleanText(text)).kind).toBeTypeOf('string');
      }),
      { numRuns: 500 },
    );
  });

  it('parseTwilioSms throws only typed errors', () => {
    neverCrashes(fc.dictionary(fc.constantFrom('From', 'Body', 'MessageSid', 'To', 'x'), hostile), (d) =>
      parseTwilioSms(new URLSearchParams(d)),
    );
  });

  it('parseJobMessage throws only typed errors', () => {
    neverCrashes(
      fc.oneof(
        hostile,
        fc.jsonValue().map((v) => JSON.stringify(v)),
      ),
      (body) => parseJobMessage(body),
    );
  });

  it('postFromStreamRecord returns a post, nothing, or a typed refusal', () => {
    const attr = fc.oneof(fc.record({ S: hostile }), fc.record({ N: hostile }), fc.anything());
    const record = fc.record({
      eventName: fc.constantFrom('INSERT', 'MODIFY', 'REMOVE', 'x'),
      dynamodb: fc.record({
        NewImage: fc.dictionary(
          fc.constantFrom('type', 'id', 'authorId', 'authorNick', 'text', 'createdAt'),
          attr,
        ),
      }),
    });
    fc.assert(
      fc.property(record, (r) => {
        try {
          postFromStreamRecord(r as DynamoDBRecord);
        } catch (err) {
          // A post-typed item that does not parse fails its record (it goes to the failure destination).
          expect(String(err)).toMatch(/malformed post item/);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the HTTP Signature header parser throws only SignatureError', () => {
    const param = fc.tuple(
      fc.constantFrom('keyId', 'algorithm', 'headers', 'signature', 'created', 'expires', 'x'),
      hostile,
    );
    neverCrashes(
      fc.oneof(
        hostile,
        fc.array(param, { maxLength: 8 }).map((ps) => ps.map(([k, v]) => `${k}="${v}"`).join(',')),
      ),
      (h) => parseSignatureHeader(h),
    );
  });

  it('the envelope and interest schemas accept or refuse, never throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.record({ 'echobot:envelope': fc.anything() })), (v) => {
        expect(['absent', 'ok', 'invalid']).toContain(readEnvelope(v).status);
        expect(typeof InterestMessageSchema.safeParse(v).success).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});

describe('the http app never answers 5xx to random requests', () => {
  it('random paths, methods, headers and bodies get a 2xx or 4xx', async () => {
    const t = await freshTable();
    const http = createHttpApp({
      ingest: { store: t.store, now: () => new Date(), newId },
      twilioAuthToken: async () => TOKEN,
      log: () => undefined,
    });
    const request = fc.record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'),
      path: fc.oneof(fc.constantFrom('/', '/webhooks/twilio', '/webhooks/', '//', '/%00'), fc.webPath()),
      headers: fc.dictionary(
        fc.oneof(fc.constantFrom('content-type', 'x-twilio-signature', 'content-length'), fc.string()),
        hostile,
        { maxKeys: 4 },
      ),
      body: fc.option(
        fc.oneof(
          hostile,
          fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a)),
        ),
      ),
      form: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers = r.form
          ? { ...r.headers, 'content-type': 'application/x-www-form-urlencoded' }
          : r.headers;
        const res = await http(
          functionUrlEvent({
            method: r.method,
            path: r.path,
            headers,
            ...(r.body === null ? {} : { body: r.body }),
          }),
          localContext('http'),
        );
        expect(res.statusCode).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );
  });
});
