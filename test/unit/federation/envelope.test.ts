import { describe, expect, it } from 'vitest';
import { authorityOfBot, canonicalBotUrl, isCanonicalHandle } from '../../../lib/domain/addresses.ts';
import {
  attachEnvelope,
  createEnvelope,
  ECHOBOT_NAMESPACE,
  ENVELOPE_KEY,
  EnvelopeSchema,
  nextHop,
  readEnvelope,
} from '../../../lib/federation/envelope.ts';

const A = 'https://a.example';
const B = 'https://b.example';
const C = 'http://127.0.0.1:8082';

const fresh = () =>
  createEnvelope({ postId: 'https://a.example/posts/1', author: 'alice@a.example', origin: A, maxHops: 2 });

describe('addresses', () => {
  it('canonicalises bot URLs and recognises handles', () => {
    expect(canonicalBotUrl('HTTPS://Bot.Example:443/')).toBe('https://bot.example');
    expect(canonicalBotUrl('http://127.0.0.1:8081/echo/')).toBe('http://127.0.0.1:8081/echo');
    expect(canonicalBotUrl('ftp://bot.example')).toBeUndefined();
    expect(canonicalBotUrl('https://bot.example/?q=1')).toBeUndefined();
    expect(canonicalBotUrl('https://u:p@bot.example')).toBeUndefined();
    expect(authorityOfBot(C)).toBe('127.0.0.1:8082');
    expect(isCanonicalHandle('alice@a.example')).toBe(true);
    expect(isCanonicalHandle('carol_1@127.0.0.1:8082')).toBe(true);
    expect(isCanonicalHandle('Alice@a.example')).toBe(false);
    expect(isCanonicalHandle('alice@a.example:0')).toBe(false);
    expect(isCanonicalHandle('@a.example')).toBe(false);
  });
});

describe('envelope', () => {
  it('counts hops and records the path, and stops at the limit', () => {
    const e0 = fresh();
    expect(e0).toMatchObject({ hops: 0, path: [] });
    const e1 = nextHop(e0, A);
    expect(e1).toMatchObject({ hops: 1, path: [A] });
    if (e1 === null) throw new Error('unreachable');
    const e2 = nextHop(e1, B);
    expect(e2).toMatchObject({ hops: 2, path: [A, B] });
    if (e2 === null) throw new Error('unreachable');
    expect(nextHop(e2, C)).toBeNull();
    expect(nextHop(e1, A)).toBeNull();
    expect(EnvelopeSchema.safeParse(e2).success).toBe(true);
    expect(e0.hops).toBe(0);
  });

  it.each([
    ['path length differs from hops', { hops: 1, path: [] }],
    ['path not starting at origin', { hops: 1, path: [B] }],
    ['a bot visited twice', { hops: 2, path: [A, A] }],
    ['hops above maxHops', { hops: 3, path: [A, B, C] }],
    ['maxHops above 16', { maxHops: 17 }],
    ['negative hops', { hops: -1 }],
    ['non-canonical author', { author: 'Alice@a.example' }],
    ['non-canonical origin', { origin: 'https://a.example/' }],
    ['non-http postId', { postId: 'javascript:alert(1)' }],
    ['fractional hops', { hops: 0.5 }],
  ])('rejects %s', (_name, patch) => {
    expect(EnvelopeSchema.safeParse({ ...fresh(), ...patch }).success).toBe(false);
  });

  it('bounds the path', () => {
    const path = Array.from({ length: 17 }, (_, i) => `https://b${i}.example`);
    expect(EnvelopeSchema.safeParse({ ...fresh(), hops: 16, maxHops: 16, path }).success).toBe(false);
  });

  it('rides in an activity under a namespaced key and survives JSON', () => {
    const activity = { '@context': 'https://www.w3.org/ns/activitystreams', type: 'Create', id: 'x' };
    const envelope = nextHop(fresh(), A);
    if (envelope === null) throw new Error('unreachable');
    const withEnvelope = attachEnvelope(activity, envelope);
    expect(withEnvelope['@context']).toEqual([
      'https://www.w3.org/ns/activitystreams',
      { echobot: ECHOBOT_NAMESPACE, [ENVELOPE_KEY]: { '@id': ENVELOPE_KEY, '@type': '@json' } },
    ]);
    const twice = attachEnvelope(withEnvelope, envelope);
    expect(twice['@context']).toHaveLength(2);
    const wire: unknown = JSON.parse(JSON.stringify(withEnvelope));
    expect(readEnvelope(wire)).toEqual({ status: 'ok', envelope });
    expect(readEnvelope(activity)).toEqual({ status: 'absent' });
    expect(readEnvelope(null)).toEqual({ status: 'absent' });
    expect(readEnvelope({ [ENVELOPE_KEY]: { ...envelope, hops: 9 } })).toMatchObject({ status: 'invalid' });
  });
});
