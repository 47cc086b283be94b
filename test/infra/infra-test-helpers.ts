import { readFileSync } from 'node:fs';
import { CfnElement, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';

/** The same context `cdk synth` uses (feature flags and defaults from cdk.json). */
export const cdkJsonContext = (): Record<string, unknown> => {
  const cdkJson: unknown = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'));
  if (typeof cdkJson !== 'object' || cdkJson === null || !('context' in cdkJson)) {
    throw new Error('cdk.json has no context');
  }
  return cdkJson.context as Record<string, unknown>;
};

/** The CloudFormation logical id of a construct (its default child for L2s). */
export const logicalId = (construct: IConstruct): string => {
  const element = construct.node.defaultChild ?? construct;
  if (!CfnElement.isCfnElement(element))
    throw new Error(`${construct.node.path} has no CloudFormation element`);
  return Stack.of(element).getLogicalId(element);
};

/** The parts of a synthesized CloudFormation template the infra tests read. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly Metadata?: Record<string, unknown>;
}

export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
  readonly Outputs?: Record<string, { readonly Value: unknown }>;
}

export interface IamStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
  readonly Principal?: unknown;
  readonly Condition?: unknown;
}

/** An identity-policy statement and the roles (logical ids) it is attached to. */
export interface AttachedStatement {
  readonly source: string;
  readonly roles: string[];
  readonly statement: IamStatement;
}

export const templateJson = (template: Template): CfnTemplate => template.toJSON() as CfnTemplate;

export const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

const refsOf = (value: unknown): string[] =>
  asArray(value as unknown[] | undefined).flatMap((entry) =>
    typeof entry === 'object' && entry !== null && 'Ref' in entry && typeof entry.Ref === 'string'
      ? [entry.Ref]
      : [],
  );

const documentStatements = (document: unknown): IamStatement[] =>
  typeof document === 'object' && document !== null && 'Statement' in document
    ? asArray(document.Statement as IamStatement | IamStatement[])
    : [];

/** Every statement of every identity policy (AWS::IAM::Policy, ManagedPolicy, and inline role policies). */
export const identityStatements = (template: CfnTemplate): AttachedStatement[] =>
  Object.entries(template.Resources).flatMap(([id, resource]): AttachedStatement[] => {
    const props = resource.Properties ?? {};
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      return documentStatements(props.PolicyDocument).map((statement) => ({
        source: id,
        roles: refsOf(props.Roles),
        statement,
      }));
    }
    if (resource.Type === 'AWS::IAM::Role') {
      return asArray(props.Policies as { PolicyDocument: unknown }[] | undefined).flatMap((policy) =>
        documentStatements(policy.PolicyDocument).map((statement) => ({
          source: id,
          roles: [id],
          statement,
        })),
      );
    }
    return [];
  });

export const statementsOfRole = (template: CfnTemplate, roleLogicalId: string): IamStatement[] =>
  identityStatements(template)
    .filter((attached) => attached.roles.includes(roleLogicalId))
    .map((attached) => attached.statement);

/** Actions a set of statements allows (Effect Allow only). */
export const allowedActions = (statements: IamStatement[]): string[] =>
  statements.filter((s) => s.Effect === 'Allow').flatMap((s) => asArray(s.Action));

/** Whether a statement's Resource list contains the given intrinsic/literal (deep equality on JSON). */
export const hasResource = (statement: IamStatement, resource: unknown): boolean =>
  asArray(statement.Resource).some((r) => JSON.stringify(r) === JSON.stringify(resource));

/** All string values anywhere inside a JSON value. */
export function* stringLeaves(value: unknown): Generator<string> {
  if (typeof value === 'string') {
    yield value;
  } else if (Array.isArray(value)) {
    for (const item of value) yield* stringLeaves(item);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      yield key;
      yield* stringLeaves(item);
    }
  }
}

export const getAtt = (logicalId: string, attribute: string): { 'Fn::GetAtt': [string, string] } => ({
  'Fn::GetAtt': [logicalId, attribute],
});

export const ref = (logicalId: string): { Ref: string } => ({ Ref: logicalId });
