import type { TimelineEntry } from '../../domain/timeline.ts';
import { localEntry } from '../../domain/timeline.ts';
import {
  activityPubPostResponse,
  activityPubProfileResponse,
  activityPubTombstoneResponse,
  wantsActivityJson,
} from '../../edges/activity-negotiation.ts';
import { baseUrlOf } from '../../edges/http-request.ts';
import type { HttpEvent, HttpResult, Route } from '../../edges/http-router.ts';
import { atomFeed } from '../../pages/atom.ts';
import { gonePage, notFoundPage } from '../../pages/not-found.ts';
import { postPage } from '../../pages/post.ts';
import { profilePage } from '../../pages/profile.ts';
import { timelinePage } from '../../pages/timeline.ts';
import type { Store } from '../../ports/store.ts';
import type { TimelineReader } from '../../ports/timeline.ts';

export interface PageDeps {
  store: Pick<Store, 'memberByNick' | 'getPost' | 'deletedPosts'>;
  timeline: TimelineReader;
  now: () => Date;
}

const PAGE_SIZE = 20;
const FEED_SIZE = 50;

/** Pages carry no script: the policy forbids any, so even a missed escape could not run. */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'public, max-age=15',
};

const page = (statusCode: number, body: string, vary = false): HttpResult => ({
  statusCode,
  headers: { ...PAGE_HEADERS, ...(vary ? { vary: 'Accept' } : {}) },
  body,
});

const atom = (body: string): HttpResult => ({
  statusCode: 200,
  headers: { 'content-type': 'application/atom+xml; charset=utf-8', 'cache-control': 'public, max-age=60' },
  body,
});

const beforeOf = (event: HttpEvent) =>
  new URLSearchParams(event.rawQueryString ?? '').get('before') ?? undefined;

/**
 * The public pages: `/` (every public post, newest first), `/@<nick>` (a member), `/posts/<id>`
 * (one post) and their Atom feeds. ActivityPub clients asking for JSON on a profile or post URL
 * get the actor (a redirect to `/users/<nick>`) or the Note instead.
 */
export function pageRoutes(deps: PageDeps, publicUrl: string | undefined): Route[] {
  const site = (event: HttpEvent) => ({ base: baseUrlOf(event, publicUrl) });
  const member = async (nick: string) => deps.store.memberByNick(nick.toLowerCase());
  return [
    {
      method: 'GET',
      path: '/',
      handler: async (event) => {
        const before = beforeOf(event);
        const entries = await deps.timeline.recent({ limit: PAGE_SIZE, ...(before ? { before } : {}) });
        return page(200, timelinePage(site(event), entries));
      },
    },
    {
      method: 'GET',
      path: '/feed.atom',
      handler: async (event) => {
        const s = site(event);
        const { entries } = await deps.timeline.recent({ limit: FEED_SIZE });
        const self = `${s.base}/feed.atom`;
        return atom(
          atomFeed(
            { self, alternate: `${s.base}/`, title: `echobot · ${new URL(s.base).host}`, base: s.base },
            entries,
            deps.now(),
          ),
        );
      },
    },
    {
      method: 'GET',
      path: '/@:nick',
      handler: async (event, { nick = '' }) => {
        const s = site(event);
        const m = await member(nick);
        if (!m) return page(404, notFoundPage(s, `There is no member called “${nick}” on this bot.`), true);
        if (wantsActivityJson(event)) return activityPubProfileResponse(s.base, m.nick);
        const before = beforeOf(event);
        const posts = await deps.timeline.byAuthor(m.id, { limit: PAGE_SIZE, ...(before ? { before } : {}) });
        return page(200, profilePage(s, m, posts), true);
      },
    },
    {
      method: 'GET',
      path: '/@:nick/feed.atom',
      handler: async (event, { nick = '' }) => {
        const s = site(event);
        const m = await member(nick);
        if (!m) return page(404, notFoundPage(s, `There is no member called “${nick}” on this bot.`));
        const { entries } = await deps.timeline.byAuthor(m.id, { limit: FEED_SIZE });
        const path = `${s.base}/@${encodeURIComponent(m.nick)}`;
        return atom(
          atomFeed(
            { self: `${path}/feed.atom`, alternate: path, title: `${m.nick} on echobot`, base: s.base },
            entries,
            deps.now(),
          ),
        );
      },
    },
    {
      method: 'GET',
      path: '/posts/:id',
      handler: async (event, { id = '' }) => {
        const s = site(event);
        const postId = `${s.base}/posts/${encodeURIComponent(id)}`;
        const post = await deps.store.getPost(postId);
        if (!post && (await deps.store.deletedPosts([postId])).has(postId))
          return wantsActivityJson(event)
            ? activityPubTombstoneResponse(postId)
            : page(410, gonePage(s), true);
        if (!post) return page(404, notFoundPage(s, 'There is no such post on this bot.'), true);
        const entry: TimelineEntry = localEntry(post);
        if (wantsActivityJson(event)) return activityPubPostResponse(s.base, entry);
        return page(200, postPage(s, entry), true);
      },
    },
  ];
}
