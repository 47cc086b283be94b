import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { outboxLine } from '../../lib/adapters/outbox-sender.ts';
import { formatEcho } from '../../lib/domain/format.ts';
import { type LocalBot, startLocalBot } from '../support/local-bot.ts';
import { phone } from '../support/members.ts';
import { eventually } from '../support/poll.ts';
import { checkLedger, echoKey } from './support/ledger.ts';

const MEMBERS = 25;
const POSTS = 20;
const ENV = { ECHOBOT_RETRY_BASE_SECONDS: '1', ECHOBOT_RETRY_MAX_SECONDS: '2' };

const bots: LocalBot[] = [];
afterAll(async () => {
  for (const b of bots.splice(0)) await b.stop('SIGKILL');
});

async function echoesIn(dataDir: string): Promise<string[]> {
  const text = await readFile(join(dataDir, 'outbox.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => outboxLine.parse(JSON.parse(l)))
    .filter((l) => l.kind === 'echo')
    .map((l) => echoKey(l.text, l.to));
}

describe('the local node killed hard (SIGKILL) in the middle of a fanout, then restarted', () => {
  it('loses no accepted post or echo; the only repeats are echoes sent before the kill by unfinished jobs', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'echobot-sigkill-'));
    const first = await startLocalBot({ dataDir, env: ENV });
    bots.push(first);
    for (let i = 0; i < MEMBERS; i++) expect((await first.sms(phone(i), `JOIN k${i}`)).status).toBe(200);
    await first.settle();

    const expected: string[] = [];
    for (let p = 0; p < POSTS; p++) {
      const author = p % MEMBERS;
      const text = `sigkill post ${p}`;
      expect((await first.sms(phone(author), text)).status).toBe(200);
      for (let m = 0; m < MEMBERS; m++)
        if (m !== author) expected.push(echoKey(formatEcho(`k${author}`, text), phone(m)));
    }
    // Every post is accepted (acknowledged); kill as soon as echoes are going out.
    await eventually(
      () => echoesIn(dataDir),
      (e) => e.length > 0,
      'the first echoes',
      60_000,
    );
    await first.stop('SIGKILL');
    const beforeKill = new Set(await echoesIn(dataDir));
    expect(beforeKill.size).toBeLessThan(expected.length);

    const second = await startLocalBot({ dataDir, env: ENV });
    bots.push(second);
    // Jobs in flight at the kill come back after their visibility timeout and in-progress lease.
    await eventually(
      async () => checkLedger(expected, await echoesIn(dataDir)).lost.length,
      (lost) => lost === 0,
      'every echo after the restart',
      240_000,
    );
    await second.settle();
    const ledger = checkLedger(expected, await echoesIn(dataDir));
    expect({ lost: ledger.lost, unexpected: ledger.unexpected }).toEqual({ lost: [], unexpected: [] });
    // At-least-once across a crash: a job cut off mid-send is re-run whole, so an echo may repeat,
    // but only one that went out before the kill; nothing accepted is ever sent twice after it.
    expect(ledger.duplicated.filter((k) => !beforeKill.has(k))).toEqual([]);
  }, 420_000);
});
