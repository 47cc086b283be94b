import type { Post } from './types.ts';

/** One post as the public timeline shows it: local (a member's) or remote (followed from a peer). */
export interface TimelineEntry {
  /** The post's id, a URL on its origin bot. */
  id: string;
  /** What readers see as the author: a local nick (`alice`) or a remote handle (`carol@other.example`). */
  author: string;
  /** Whose posts list this entry joins: a local member id, or the remote handle. */
  authorKey: string;
  local: boolean;
  text: string;
  createdAt: string;
}

export interface TimelinePage {
  entries: TimelineEntry[];
  /** Opaque; pass as `before` to get the next (older) page. */
  before?: string;
}

/** The timeline entry of a local post. */
export function localEntry(post: Post): TimelineEntry {
  return {
    id: post.id,
    author: post.authorNick,
    authorKey: post.authorId,
    local: true,
    text: post.text,
    createdAt: post.createdAt,
  };
}

/**
 * The timeline entry of a remote note (ActivityPub or a relay): dated by its `published` when
 * that is a valid date, else by when it arrived here.
 */
export function remoteEntry(note: {
  id: string;
  handle: string;
  text: string;
  published?: string | undefined;
  at: Date;
}): TimelineEntry {
  const published = note.published && !Number.isNaN(Date.parse(note.published)) ? note.published : undefined;
  return {
    id: note.id,
    author: note.handle,
    authorKey: note.handle,
    local: false,
    text: note.text,
    createdAt: published ? new Date(published).toISOString() : note.at.toISOString(),
  };
}
