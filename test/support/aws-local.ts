import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { inject } from 'vitest';
import { documentClient } from '../../lib/adapters/dynamodb/document-client.ts';
import { DynamoStore } from '../../lib/adapters/dynamodb/dynamo-store.ts';
import { ensureTable } from '../../lib/adapters/dynamodb/ensure-table.ts';
import { LOCAL_AWS } from '../../local/dynamodb-local.ts';

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** A fresh table (with its stream) in the shared DynamoDB Local. */
export async function freshTable() {
  const endpoint = inject('dynamoEndpoint');
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint });
  const table = uniqueName('echobot');
  const { streamArn } = await ensureTable(client, table);
  const doc = documentClient({ ...LOCAL_AWS, endpoint });
  return { endpoint, client, doc, table, streamArn, store: new DynamoStore(doc, table) };
}

/** A fresh queue with a DLQ in the shared fauxqs. */
export async function freshQueue(maxReceiveCount = 3, visibilityTimeoutSeconds = 30) {
  const sqs = new SQSClient({ ...LOCAL_AWS, endpoint: inject('fauxqsEndpoint') });
  const name = uniqueName('deliver');
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const dlqUrl = dlq.QueueUrl ?? '';
  const attrs = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
  );
  const main = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: attrs.Attributes?.QueueArn, maxReceiveCount }),
      },
    }),
  );
  return { sqs, queueUrl: main.QueueUrl ?? '', dlqUrl };
}
