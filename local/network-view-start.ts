import { createServer } from 'node:http';
import { networkViewHandler } from './network-view.ts';

/**
 * `npm run network:view -- <bot url> <bot url> ...`: serves the network view of those local bots
 * (each must answer `GET /dev/network`) on 127.0.0.1:$PORT (default 8790).
 */
const bots = process.argv.slice(2).filter((a) => /^https?:\/\//.test(a));
if (bots.length === 0) {
  console.error('usage: npm run network:view -- http://127.0.0.1:8787 http://127.0.0.1:8788 ...');
  process.exit(2);
}
const port = Number(process.env.PORT ?? 8790);
const server = createServer((req, res) => {
  networkViewHandler(bots)(req, res).catch(() => {
    res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('network view failed\n');
  });
});
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  console.log(`network view of ${bots.length} bots at http://127.0.0.1:${actual}/`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => server.close(() => process.exit(0)));
