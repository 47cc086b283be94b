import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readEchobotConfig } from './echobot-config.ts';
import { EchobotStack } from './echobot-stack.ts';

export const STACK_NAME = 'EchobotStack';

/**
 * The CDK app: one env-agnostic EchobotStack (no lookups, so synth needs no credentials), checked by
 * cdk-nag's AWS Solutions pack. A finding that is not acknowledged with a reason fails synthesis.
 */
export const createEchobotApp = (props: AppProps = {}): { app: App; stack: EchobotStack } => {
  const app = new App(props);
  const stack = new EchobotStack(app, STACK_NAME, {
    description: 'echobot: SMS/IM echo bot that federates with other echobots',
    config: readEchobotConfig(app),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
};
