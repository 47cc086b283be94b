import { describe, expect, it } from 'vitest';
import { InterestTable } from '../../../bench/federation/interest-table.ts';
import { FederationNetwork, type InterestRouting } from '../../../bench/federation/network.ts';
import { createEnvelope, nextHop } from '../../../lib/federation/envelope.ts';
import { routePost } from '../../../lib/federation/relay-router.ts';

const url = (name: string) => `https://${name}.example`;
const L1 = url('l1');
const S = url('s');
const L2 = url('l2');
const L3 = url('l3');

function network(names: string[], links: string, routing: InterestRouting = 'route-tree') {
  const edges = links.split(' ').map((pair): [string, string] => {
    const [a, b] = pair.split('-');
    return [url(a ?? ''), url(b ?? '')];
  });
  const net = new FederationNetwork(names.map(url), edges, routing);
  net.convergeRoutes();
  return net;
}

let postCounter = 0;
const post = (net: FederationNetwork, author: string, maxHops?: number) =>
  net.deliverAll(author, `${net.originOf(author)}/posts/${++postCounter}`, maxHops);
const hops = (messages: Array<{ from: string; to: string }>) => messages.map((m) => `${m.from} > ${m.to}`);

describe('chain L1 - S - L2', () => {
  it('passes interest up the chain and routes the post only toward it', () => {
    const net = network(['l1', 's', 'l2', 'l3'], 'l1-s s-l2 s-l3');
    net.follow(L2, 'alice@l1.example');
    net.propagateInterest();
    expect(net.bot(S).interest.peerWants(L2, 'alice@l1.example')).toBe(true);
    expect(net.bot(L1).interest.peerWants(S, 'alice@l1.example')).toBe(true);
    expect(net.bot(S).interest.peerWants(L1, 'alice@l1.example')).toBe(false);
    expect(net.bot(L3).interest.peerInterest(S).size).toBe(0);

    const { messages, receivedBy } = post(net, 'alice@l1.example');
    expect(hops(messages)).toEqual([`${L1} > ${S}`, `${S} > ${L2}`]);
    expect(receivedBy).toEqual([L2]);
    expect(messages[1]?.envelope).toMatchObject({ hops: 2, path: [L1, S] });
    expect(post(net, 'bob@l1.example').messages).toEqual([]);
  });

  it('drops interest after an unfollow, but keeps it while another bot still wants the author', () => {
    const net = network(['l1', 's', 'l2', 'l3'], 'l1-s s-l2 s-l3');
    net.follow(L2, 'alice@l1.example');
    net.follow(L2, 'alice@l1.example');
    net.follow(L3, 'alice@l1.example');
    net.propagateInterest();
    net.unfollow(L2, 'alice@l1.example');
    net.propagateInterest();
    expect(hops(post(net, 'alice@l1.example').messages)).toEqual([
      `${L1} > ${S}`,
      `${S} > ${L2}`,
      `${S} > ${L3}`,
    ]);
    net.unfollow(L2, 'alice@l1.example');
    net.propagateInterest();
    expect(hops(post(net, 'alice@l1.example').messages)).toEqual([`${L1} > ${S}`, `${S} > ${L3}`]);
    net.unfollow(L3, 'alice@l1.example');
    const traffic = net.propagateInterest();
    expect(traffic).toMatchObject({ messages: 2, authorsCarried: 2, snapshotRequests: 0 });
    expect(net.bot(L1).interest.peerInterest(S).size).toBe(0);
    expect(post(net, 'alice@l1.example').messages).toEqual([]);
  });

  it('recovers from a lost delta with a snapshot request', () => {
    const net = network(['l1', 's', 'l2'], 'l1-s s-l2');
    net.follow(L2, 'alice@l1.example');
    net.propagateInterest();
    net.follow(L2, 'bob@l1.example');
    let dropped = 0;
    net.propagateInterest((to, message) => {
      if (to === S && message.type === 'interest-delta' && dropped === 0) {
        dropped++;
        return true;
      }
      return false;
    });
    expect(net.bot(S).interest.peerWants(L2, 'bob@l1.example')).toBe(false);
    net.follow(L2, 'carol@l1.example');
    const traffic = net.propagateInterest();
    expect(traffic.snapshotRequests).toBe(1);
    for (const author of ['alice', 'bob', 'carol']) {
      expect(net.bot(S).interest.peerWants(L2, `${author}@l1.example`)).toBe(true);
      expect(net.bot(L1).interest.peerWants(S, `${author}@l1.example`)).toBe(true);
    }
  });
});

