import { XMLParser, XMLValidator } from 'fast-xml-parser';
import * as z from 'zod';

const text = z.union([z.string(), z.object({ '#text': z.string() }).transform((o) => o['#text'])]);
const link = z.object({ '@_href': z.string(), '@_rel': z.string().optional() });
const entry = z.object({
  id: z.string(),
  title: text,
  published: z.string(),
  updated: z.string(),
  author: z.object({ name: z.string(), uri: z.string().optional() }),
  content: z.object({ '#text': z.string(), '@_type': z.literal('text') }),
  link: z.array(link),
});
const feed = z.object({
  feed: z.object({
    '@_xmlns': z.literal('http://www.w3.org/2005/Atom'),
    id: z.string(),
    title: text,
    updated: z.string(),
    link: z.array(link),
    entry: z.array(entry).default([]),
  }),
});

/**
 * Parses an Atom document and checks what RFC 4287 requires: feed id/title/updated and a self
 * link; each entry's id, title, updated, author and text content. Fails on malformed XML.
 */
export function parseAtom(xml: string) {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed XML: ${JSON.stringify(valid.err)}`);
  const parsed = new XMLParser({
    ignoreAttributes: false,
    isArray: (name) => name === 'entry' || name === 'link',
    parseTagValue: false,
    // Decode numeric character references too, as every feed reader does.
    htmlEntities: true,
    trimValues: false,
  }).parse(xml);
  const f = feed.parse(parsed).feed;
  const self = f.link.find((l) => l['@_rel'] === 'self')?.['@_href'];
  if (!self) throw new Error('feed has no rel=self link');
  for (const d of [f.updated, ...f.entry.flatMap((e) => [e.published, e.updated])]) {
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(d))
      throw new Error(`not an RFC 3339 date: ${d}`);
  }
  return { ...f, self };
}
