import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { planNetwork } from './network-topology.ts';
import { networkViewHandler } from './network-view.ts';
import { type LocalNode, startLocalNode } from './node.ts';

/**
 * `npm run network -- --bots 5 [--leaves 2] [--super-peers 2]`: a small federation on this
 * machine. Bot 1 (and bot 2.. with `--super-peers`) are super-peers, the others peer with one of
 * them and with their neighbours (a ring), all on loopback with private peers allowed. Each leaf
 * polls two super-peers and its own URL reaches nothing, as on a laptop. Data lives under
 * `.echobot-network/` (or `--data`), so a restart keeps members, follows and peer state. Prints
 * every bot's URLs and the network view; Ctrl+C stops them all.
 */
const { values } = parseArgs({
  options: {
    bots: { type: 'string', default: '5' },
    leaves: { type: 'string', default: '0' },
    'super-peers': { type: 'string' },
    port: { type: 'string', default: '8801' },
    'view-port': { type: 'string', default: '8790' },
    data: { type: 'string', default: '.echobot-network' },
  },
});
// Five bots' routine logs would bury the URLs; LOG_LEVEL=INFO shows every peer message.
process.env.LOG_LEVEL ??= 'WARN';
let plans: ReturnType<typeof planNetwork>;
try {
  plans = planNetwork(Number(values.bots), Number(values.port), {
    leaves: Number(values.leaves),
    ...(values['super-peers'] !== undefined ? { superPeers: Number(values['super-peers']) } : {}),
  });
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(2);
}
const dataRoot = resolve(values.data);
const urlOf = (i: number) => `http://127.0.0.1:${plans[i]?.port}`;

const nodes: LocalNode[] = [];
/** The bots the view asks; leaves have no address, the view learns them from their super-peers. */
const bots: LocalNode[] = [];
let stopping = false;
const stopAll = async (code: number) => {
  if (stopping) process.exit(1);
  stopping = true;
  console.log('stopping the network...');
  await Promise.allSettled(nodes.map((n) => n.stop()));
  process.exit(code);
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stopAll(0));

try {
  for (const plan of plans) {
    const leaf = plan.upstreams !== undefined;
    const node = await startLocalNode({
      // A leaf's URL (the base of its ids) is a port where nothing listens; it listens on a free one.
      port: leaf ? 0 : plan.port,
      ...(leaf ? { publicUrl: urlOf(plans.indexOf(plan)) } : {}),
      dataDir: join(dataRoot, plan.name),
      ...(process.env.ECHOBOT_RETRY_BASE_SECONDS ? {} : { retryDelay: { baseSeconds: 2, maxSeconds: 30 } }),
      channels: { allowPrivate: true },
      peering: {
        peers: plan.peers.map(urlOf),
        upstreams: (plan.upstreams ?? []).map(urlOf),
        relay: plan.relay,
        allowPrivate: true,
      },
    });
    nodes.push(node);
    if (!leaf) bots.push(node);
    const names = (list: number[]) => list.map((p) => plans[p]?.name).join(', ');
    console.log(
      leaf
        ? `${plan.name} (leaf of ${names(plan.upstreams ?? [])}): ids ${node.url} (nothing listens there)  console ${node.listenUrl}/console`
        : `${plan.name}${plan.relay ? ' (super-peer)' : ''}: ${node.url}  console ${node.url}/console  status ${node.url}/status (Bearer ${node.adminToken})  peers ${names(plan.peers)}`,
    );
  }
} catch (err) {
  console.error(`could not start the network: ${String(err)}`);
  await stopAll(1);
}

// One handler for the view's lifetime: it remembers the leaves it saw when a super-peer stops.
const handler = networkViewHandler(bots.map((n) => n.url));
const view = createServer((req, res) => {
  handler(req, res).catch(() => {
    res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('network view failed\n');
  });
});
view.listen(Number(values['view-port']), '127.0.0.1', () => {
  const address = view.address();
  const port = typeof address === 'object' && address ? address.port : values['view-port'];
  console.log(`network view: http://127.0.0.1:${port}/
Members follow each other across bots with FOLLOW nick@127.0.0.1:<port> (e.g. in a bot's console).
Data: ${dataRoot}. Press Ctrl+C to stop.`);
});
