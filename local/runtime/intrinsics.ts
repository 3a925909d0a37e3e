/**
 * CloudFormation intrinsic functions over the synthesized templates, resolved against local
 * physical resources. Values are resolved lazily, only where the runtime needs them, and anything
 * it cannot resolve faithfully fails loudly with the template path (never a silent wrong value).
 */
import { createHash } from 'node:crypto';
import type { CfnResource, StackTemplate } from './assembly.ts';
import { LOCAL_ACCOUNT, LOCAL_PARTITION, LOCAL_REGION, LOCAL_URL_SUFFIX } from './aws.ts';

/** What `Ref` and `Fn::GetAtt` return for one resource. */
export interface PhysicalResource {
  ref: string;
  attributes: Record<string, unknown>;
}

/** Marks `AWS::NoValue`: the property or list entry is removed. */
const NO_VALUE = Symbol('AWS::NoValue');

/** Resource types whose identity comes from an emulator; they must be created before being referenced. */
const EMULATED_TYPES = new Set(['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable', 'AWS::SQS::Queue']);

export class TemplateError extends Error {
  constructor(message: string, path: string) {
    super(`${message} (at ${path})`);
    this.name = 'TemplateError';
  }
}

/** CloudFormation-like generated name, deterministic so persisted local data is found again. */
export function generatedName(
  prefix: string,
  stackName: string,
  logicalId: string,
  maxLength: number,
): string {
  const full = `${prefix}${stackName}-${logicalId}`;
  if (full.length <= maxLength) return full;
  const hash = createHash('sha1').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, maxLength - 9)}-${hash}`;
}

/** Short lower-case id like API Gateway's (`a1b2c3d4e5`), stable per resource. */
function shortId(seed: string, length: number): string {
  const digest = createHash('sha256').update(seed).digest();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(digest.subarray(0, length), (byte) => alphabet[byte % alphabet.length]).join('');
}

export const arns = {
  lambda: (name: string) => `arn:${LOCAL_PARTITION}:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${name}`,
  table: (name: string) => `arn:${LOCAL_PARTITION}:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${name}`,
  rule: (name: string) => `arn:${LOCAL_PARTITION}:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/${name}`,
};

export class Intrinsics {
  private readonly stacks = new Map<string, StackTemplate>();
  private readonly physical = new Map<string, PhysicalResource>();
  private exportsByName?: Map<string, { stackName: string; value: unknown; path: string }>;
  /** Set once the HTTP server listens: `Fn::GetAtt [Api, ApiEndpoint]`. */
  apiEndpoint = 'http://127.0.0.1';

  constructor(
    stacks: StackTemplate[],
    private readonly namePrefix = '',
  ) {
    for (const stack of stacks) this.stacks.set(stack.stackName, stack);
  }

  stackNames(): string[] {
    return [...this.stacks.keys()];
  }

  assemblyDir(stackName: string): string {
    return this.stack(stackName, stackName).assemblyDir;
  }

  /** Active resources of a stack (those whose `Condition` holds), optionally of one type. */
  resources(stackName: string, type?: string): Array<[string, CfnResource]> {
    const stack = this.stack(stackName, stackName);
    return Object.entries(stack.template.Resources ?? {}).filter(
      ([logicalId, resource]) =>
        (!type || resource.Type === type) &&
        (!resource.Condition || this.condition(stackName, resource.Condition, `${stackName}/${logicalId}`)),
    );
  }

  resource(stackName: string, logicalId: string, path = `${stackName}/${logicalId}`): CfnResource {
    const resource = this.stack(stackName, path).template.Resources?.[logicalId];
    if (!resource) throw new TemplateError(`No resource ${logicalId} in stack ${stackName}`, path);
    return resource;
  }

  /** Records the identity of an emulated resource once it exists. */
  register(stackName: string, logicalId: string, resource: PhysicalResource): void {
    this.physical.set(`${stackName}/${logicalId}`, resource);
  }

  /** The identity of a resource: emulated ones must be registered, the others are derived. */
  identity(stackName: string, logicalId: string, path: string): PhysicalResource {
    const key = `${stackName}/${logicalId}`;
    const known = this.physical.get(key);
    if (known) return known;
    const resource = this.resource(stackName, logicalId, path);
    if (EMULATED_TYPES.has(resource.Type)) {
      throw new TemplateError(`${resource.Type} ${logicalId} is referenced before it was created`, path);
    }
    const derived = this.derivedIdentity(stackName, logicalId, resource, path);
    this.physical.set(key, derived);
    return derived;
  }

  /** Finds the resource whose `Ref` or `Arn` is `value` (e.g. a function from an integration URI). */
  findByIdentity(stackName: string, type: string, value: string): string | undefined {
    for (const [logicalId] of this.resources(stackName, type)) {
      const identity = this.identity(stackName, logicalId, `${stackName}/${logicalId}`);
      if (identity.ref === value || identity.attributes.Arn === value) return logicalId;
    }
    return undefined;
  }

  physicalName(
    stackName: string,
    logicalId: string,
    nameProperty: string | undefined,
    maxLength: number,
    prefixed = false,
  ): string {
    const resource = this.resource(stackName, logicalId);
    const path = `${stackName}/${logicalId}/Properties/${nameProperty}`;
    const explicit = nameProperty ? resource.Properties?.[nameProperty] : undefined;
    if (explicit !== undefined) {
      const name = this.string(this.resolve(explicit, stackName, path), path);
      return prefixed ? `${this.namePrefix}${name}` : name;
    }
    return generatedName(prefixed ? this.namePrefix : '', stackName, logicalId, maxLength);
  }

  resolve(value: unknown, stackName: string, path: string): unknown {
    const resolved = this.resolveValue(value, stackName, path);
    return resolved === NO_VALUE ? undefined : resolved;
  }

  string(value: unknown, path: string): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw new TemplateError(`Expected a string, got ${JSON.stringify(value)}`, path);
  }

  private resolveValue(value: unknown, stackName: string, path: string): unknown {
    if (Array.isArray(value)) {
      return value
        .map((item, index) => this.resolveValue(item, stackName, `${path}/${index}`))
        .filter((item) => item !== NO_VALUE);
    }
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    const [first] = entries;
    if (entries.length === 1 && first && (first[0] === 'Ref' || first[0].startsWith('Fn::'))) {
      return this.intrinsic(first[0], first[1], stackName, `${path}/${first[0]}`);
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of entries) {
      const resolved = this.resolveValue(item, stackName, `${path}/${key}`);
      if (resolved !== NO_VALUE) out[key] = resolved;
    }
    return out;
  }

  private intrinsic(name: string, arg: unknown, stackName: string, path: string): unknown {
    const r = (value: unknown, suffix: string) => this.resolveValue(value, stackName, `${path}${suffix}`);
    const list = (value: unknown, suffix: string): unknown[] => {
      const resolved = r(value, suffix);
      if (!Array.isArray(resolved)) throw new TemplateError(`${name} expects a list`, path);
      return resolved;
    };
    switch (name) {
      case 'Ref':
        return this.ref(this.string(arg, path), stackName, path);
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = typeof arg === 'string' ? splitOnce(arg, '.') : (arg as unknown[]);
        return this.getAtt(
          this.string(logicalId, path),
          this.string(r(attribute, '/1'), path),
          stackName,
          path,
        );
      }
      case 'Fn::ImportValue':
        return this.importValue(this.string(r(arg, ''), path), path);
      case 'Fn::Join': {
        const [delimiter, items] = arg as [string, unknown];
        return list(items, '/1')
          .map((item, index) => this.string(item, `${path}/1/${index}`))
          .join(delimiter);
      }
      case 'Fn::Select': {
        const [index, items] = arg as [unknown, unknown];
        const position = Number(r(index, '/0'));
        const values = list(items, '/1');
        if (!Number.isInteger(position) || position < 0 || position >= values.length) {
          throw new TemplateError(`Fn::Select index ${position} out of range`, path);
        }
        return values[position];
      }
      case 'Fn::Split': {
        const [delimiter, source] = arg as [string, unknown];
        return this.string(r(source, '/1'), path).split(delimiter);
      }
      case 'Fn::Sub':
        return this.sub(arg, stackName, path);
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = arg as [string, unknown, unknown];
        return this.condition(stackName, condition, path) ? r(whenTrue, '/1') : r(whenFalse, '/2');
      }
      case 'Fn::Equals': {
        const [left, right] = arg as [unknown, unknown];
        return JSON.stringify(r(left, '/0')) === JSON.stringify(r(right, '/1'));
      }
      case 'Fn::Not':
        return !this.conditionValue((arg as unknown[])[0], stackName, `${path}/0`);
      case 'Fn::And':
        return (arg as unknown[]).every((item, i) => this.conditionValue(item, stackName, `${path}/${i}`));
      case 'Fn::Or':
        return (arg as unknown[]).some((item, i) => this.conditionValue(item, stackName, `${path}/${i}`));
      case 'Fn::FindInMap': {
        const [map, top, second] = (arg as unknown[]).map((item, i) => this.string(r(item, `/${i}`), path));
        const value = this.stack(stackName, path).template.Mappings?.[map ?? '']?.[top ?? '']?.[second ?? ''];
        if (value === undefined)
          throw new TemplateError(`Fn::FindInMap ${map}.${top}.${second} not found`, path);
        return value;
      }
      case 'Fn::Base64':
        return Buffer.from(this.string(r(arg, ''), path)).toString('base64');
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map((zone) => `${LOCAL_REGION}${zone}`);
      case 'Fn::Length':
        return list(arg, '').length;
      case 'Fn::ToJsonString':
        return JSON.stringify(r(arg, ''));
      default:
        throw new TemplateError(`Intrinsic ${name} is not supported by the local runtime`, path);
    }
  }

  private ref(name: string, stackName: string, path: string): unknown {
    switch (name) {
      case 'AWS::Region':
        return LOCAL_REGION;
      case 'AWS::AccountId':
        return LOCAL_ACCOUNT;
      case 'AWS::Partition':
        return LOCAL_PARTITION;
      case 'AWS::URLSuffix':
        return LOCAL_URL_SUFFIX;
      case 'AWS::StackName':
        return stackName;
      case 'AWS::StackId':
        return `arn:${LOCAL_PARTITION}:cloudformation:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stack/${stackName}/local`;
      case 'AWS::NoValue':
        return NO_VALUE;
      case 'AWS::NotificationARNs':
        return [];
    }
    const template = this.stack(stackName, path).template;
    const parameter = template.Parameters?.[name];
    if (parameter) {
      if (parameter.Default === undefined) throw new TemplateError(`Parameter ${name} has no default`, path);
      return parameter.Default;
    }
    if (!template.Resources?.[name]) throw new TemplateError(`Ref to unknown ${name}`, path);
    return this.identity(stackName, name, path).ref;
  }

  private getAtt(logicalId: string, attribute: string, stackName: string, path: string): unknown {
    const identity = this.identity(stackName, logicalId, path);
    const value = identity.attributes[attribute];
    if (value === undefined) {
      const type = this.resource(stackName, logicalId, path).Type;
      throw new TemplateError(`Fn::GetAtt ${logicalId}.${attribute} (${type}) is not emulated locally`, path);
    }
    return value;
  }

  private importValue(exportName: string, path: string): unknown {
    if (!this.exportsByName) {
      this.exportsByName = new Map();
      for (const [stackName, stack] of this.stacks) {
        for (const [outputId, output] of Object.entries(stack.template.Outputs ?? {})) {
          if (!output.Export) continue;
          const outputPath = `${stackName}/Outputs/${outputId}`;
          const name = this.string(this.resolve(output.Export.Name, stackName, outputPath), outputPath);
          this.exportsByName.set(name, { stackName, value: output.Value, path: `${outputPath}/Value` });
        }
      }
    }
    const found = this.exportsByName.get(exportName);
    if (!found) throw new TemplateError(`Fn::ImportValue: no stack exports "${exportName}"`, path);
    return this.resolveValue(found.value, found.stackName, found.path);
  }

  private sub(arg: unknown, stackName: string, path: string): string {
    const [text, variables] =
      typeof arg === 'string' ? [arg, {}] : (arg as [string, Record<string, unknown>]);
    return text.replace(/\$\{([^}]*)\}/g, (_match, expression: string) => {
      if (expression.startsWith('!')) return `\${${expression.slice(1)}}`;
      if (expression in variables) {
        return this.string(
          this.resolveValue(variables[expression], stackName, `${path}/${expression}`),
          path,
        );
      }
      if (expression.includes('.') && !expression.startsWith('AWS::')) {
        const [logicalId, attribute] = splitOnce(expression, '.');
        return this.string(this.getAtt(logicalId, attribute, stackName, path), path);
      }
      return this.string(this.ref(expression, stackName, path), path);
    });
  }

  private condition(stackName: string, name: string, path: string): boolean {
    const expression = this.stack(stackName, path).template.Conditions?.[name];
    if (expression === undefined) throw new TemplateError(`Unknown condition ${name}`, path);
    return this.conditionValue(expression, stackName, `${stackName}/Conditions/${name}`);
  }

  private conditionValue(expression: unknown, stackName: string, path: string): boolean {
    if (expression && typeof expression === 'object' && 'Condition' in expression) {
      return this.condition(stackName, String((expression as { Condition: unknown }).Condition), path);
    }
    const value = this.resolveValue(expression, stackName, path);
    if (typeof value !== 'boolean' && value !== 'true' && value !== 'false') {
      throw new TemplateError(`A condition must be a boolean, got ${JSON.stringify(value)}`, path);
    }
    return value === true || value === 'true';
  }

  private stack(stackName: string, path: string): StackTemplate {
    const stack = this.stacks.get(stackName);
    if (!stack) throw new TemplateError(`Unknown stack ${stackName}`, path);
    return stack;
  }

  /** Identities of resources nothing local has to create: names and ARNs like CloudFormation's. */
  private derivedIdentity(
    stackName: string,
    logicalId: string,
    resource: CfnResource,
    path: string,
  ): PhysicalResource {
    const region = LOCAL_REGION;
    const account = LOCAL_ACCOUNT;
    const name = (property: string | undefined, max: number) =>
      this.physicalName(stackName, logicalId, property, max);
    const id = shortId(`${stackName}/${logicalId}`, 10);
    switch (resource.Type) {
      case 'AWS::Lambda::Function': {
        const functionName = name('FunctionName', 64);
        return { ref: functionName, attributes: { Arn: arns.lambda(functionName) } };
      }
      case 'AWS::IAM::Role': {
        const roleName = name('RoleName', 64);
        return {
          ref: roleName,
          attributes: { Arn: `arn:aws:iam::${account}:role/${roleName}`, RoleId: `AROA${id.toUpperCase()}` },
        };
      }
      case 'AWS::IAM::Policy':
        return { ref: name('PolicyName', 128), attributes: {} };
      case 'AWS::IAM::ManagedPolicy': {
        const policyName = name('ManagedPolicyName', 128);
        return { ref: `arn:aws:iam::${account}:policy/${policyName}`, attributes: {} };
      }
      case 'AWS::Logs::LogGroup': {
        const logGroup = name('LogGroupName', 512);
        return {
          ref: logGroup,
          attributes: { Arn: `arn:aws:logs:${region}:${account}:log-group:${logGroup}:*` },
        };
      }
      case 'AWS::Events::Rule': {
        const ruleName = name('Name', 64);
        return { ref: ruleName, attributes: { Arn: arns.rule(ruleName) } };
      }
      case 'AWS::ApiGatewayV2::Api':
        return { ref: id, attributes: { ApiId: id, ApiEndpoint: this.apiEndpoint } };
      case 'AWS::ApiGatewayV2::Stage': {
        const stageName = this.resolve(resource.Properties?.StageName, stackName, `${path}/StageName`);
        return { ref: this.string(stageName ?? '$default', path), attributes: {} };
      }
      case 'AWS::ApiGatewayV2::Integration':
      case 'AWS::ApiGatewayV2::Route':
      case 'AWS::ApiGatewayV2::Authorizer':
        return { ref: shortId(`${stackName}/${logicalId}`, 7), attributes: {} };
      case 'AWS::SecretsManager::Secret': {
        // Not emulated: functions see a well-formed ARN, and calls fail locally (see AWS_ENDPOINT_URL).
        const secretName = name('Name', 512);
        return {
          ref: `arn:aws:secretsmanager:${region}:${account}:secret:${secretName}-${id.slice(0, 6)}`,
          attributes: { Id: secretName },
        };
      }
      case 'AWS::SNS::Topic': {
        const topicName = name('TopicName', 256);
        const topicArn = `arn:aws:sns:${region}:${account}:${topicName}`;
        return { ref: topicArn, attributes: { TopicArn: topicArn, TopicName: topicName } };
      }
      case 'AWS::CloudWatch::Alarm': {
        const alarmName = name('AlarmName', 255);
        return {
          ref: alarmName,
          attributes: { Arn: `arn:aws:cloudwatch:${region}:${account}:alarm:${alarmName}` },
        };
      }
      case 'AWS::SSM::Parameter':
        return { ref: name('Name', 1011), attributes: {} };
      case 'AWS::Lambda::EventSourceMapping':
      case 'AWS::Lambda::Permission':
      case 'AWS::SQS::QueuePolicy':
        return { ref: `${logicalId}-${id}`, attributes: {} };
      default:
        throw new TemplateError(`${resource.Type} ${logicalId} is not emulated locally`, path);
    }
  }
}

function splitOnce(text: string, separator: string): [string, string] {
  const index = text.indexOf(separator);
  return index < 0 ? [text, ''] : [text.slice(0, index), text.slice(index + 1)];
}
