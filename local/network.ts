import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { planNetwork } from './network-topology.ts';
import { networkViewHandler } from './network-view.ts';
import { type LocalNode, startLocalNode } from './node.ts';

/**
 * `npm run network -- --bots 5`: a small federation on this machine. Bot 1 is a super-peer, the
 * others peer with it and with their neighbours (a ring), all on loopback with private peers
 * allowed. Data lives under `.echobot-network/` (or `--data`), so a restart keeps members,
 * follows and peer state. Prints every bot's URLs and the network view; Ctrl+C stops them all.
 */
const { values } = parseArgs({
  options: {
    bots: { type: 'string', default: '5' },
    port: { type: 'string', default: '8801' },
    'view-port': { type: 'string', default: '8790' },
    data: { type: 'string', default: '.echobot-network' },
  },
});
// Five bots' routine logs would bury the URLs; LOG_LEVEL=INFO shows every peer message.
process.env.LOG_LEVEL ??= 'WARN';
const plans = planNetwork(Number(values.bots), Number(values.port));
const dataRoot = resolve(values.data);
const urlOf = (i: number) => `http://127.0.0.1:${plans[i]?.port}`;

const nodes: LocalNode[] = [];
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
    const node = await startLocalNode({
      port: plan.port,
      dataDir: join(dataRoot, plan.name),
      ...(process.env.ECHOBOT_RETRY_BASE_SECONDS ? {} : { retryDelay: { baseSeconds: 2, maxSeconds: 30 } }),
      channels: { allowPrivate: true },
      peering: { peers: plan.peers.map(urlOf), relay: plan.relay, allowPrivate: true },
    });
    nodes.push(node);
    console.log(
      `${plan.name}${plan.relay ? ' (super-peer)' : ''}: ${node.url}  console ${node.url}/console  status ${node.url}/status (Bearer ${node.adminToken})  peers ${plan.peers.map((p) => plans[p]?.name).join(', ')}`,
    );
  }
} catch (err) {
  console.error(`could not start the network: ${String(err)}`);
  await stopAll(1);
}

const view = createServer((req, res) => {
  networkViewHandler(nodes.map((n) => n.url))(req, res).catch(() => {
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
