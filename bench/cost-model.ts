/**
 * (b) Cost model: list prices (us-east-1, on-demand, checked 2026-12) x measured call counts.
 * Only what is billed per use counts here; flat costs (idle queue polls, alarms, the dashboard)
 * are the same for any traffic and are left out.
 */

import type { PhaseFigures, PipelineRun } from './pipeline-cost.ts';
import type { CallCounts } from './support/aws-counter.ts';

export const PRICES = {
  /** DynamoDB on-demand, per write / read request unit (since the 2024-11 price cut). */
  dynamoWriteUnit: 0.625 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
  /** SQS standard, per request (each 64 KiB chunk of payload is one request). */
  sqsRequest: 0.4 / 1e6,
  /** Lambda arm64: per invocation and per GB-second. */
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecond: 0.0000133334,
  /** AWS End User Messaging SMS (the `aws` provider) to a US number, per message part: base price, before carrier fees. */
  smsPartUs: 0.00581,
} as const;

/** Memory of each function as infra/ configures it (GB). */
const MEMORY_GB = { ingest: 0.5, fanout: 0.25, deliver: 0.25 } as const;

export interface CostLine {
  item: string;
  perPost: number;
  /** Request charges follow from the counts; duration depends on the machine the bench ran on. */
  kind: 'requests' | 'duration';
}

function phaseCost(name: keyof typeof MEMORY_GB, p: PhaseFigures, posts: number): CostLine[] {
  let wru = 0;
  let rru = 0;
  let sqs = 0;
  for (const [kind, t] of Object.entries(p.counts)) {
    if (kind.startsWith('DynamoDB.')) {
      wru += t.writeUnits;
      rru += t.readUnits;
    }
    // SQS data-plane requests the pipeline makes (the bench's own queue checks are not the pipeline's).
    if (
      /^SQS\.(SendMessage|SendMessageBatch|ReceiveMessage|DeleteMessage|DeleteMessageBatch|ChangeMessageVisibility)$/.test(
        kind,
      )
    )
      sqs += t.billedChunks;
  }
  const gbSeconds = (p.handlerMs / 1000) * MEMORY_GB[name];
  return [
    {
      item: `${name}: DynamoDB writes (${(wru / posts).toFixed(2)} WRU)`,
      perPost: (wru * PRICES.dynamoWriteUnit) / posts,
      kind: 'requests',
    },
    {
      item: `${name}: DynamoDB reads (${(rru / posts).toFixed(2)} RRU)`,
      perPost: (rru * PRICES.dynamoReadUnit) / posts,
      kind: 'requests',
    },
    {
      item: `${name}: SQS (${(sqs / posts).toFixed(3)} requests)`,
      perPost: (sqs * PRICES.sqsRequest) / posts,
      kind: 'requests',
    },
    {
      item: `${name}: Lambda invocations (${(p.invocations / posts).toFixed(3)})`,
      perPost: (p.invocations * PRICES.lambdaRequest) / posts,
      kind: 'requests',
    },
    {
      item: `${name}: Lambda duration (${(gbSeconds / posts).toFixed(4)} GB-s, as measured here)`,
      perPost: (gbSeconds * PRICES.lambdaGbSecond) / posts,
      kind: 'duration',
    },
  ];
}

export interface CostModel {
  recipientsPerPost: number;
  /** Echo path (fanout + deliver) request charges: what the one-call-per-echo design is compared against. */
  echoPathPerMillionPosts: number;
  /** The same posts with one SQS message (send, receive, delete) and one invocation per echo. */
  oneCallPerEchoPerMillionPosts: number;
  /** Echo path Lambda duration as measured on this machine (DynamoDB Local is slower than DynamoDB). */
  echoPathDurationPerMillionPosts: number;
  /** Including ingest (a webhook's reads and its transaction), request charges only. */
  withIngestPerMillionPosts: number;
  lines: CostLine[];
}

export function costModel(run: PipelineRun): CostModel {
  const lines = [
    ...phaseCost('fanout', run.fanout, run.posts),
    ...phaseCost('deliver', run.deliver, run.posts),
  ].filter((l) => l.perPost > 0);
  const ingest = phaseCost('ingest', run.ingest, run.posts);
  const sum = (ls: CostLine[], kind: CostLine['kind']) =>
    ls.filter((l) => l.kind === kind).reduce((s, l) => s + l.perPost, 0);
  const echoPath = sum(lines, 'requests');
  const withIngest = echoPath + sum(ingest, 'requests');
  // One call per echo: SendMessage + ReceiveMessage + DeleteMessage and one invocation per echo.
  const perEcho = 3 * PRICES.sqsRequest + PRICES.lambdaRequest;
  return {
    recipientsPerPost: run.recipientsPerPost,
    echoPathPerMillionPosts: echoPath * 1e6,
    echoPathDurationPerMillionPosts: sum(lines, 'duration') * 1e6,
    oneCallPerEchoPerMillionPosts: perEcho * run.recipientsPerPost * 1e6,
    withIngestPerMillionPosts: withIngest * 1e6,
    lines: [...lines, ...ingest.filter((l) => l.perPost > 0)],
  };
}

/** SMS parts for a text: GSM-7 160 (153 per part when split), else UCS-2 70 (67 per part). */
export function smsParts(text: string): number {
  const gsm = /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà^{}\\[~\]|€]*$/;
  if (gsm.test(text)) {
    const extended = (text.match(/[\^{}\\[~\]|€]/g) ?? []).length;
    const units = [...text].length + extended;
    return units <= 160 ? 1 : Math.ceil(units / 153);
  }
  const units = text.length; // UTF-16 code units
  return units <= 70 ? 1 : Math.ceil(units / 67);
}

export const sumSqsRequests = (counts: CallCounts) =>
  Object.entries(counts)
    .filter(([k]) =>
      /^SQS\.(SendMessage|SendMessageBatch|ReceiveMessage|DeleteMessage|DeleteMessageBatch|ChangeMessageVisibility)$/.test(
        k,
      ),
    )
    .reduce((n, [, t]) => n + t.calls, 0);
