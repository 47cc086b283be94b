import { describe, expect, it } from 'vitest';
import { formatEcho } from '../../../lib/domain/format.ts';
import { newId } from '../../../lib/domain/ids.ts';
import { normalizeNick } from '../../../lib/domain/nick.ts';
import { REPLIES } from '../../../lib/domain/replies/core.ts';
import { charCount, cleanText, MAX_POST_CHARS } from '../../../lib/domain/text.ts';

describe('text', () => {
  it('strips control characters and folds whitespace', () => {
    expect(cleanText('  hi\u0000 there\r\n\tfriend\u0007 ')).toBe('hi there friend');
  });

  it('counts code points, so an emoji is one character', () => {
    expect(charCount('héllo 👋')).toBe(7);
  });

  it('formats echoes as nick: text', () => {
    expect(formatEcho('alice', 'hello')).toBe('alice: hello');
  });

  it('tells the sender the limit when a post is too long', () => {
    expect(REPLIES.tooLong(MAX_POST_CHARS + 1)).toContain(`limit is ${MAX_POST_CHARS}`);
  });
});

describe('nicks', () => {
  it.each([
    ['Alice', 'alice'],
    ['@bob_1', 'bob_1'],
    ['ab', 'ab'],
  ])('normalizes %s to %s', (raw, nick) => expect(normalizeNick(raw)).toBe(nick));

  it.each(['a', 'sixteen_chars_xx', 'bad-nick', 'émile', ''])('refuses %j', (raw) =>
    expect(normalizeNick(raw)).toBeUndefined(),
  );
});

describe('ids', () => {
  it('sort by creation time', () => {
    const a = newId(1_700_000_000_000);
    const b = newId(1_700_000_000_001);
    expect(a < b).toBe(true);
    expect(a).toHaveLength(26);
    expect(newId(5)).not.toBe(newId(5));
  });
});
