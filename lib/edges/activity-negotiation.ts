import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { TimelineEntry } from '../domain/timeline.ts';
import { escapeText } from '../pages/escape.ts';
import { header } from './http-request.ts';

/** True when the client asks for ActivityPub JSON (a fediverse server resolving a profile or post URL). */
export function wantsActivityJson(event: APIGatewayProxyEventV2): boolean {
  const accept = (header(event, 'accept') ?? '').toLowerCase();
  return accept.includes('application/activity+json') || accept.includes('application/ld+json');
}

/** The actor's URL, served by the federation routes (`/users/<nick>`). */
export function actorUrl(base: string, nick: string): string {
  return `${base}/users/${encodeURIComponent(nick)}`;
}

/** `/@<nick>` for an ActivityPub client: a redirect to the actor document. */
export function activityPubProfileResponse(base: string, nick: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: 303,
    headers: { location: actorUrl(base, nick), vary: 'Accept', 'content-type': 'text/plain; charset=utf-8' },
    body: `See ${actorUrl(base, nick)}\n`,
  };
}

/**
 * `/posts/<id>` for an ActivityPub client: the post as a public Note. The federation side may
 * replace this with its own object serializer; the route calls it by this name only.
 */
/** A deleted post as JSON: a Tombstone with 410, as Mastodon answers. */
export function activityPubTombstoneResponse(id: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: 410,
    headers: { 'content-type': 'application/activity+json' },
    body: JSON.stringify({ '@context': 'https://www.w3.org/ns/activitystreams', id, type: 'Tombstone' }),
  };
}

export function activityPubPostResponse(
  base: string,
  entry: TimelineEntry,
): APIGatewayProxyStructuredResultV2 {
  const note = {
    '@context': 'https://www.w3.org/ns/activitystreams',
    id: entry.id,
    type: 'Note',
    attributedTo: actorUrl(base, entry.author),
    content: `<p>${escapeText(entry.text)}</p>`,
    published: entry.createdAt,
    url: entry.id,
    to: ['https://www.w3.org/ns/activitystreams#Public'],
  };
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/activity+json; charset=utf-8', vary: 'Accept' },
    body: JSON.stringify(note),
  };
}
