import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../../lib/domain/timeline.ts';
import { escapeText, html, safeHref } from '../../../lib/pages/escape.ts';
import { postCard } from '../../../lib/pages/timeline.ts';

const remote = (over: Partial<TimelineEntry>): TimelineEntry => ({
  id: 'https://other.example/posts/1',
  author: 'carol@other.example',
  authorKey: 'carol@other.example',
  local: false,
  text: 'hi',
  createdAt: '2026-11-23T10:00:00.000Z',
  ...over,
});

describe('page escaping', () => {
  it('escapes every interpolated value, in text and in attributes, but keeps nested markup', () => {
    const evil = `"><script>alert(1)</script>&'`;
    const out = html`<a title="${evil}">${evil}</a>${html`<b>${evil}</b>`}`.value;
    expect(out).not.toContain('<script>');
    expect(out).toBe(
      '<a title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;&#39;">&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;&#39;</a><b>&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;&#39;</b>',
    );
  });

  it('drops characters XML forbids, so a feed stays well-formed', () => {
    expect(escapeText('a\u0000b\u0007c\td\ne')).toBe('abc\td\ne');
  });

  it('never links to a javascript: or other non-web URL from a remote post', () => {
    expect(safeHref('javascript:alert(1)')).toBe('#');
    expect(safeHref('data:text/html,x')).toBe('#');
    expect(safeHref('//evil.example/x')).toBe('#');
    expect(safeHref('/@alice')).toBe('/@alice');
    expect(safeHref('https://other.example/posts/1')).toBe('https://other.example/posts/1');
    const card = postCard(remote({ id: 'javascript:alert(1)', author: '<i>x</i>@evil' })).value;
    expect(card).toContain('href="#"');
    expect(card).not.toContain('javascript:');
    expect(card).toContain('&lt;i&gt;x&lt;/i&gt;@evil');
  });
});