describe('mesh with cycles', () => {
  const names = ['a', 'b', 'c', 'd', 'e', 'f'];
  const links = 'a-b b-c c-d d-a a-c d-e e-f f-b';
  const follows: Array<[string, string]> = [
    ['c', 'alice@a.example'],
    ['d', 'alice@a.example'],
    ['e', 'alice@a.example'],
    ['f', 'alice@a.example'],
    ['a', 'erin@e.example'],
    ['b', 'erin@e.example'],
    ['c', 'erin@e.example'],
    ['a', 'bob@b.example'],
    ['e', 'bob@b.example'],
    ['d', 'fay@f.example'],
  ];
  const build = (routing: InterestRouting) => {
    const net = network(names, links, routing);
    for (const [bot, author] of follows) net.follow(url(bot), author);
    net.propagateInterest();
    return net;
  };

  it('delivers each post exactly once to every interested bot, never back where it came from', () => {
    const net = build('route-tree');
    for (const author of [
      'alice@a.example',
      'erin@e.example',
      'bob@b.example',
      'fay@f.example',
      'x@c.example',
    ]) {
      const { messages, receivedBy } = post(net, author);
      const interested = follows.filter(([, a]) => a === author).map(([bot]) => url(bot));
      expect(receivedBy.sort()).toEqual(interested.sort());
      const receivers = messages.map((m) => m.to);
      expect(new Set(receivers).size).toBe(receivers.length);
      expect(receivers).not.toContain(net.originOf(author));
      const edges = new Set(hops(messages));
      for (const m of messages) expect(edges.has(`${m.to} > ${m.from}`)).toBe(false);
    }
  });

  it('without next-hop routing, split horizon alone still delivers but sends duplicates around cycles', () => {
    const net = build('split-horizon');
    const { messages, receivedBy } = post(net, 'alice@a.example');
    expect(new Set(receivedBy)).toEqual(new Set([url('c'), url('d'), url('e'), url('f')]));
    expect(receivedBy).toHaveLength(4);
    expect(new Set(messages.map((m) => m.to)).size).toBeLessThan(messages.length);
  });

  it('stops a post at the hop limit', () => {
    const net = network(['a', 'b', 'c', 'd', 'e'], 'a-b b-c c-d d-e');
    net.follow(url('e'), 'alice@a.example');
    net.follow(url('c'), 'alice@a.example');
    net.propagateInterest();
    expect(post(net, 'alice@a.example', 2).receivedBy).toEqual([url('c')]);
    expect(post(net, 'alice@a.example', 4).receivedBy).toEqual([url('c'), url('e')]);
  });
});

describe('routePost', () => {
  const table = new InterestTable(S);
  table.receive({ type: 'interest-snapshot', from: L1, epoch: 'e', seq: 1, full: ['alice@l2.example'] });
  table.receive({ type: 'interest-snapshot', from: L3, epoch: 'e', seq: 1, full: ['alice@l2.example'] });
  table.addLocalFollow('alice@l2.example');
  const sent = nextHop(
    createEnvelope({ postId: 'https://l2.example/p/1', author: 'alice@l2.example', origin: L2 }),
    L2,
  );
  if (sent === null) throw new Error('unreachable');
  const base = {
    self: S,
    envelope: sent,
    author: 'alice@l2.example',
    receivedFrom: L2,
    peers: [L1, L2, L3],
    interestTable: table,
    seen: new Set<string>(),
  };

  it('forwards to interested peers except the sender and the path, and echoes locally', () => {
    expect(routePost(base)).toEqual({
      deliverLocally: true,
      forwardTo: [L1, L3],
      envelope: { ...sent, hops: 2, path: [L2, S] },
      hopLimitReached: false,
    });
    const viaL3 = { ...sent, hops: 2, path: [L2, L3] };
    expect(routePost({ ...base, envelope: viaL3, receivedFrom: L3 }).forwardTo).toEqual([L1]);
  });

  it('drops duplicates, loops and author mismatches', () => {
    expect(routePost({ ...base, seen: new Set([sent.postId]) }).dropped).toBe('duplicate');
    expect(routePost({ ...base, author: 'mallory@l2.example' }).dropped).toBe('author-mismatch');
    expect(routePost({ ...base, envelope: { ...sent, hops: 2, path: [L2, S] } }).dropped).toBe('loop');
  });

  it('reports the hop limit and never echoes a local post back locally', () => {
    const atLimit = { ...sent, maxHops: 1 };
    expect(routePost({ ...base, envelope: atLimit })).toMatchObject({
      deliverLocally: true,
      forwardTo: [],
      hopLimitReached: true,
    });
    const own = createEnvelope({ postId: 'https://s.example/p/1', author: 'me@s.example', origin: S });
    table.receive({
      type: 'interest-delta',
      from: L1,
      epoch: 'e',
      seq: 2,
      add: ['me@s.example'],
      remove: [],
    });
    expect(routePost({ ...base, envelope: own, author: 'me@s.example', receivedFrom: null })).toMatchObject({
      deliverLocally: false,
      forwardTo: [L1],
      envelope: { hops: 1, path: [S] },
    });
  });
});

describe('failover: a -- b -- d and a -- c -- d, b goes down', () => {
  it('re-registers interest around the down relay and re-routes a failed send to the live one', () => {
    const net = network(['a', 'b', 'c', 'd'], 'a-b b-d a-c c-d');
    net.follow(url('d'), 'alice@a.example');
    net.propagateInterest();
    expect(hops(post(net, 'alice@a.example').messages)).toEqual([
      `${url('a')} > ${url('b')}`,
      `${url('b')} > ${url('d')}`,
    ]);
    net.takeDown(url('b'));
    net.noticeDown(url('b'));
    net.settle();
    const envelope = createEnvelope({
      postId: 'https://a.example/p/failover',
      author: 'alice@a.example',
      origin: url('a'),
    });
    const decision = net.reroute(url('a'), null, envelope, new Set([url('b')]));
    expect(decision.forwardTo).toEqual([url('c')]);
    expect(decision.deliverLocally).toBe(false);
    net.wake([url('b')]);
    net.noticeUp([url('b')]);
    expect(hops(post(net, 'alice@a.example').messages)).toEqual([
      `${url('a')} > ${url('b')}`,
      `${url('b')} > ${url('d')}`,
    ]);
  });
});
