import { Duration } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Rule } from 'aws-cdk-lib/aws-events';
import type { IStringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { EchobotFunction, runOnSchedule } from './echobot-function.ts';

export interface EchobotUplinkProps {
  readonly table: TableV2;
  readonly botKey: IStringParameter;
  /** The peer network's environment (PUBLIC_URL, BOT_KEY_PARAM, ECHOBOT_UPSTREAM, ...). */
  readonly environment: Record<string, string>;
  readonly logLevel: string;
}

/** How often a deployed leaf collects what its super-peers hold for it: the latency of posts from upstream. */
export const UPLINK_RATE = Duration.minutes(1);
/**
 * Shorter than the rate, so two rounds never overlap (a round stops polling 15 s before it, see
 * lib/drivers/uplink-schedule.ts). Overlap would be harmless anyway: a repeat is a duplicate.
 */
export const UPLINK_TIMEOUT = Duration.seconds(50);

/**
 * A deployed leaf (context `upstream`): a Lambda cannot hold a long-poll loop, so the uplink
 * function runs once a minute and does one bounded round per upstream (register when needed,
 * drain the held queue with short polls, cursor per upstream in the table). Its own posts and
 * interest do not wait for it: they go up through the deliver function like any peer message.
 */
export class EchobotUplink extends Construct {
  readonly uplink: EchobotFunction;
  readonly schedule: Rule;

  constructor(scope: Construct, id: string, props: EchobotUplinkProps) {
    super(scope, id);
    this.uplink = new EchobotFunction(this, 'Uplink', {
      entry: 'uplink',
      description: 'echobot uplink: a leaf collects what its super-peers hold for it (every minute)',
      timeout: UPLINK_TIMEOUT,
      logLevel: props.logLevel,
      environment: { TABLE_NAME: props.table.tableName, ...props.environment },
    });
    // Reads and writes the peer items, relayed posts, interest and its cursors: the table's data
    // only (no streams, no table management). Its key signs the registration and the polls.
    props.table.grantReadWriteData(this.uplink.role);
    props.botKey.grantRead(this.uplink.role);
    // A failed round is retried by the next minute's run, not by Lambda's async retries.
    this.uplink.fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(1) });
    this.schedule = runOnSchedule(this, 'UplinkSchedule', this.uplink, {
      rate: UPLINK_RATE,
      description: 'echobot: a leaf collects what its super-peers hold for it',
    });
  }
}
