import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { EmfMetrics } from '../../../lib/adapters/powertools-metrics.ts';

const emf = z.object({
  _aws: z.object({
    CloudWatchMetrics: z.array(
      z.object({
        Namespace: z.string(),
        Dimensions: z.array(z.array(z.string())),
        Metrics: z.array(z.object({ Name: z.string() })),
      }),
    ),
  }),
});

function captureStdout() {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(
      ...String(chunk)
        .split('\n')
        .filter((l) => l.startsWith('{')),
    );
    return true;
  });
  return { lines, restore: () => spy.mockRestore() };
}

afterEach(() => vi.restoreAllMocks());

describe('custom metrics in embedded metric format (Powertools)', () => {
  it('one invocation’s posts, echoes by channel, failures by reason and SMS budget, flushed once', () => {
    const out = captureStdout();
    const m = new EmfMetrics('echobot');
    m.posts(1);
    m.posts(1);
    m.echoes({ sms: 2, telegram: 1 });
    m.echoes({ sms: 1 });
    m.failure('send-failed');
    m.failure('refused:opted-out', 2);
    m.smsBudgetUsed(42.5);
    m.flush();
    m.flush(); // nothing new: nothing written
    out.restore();
    const docs = out.lines.map((l) => ({
      raw: z.record(z.string(), z.unknown()).parse(JSON.parse(l)),
      emf: emf.parse(JSON.parse(l)),
    }));
    expect(docs.every((d) => d.emf._aws.CloudWatchMetrics[0]?.Namespace === 'echobot')).toBe(true);
    const find = (name: string, dim?: [string, string]) =>
      docs.find(
        (d) =>
          d.raw[name] !== undefined &&
          (dim === undefined || d.raw[dim[0]] === dim[1]) &&
          d.raw.service === 'echobot',
      )?.raw[name];
    expect(find('Posts')).toBe(2);
    expect(find('SmsBudgetUsedPercent')).toBe(42.5);
    expect(find('Echoes', ['channel', 'sms'])).toBe(3);
    expect(find('Echoes', ['channel', 'telegram'])).toBe(1);
    expect(find('Failures', ['reason', 'send-failed'])).toBe(1);
    expect(find('Failures', ['reason', 'refused:opted-out'])).toBe(2);
    expect(docs).toHaveLength(5);
  });
});
