import { describe, expect, it } from 'vitest';
import { imSignature, parseImMessage, verifyImSignature } from '../../../lib/edges/im-bridge.ts';
import { parseTelegramUpdate, verifyTelegramSecret } from '../../../lib/edges/telegram.ts';

describe('Telegram edge', () => {
  const text = (t: string) => ({
    update_id: 9,
    message: { message_id: 1, chat: { id: 42, type: 'private' }, date: 1, text: t },
  });

  it('turns a private text message into an inbound message with a queued reply', () => {
    expect(parseTelegramUpdate(text('hello')).message).toEqual({
      provider: 'telegram',
      messageId: '9',
      channel: 'telegram:42',
      text: 'hello',
      replyBy: 'queue',
    });
  });

  it('reads slash commands as commands (/join alice, /start@echobot)', () => {
    expect(parseTelegramUpdate(text('/join alice')).message?.text).toBe('join alice');
    expect(parseTelegramUpdate(text('/start@echo_bot')).message?.text).toBe('start');
    expect(parseTelegramUpdate(text('a/b stays')).message?.text).toBe('a/b stays');
  });

  it('checks the secret token exactly, and refuses everything when none is configured', () => {
    expect(() => verifyTelegramSecret('s3cret', 's3cret')).not.toThrow();
    expect(() => verifyTelegramSecret('s3cret', 's3cre')).toThrow(/does not match/);
    expect(() => verifyTelegramSecret('s3cret', undefined)).toThrow(/missing/);
    expect(() => verifyTelegramSecret(undefined, 's3cret')).toThrow(/not configured/);
  });
});

describe('IM bridge edge', () => {
  const now = 1_800_000_000_000;
  const ts = String(now / 1000);

  it('signs "<timestamp>.<raw body>" with HMAC-SHA256 as documented in the README', () => {
    // Computed independently: printf '%s' '1800000000.{...}' | openssl dgst -sha256 -hmac s3cret
    expect(imSignature('s3cret', '1800000000', '{"id":"1","from":"a","text":"hi"}')).toBe(
      'sha256=8d70f7e87cd0366d56be104423be401551b423ab1ab1ad9ce903a2300d5cea24',
    );
    expect(imSignature('k', '1', 'b')).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it('accepts a fresh, correct signature and refuses stale, future, altered or missing ones', () => {
    const body = '{"id":"1","from":"a","text":"hi"}';
    const sig = imSignature('s3cret', ts, body);
    expect(() => verifyImSignature('s3cret', ts, sig, body, now)).not.toThrow();
    expect(() => verifyImSignature('s3cret', ts, sig, body, now + 299_000)).not.toThrow();
    expect(() => verifyImSignature('s3cret', ts, sig, body, now + 301_000)).toThrow(/5 minutes/);
    expect(() => verifyImSignature('s3cret', ts, sig, body, now - 301_000)).toThrow(/5 minutes/);
    expect(() => verifyImSignature('s3cret', ts, sig, `${body} `, now)).toThrow(/does not match/);
    expect(() => verifyImSignature('other', ts, sig, body, now)).toThrow(/does not match/);
    expect(() => verifyImSignature('s3cret', undefined, sig, body, now)).toThrow(/missing/);
    expect(() => verifyImSignature('s3cret', '1e9', sig, body, now)).toThrow(/unix seconds/);
    expect(() => verifyImSignature(undefined, ts, sig, body, now)).toThrow(/not configured/);
  });

  it('parses the body into an im: channel and refuses bad fields with a reason', () => {
    expect(
      parseImMessage('{"id":"m1","from":"@ann:matrix.org","text":"hi","callback":"https://b.example/cb"}'),
    ).toEqual({
      provider: 'im',
      messageId: 'm1',
      channel: 'im:@ann:matrix.org',
      text: 'hi',
      replyBy: 'queue',
      callback: 'https://b.example/cb',
    });
    expect(() => parseImMessage('[]')).toThrow();
    expect(() => parseImMessage('{"id":"","from":"a","text":"x"}')).toThrow(/id is required/);
    expect(() => parseImMessage('{"id":"1","from":"a\\u0000b","text":"x"}')).toThrow(/printable/);
    expect(() => parseImMessage(`{"id":"1","from":"${'a'.repeat(201)}","text":"x"}`)).toThrow(/200/);
  });
});
