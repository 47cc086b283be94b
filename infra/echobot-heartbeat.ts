import { Duration } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Rule } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IStringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { EchobotFunction, runOnSchedule } from './echobot-function.ts';

export interface EchobotHeartbeatProps {
  readonly table: TableV2;
  readonly botKey: IStringParameter;
  /** The peer network's environment (PUBLIC_URL, BOT_KEY_PARAM, ECHOBOT_PEERS, ECHOBOT_RELAY, ...). */
  readonly environment: Record<string, string>;
  readonly logLevel: string;
}

/** How often a deployed bot sends its peers a heartbeat: how long a dead neighbour may go unnoticed. */
export const HEARTBEAT_RATE = Duration.minutes(1);
/**
 * Shorter than the rate, so two rounds never overlap. A round probes eight peers at once, each
 * given up after 10 s (lib/adapters/http-peer-sender.ts): room for dead peers in one round.
 */
export const HEARTBEAT_TIMEOUT = Duration.seconds(50);
/**
 * The partition keys a heartbeat round touches (lib/adapters/dynamodb/schema.ts peerKey): the
 * peer records it lists and flips `down` on, and the `routes-changed` control item it writes
 * when a flip changes best routes.
 */
export const HEARTBEAT_PARTITIONS = ['PEER', 'PEERCTL#*'] as const;

/**
 * A deployed bot that peers (context `peers` or `relay`): Lambda holds no timer, so the heartbeat
 * function runs once a minute and sends one round (lib/usecases/peer-heartbeat.ts). A peer that
 * does not answer is marked down in the table, so a neighbour of a dead super-peer routes around
 * it without a post of its own having to fail first.
 */
export class EchobotHeartbeat extends Construct {
  readonly heartbeat: EchobotFunction;
  readonly schedule: Rule;

  constructor(scope: Construct, id: string, props: EchobotHeartbeatProps) {
    super(scope, id);
    this.heartbeat = new EchobotFunction(this, 'Heartbeat', {
      entry: 'heartbeat',
      description:
        'echobot heartbeat: sends each peer our route advert, marks silent ones down (every minute)',
      timeout: HEARTBEAT_TIMEOUT,
      logLevel: props.logLevel,
      environment: { TABLE_NAME: props.table.tableName, ...props.environment },
    });
    // Only the peer items: list them, read and flip one, write the routes-changed control item.
    // No scan, delete or batch call, no other partition, no stream, no table management.
    this.heartbeat.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem'],
        resources: [props.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...HEARTBEAT_PARTITIONS] } },
      }),
    );
    // Its key signs the heartbeats.
    props.botKey.grantRead(this.heartbeat.role);
    // A missed round is not retried: the next minute's round comes anyway.
    this.heartbeat.fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(1) });
    this.schedule = runOnSchedule(this, 'HeartbeatSchedule', this.heartbeat, {
      rate: HEARTBEAT_RATE,
      description: 'echobot: heartbeats to every peer (a dead neighbour is marked down)',
    });
  }
}
