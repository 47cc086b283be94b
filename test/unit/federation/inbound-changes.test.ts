import { describe, expect, it } from 'vitest';
import { deleteActivity, IGNORED_TYPES, InboxActivitySchema } from '../../../lib/federation/activities.ts';
import { localNickOf } from '../../../lib/usecases/federation/inbox-changes.ts';

const them = 'https://other.example/users/carol';
const me = 'https://bot.example/users/alice';
const parse = (a: unknown) => InboxActivitySchema.parse(a);

describe('inbound Delete, Update, Reject and Block: parsing', () => {
  it('reads a Delete of a post by id, of an embedded Tombstone or Note, and of the actor itself', () => {
    expect(parse({ id: `${them}#d1`, type: 'Delete', actor: them, object: `${them}/notes/1` })).toMatchObject(
      {
        object: { id: `${them}/notes/1` },
      },
    );
    expect(
      parse({
        id: `${them}#d2`,
        type: 'Delete',
        actor: them,
        object: { id: `${them}/notes/1`, type: 'Tombstone', formerType: 'Note' },
      }),
    ).toMatchObject({ object: { id: `${them}/notes/1`, type: 'Tombstone' } });
    expect(
      parse({
        id: `${them}#d3`,
        type: 'Delete',
        actor: { id: them },
        object: { id: `${them}/notes/2`, type: 'Note', attributedTo: { id: them } },
      }),
    ).toMatchObject({ actor: them, object: { attributedTo: them } });
    expect(parse({ id: `${them}#d4`, type: 'Delete', actor: them, object: them })).toMatchObject({
      object: { id: them },
    });
  });

  it('refuses a Delete without an object id, or with one that is not an http(s) URL', () => {
    expect(InboxActivitySchema.safeParse({ id: `${them}#d`, type: 'Delete', actor: them }).success).toBe(
      false,
    );
    expect(
      InboxActivitySchema.safeParse({ id: `${them}#d`, type: 'Delete', actor: them, object: 'javascript:x' })
        .success,
    ).toBe(false);
  });

  it('reads an Update of a Note (the edited text) and of a Person (the profile, fields kept)', () => {
    const note = parse({
      id: `${them}#u1`,
      type: 'Update',
      actor: them,
      object: { id: `${them}/notes/1`, type: 'Note', attributedTo: them, content: '<p>edited</p>' },
    });
    expect(note).toMatchObject({ object: { type: 'Note', content: '<p>edited</p>' } });
    const person = parse({
      id: `${them}#u2`,
      type: 'Update',
      actor: them,
      object: { id: them, type: 'Person', inbox: `${them}/inbox`, publicKey: { id: `${them}#main-key` } },
    });
    expect(person).toMatchObject({ object: { type: 'Person', inbox: `${them}/inbox` } });
    // A "Note" that is not a valid note is not taken for a profile either.
    expect(
      InboxActivitySchema.safeParse({
        id: `${them}#u3`,
        type: 'Update',
        actor: them,
        object: { id: `${them}/notes/1`, type: 'Note' },
      }).success,
    ).toBe(false);
  });

  it('reads a Reject of a Follow by id and embedded, and a Block of a member', () => {
    expect(
      parse({ id: `${them}#r1`, type: 'Reject', actor: them, object: `${me}#follows/abc` }),
    ).toMatchObject({ object: { id: `${me}#follows/abc`, type: 'Follow' } });
    expect(
      parse({
        id: `${them}#r2`,
        type: 'Reject',
        actor: them,
        object: { type: 'Follow', actor: me, object: them },
      }),
    ).toMatchObject({ object: { type: 'Follow', actor: me, object: them } });
    expect(parse({ id: `${them}#b1`, type: 'Block', actor: them, object: me })).toMatchObject({ object: me });
    expect(IGNORED_TYPES).not.toContain('Update');
    expect(IGNORED_TYPES).not.toContain('Block');
  });

  it('finds the member a follow id or actor URL of ours names', () => {
    expect(localNickOf('https://bot.example', `${me}#follows/123`)).toBe('alice');
    expect(localNickOf('https://bot.example', me)).toBe('alice');
    expect(localNickOf('https://bot.example', them)).toBeUndefined();
    expect(localNickOf('https://bot.example', 'https://bot.example/users/x/../y')).toBeUndefined();
  });

  it('builds the Delete of a member’s post as a public Tombstone', () => {
    expect(deleteActivity('https://bot.example/posts/1', me)).toMatchObject({
      id: 'https://bot.example/posts/1#delete',
      type: 'Delete',
      actor: me,
      object: { id: 'https://bot.example/posts/1', type: 'Tombstone' },
    });
  });
});
