import type { InitializeMiddleware, MetadataBearer, MiddlewareStack } from '@smithy/types';

/** DynamoDB data-plane calls that can report the capacity they consumed. */
const CAPACITY_COMMANDS = new Set([
  'GetItemCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'BatchWriteItemCommand',
  'TransactGetItemsCommand',
  'TransactWriteItemsCommand',
  // The document client's commands carry these names.
  'GetCommand',
  'PutCommand',
  'UpdateCommand',
  'DeleteCommand',
  'BatchGetCommand',
  'BatchWriteCommand',
  'TransactGetCommand',
  'TransactWriteCommand',
]);

const WRITES = /Put|Update|Delete|BatchWrite|TransactWrite/;

/** One kind of AWS call: `<client>.<operation>`, e.g. `SQS.SendMessageBatch`. */
export interface CallTally {
  calls: number;
  /** Request body bytes (SQS bills each 64 KiB chunk of a request as one request). */
  requestBytes: number;
  /** SQS billing units: 64 KiB chunks, summed over calls. */
  billedChunks: number;
  /** DynamoDB capacity units the table reported (ReturnConsumedCapacity TOTAL). */
  readUnits: number;
  writeUnits: number;
}

export type CallCounts = Record<string, CallTally>;

/**
 * Counts every AWS SDK call made through the clients it is attached to, by kind, with request
 * bytes and DynamoDB's own consumed-capacity report. Attach it to a client with `attach`;
 * a document client shares its base client's stack, so attaching either counts both once.
 */
export class AwsCallCounter {
  private counts: CallCounts = {};

  attach<I extends object, O extends MetadataBearer>(client: {
    middlewareStack: MiddlewareStack<I, O>;
  }): void {
    const middleware: InitializeMiddleware<I, O> = (next, context) => async (args) => {
      const service = (context.clientName ?? 'Client').replace(/Client$/, '').replace(/DocumentClient$/, '');
      const operation = (context.commandName ?? 'Command').replace(/Command$/, '');
      const wantsCapacity =
        service.startsWith('DynamoDB') && CAPACITY_COMMANDS.has(context.commandName ?? '');
      const input = wantsCapacity ? { ...args.input, ReturnConsumedCapacity: 'TOTAL' } : args.input;
      const result = await next({ ...args, input });
      // An empty receive is the event source mapping polling an idle queue: a flat cost, not per echo.
      const empty = operation === 'ReceiveMessage' && receivedBytes(result.output) === 0;
      const tally = this.tally(
        `${service.replace(/^DynamoDBDocument$/, 'DynamoDB')}.${operation}${empty ? '(empty)' : ''}`,
      );
      tally.calls++;
      const bytes = Buffer.byteLength(JSON.stringify(args.input)) + receivedBytes(result.output);
      tally.requestBytes += bytes;
      tally.billedChunks += Math.max(1, Math.ceil(bytes / 65_536));
      if (operation.startsWith('TransactWrite')) {
        // DynamoDB Local under-reports transactions; DynamoDB bills 2 WRU per item of up to 1 KB.
        tally.writeUnits += 2 * transactItems(args.input);
      } else if (wantsCapacity) {
        const units = consumedUnits(result.output);
        if (WRITES.test(operation)) tally.writeUnits += units;
        else tally.readUnits += units;
      }
      return result;
    };
    client.middlewareStack.add(middleware, {
      step: 'initialize',
      name: 'benchAwsCallCounter',
      override: true,
    });
  }

  private tally(kind: string): CallTally {
    const existing = this.counts[kind];
    if (existing) return existing;
    const fresh: CallTally = { calls: 0, requestBytes: 0, billedChunks: 0, readUnits: 0, writeUnits: 0 };
    this.counts[kind] = fresh;
    return fresh;
  }

  /** The counts so far, and a fresh start. */
  take(): CallCounts {
    const out = this.counts;
    this.counts = {};
    return out;
  }

  peek(): CallCounts {
    return structuredClone(this.counts);
  }
}

/** Bytes of message bodies a ReceiveMessage returned (SQS bills them in 64 KiB chunks too). */
function receivedBytes(output: unknown): number {
  if (typeof output !== 'object' || output === null || !('Messages' in output)) return 0;
  const messages: unknown = output.Messages;
  if (!Array.isArray(messages)) return 0;
  let n = 0;
  for (const m of messages)
    if (typeof m === 'object' && m !== null && 'Body' in m && typeof m.Body === 'string')
      n += Buffer.byteLength(m.Body);
  return n;
}

function transactItems(input: object): number {
  return 'TransactItems' in input && Array.isArray(input.TransactItems) ? input.TransactItems.length : 0;
}

/** Sums `ConsumedCapacity` (an object, or a list for batch and transaction calls). */
function consumedUnits(output: unknown): number {
  if (typeof output !== 'object' || output === null || !('ConsumedCapacity' in output)) return 0;
  const cc: unknown = output.ConsumedCapacity;
  const list: unknown[] = Array.isArray(cc) ? cc : [cc];
  let sum = 0;
  for (const c of list) {
    if (typeof c === 'object' && c !== null && 'CapacityUnits' in c && typeof c.CapacityUnits === 'number')
      sum += c.CapacityUnits;
  }
  return sum;
}

/** Adds several count sets together. */
export function sumCounts(...sets: CallCounts[]): CallCounts {
  const out: CallCounts = {};
  for (const set of sets) {
    for (const [kind, t] of Object.entries(set)) {
      const o = out[kind] ?? { calls: 0, requestBytes: 0, billedChunks: 0, readUnits: 0, writeUnits: 0 };
      o.calls += t.calls;
      o.requestBytes += t.requestBytes;
      o.billedChunks += t.billedChunks;
      o.readUnits += t.readUnits;
      o.writeUnits += t.writeUnits;
      out[kind] = o;
    }
  }
  return out;
}

export const callsOf = (counts: CallCounts, prefix: string) =>
  Object.entries(counts)
    .filter(([k]) => k.startsWith(prefix))
    .reduce((n, [, t]) => n + t.calls, 0);
