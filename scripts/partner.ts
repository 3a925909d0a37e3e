/**
 * Partner API keys, for operators (docs/deploy-and-operate.md, "Partner keys").
 *
 *   npm run partner -- create <partnerId> [--label <text>]
 *   npm run partner -- list [<partnerId>]
 *   npm run partner -- revoke <partnerId> <keyId | keyPrefix | key>
 *
 * Where (one of):
 *   --local [--endpoint <url>] [--table <name>]
 *       the `npm start` runtime: the endpoint is what it prints as "DynamoDB Local" (or
 *       AWS_ENDPOINT_URL_DYNAMODB, or `dynamoEndpoint` in .local-data/runtime.json if the runtime
 *       wrote one); the table defaults to TABLE_NAME, that file's `tableName`, else the one in cdk.out
 *   --stage dev|prod --table <name> [--region <region>]
 *       a deployed stage with your AWS credentials; the table is the stateful stack's TableName output
 *   --table <name> [--endpoint <url>]   or the environment AWS_ENDPOINT_URL_DYNAMODB + TABLE_NAME
 *
 *   --json   machine-readable output
 *
 * A key is shown once, at creation; the table keeps only its SHA-256 hash. Keys are named by their
 * key id (12 hex digits of the hash) or their prefix (vb_XXXX), neither of which is secret.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoPartnerKeyStore } from '../lib/adapters/dynamodb/partner-key-store.ts';
import {
  createPartnerKey,
  type KeyRole,
  listPartnerKeys,
  type PartnerKeyAdminStore,
  PartnerKeyError,
  type PartnerKeySummary,
  revokePartnerKey,
  roleOf,
} from '../lib/domain/partner-keys.ts';
import { readCloudAssembly } from '../local/runtime/assembly.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/runtime/aws.ts';
import { Intrinsics } from '../local/runtime/intrinsics.ts';

export const USAGE = `Usage:
  npm run partner -- create <partnerId> [--label <text>]    (the key is shown once)
  npm run partner -- list [<partnerId>]
  npm run partner -- revoke <partnerId> <keyId|keyPrefix|key>
Where:
  --local [--endpoint <url>] [--table <name>]       the npm start runtime (endpoint: "DynamoDB Local")
  --stage dev|prod --table <name> [--region <r>]    a deployed stage, with your AWS credentials
  --table <name> [--endpoint <url>]                 any table (or AWS_ENDPOINT_URL_DYNAMODB + TABLE_NAME)
  --json                                            machine-readable output`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export type PartnerCommand =
  | { command: 'create'; partnerId: string; label?: string }
  | { command: 'list'; partnerId?: string }
  | { command: 'revoke'; partnerId: string; key: string }
  | { command: 'help' };

export interface TargetOptions {
  local: boolean;
  stage?: 'dev' | 'prod';
  table?: string;
  endpoint?: string;
  region?: string;
}

export interface ParsedArgs {
  command: PartnerCommand;
  target: TargetOptions;
  json: boolean;
}

const OPTIONS = {
  label: { type: 'string' },
  local: { type: 'boolean', default: false },
  stage: { type: 'string' },
  table: { type: 'string' },
  endpoint: { type: 'string' },
  region: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} satisfies ParseArgsConfig['options'];

/** argv without the node and script entries, e.g. `['create', 'acme', '--label', 'ERP']`. */
export function parsePartnerArgs(argv: string[]): ParsedArgs {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  const stage = values.stage;
  if (stage !== undefined && stage !== 'dev' && stage !== 'prod') {
    throw new UsageError(`--stage must be dev or prod, not "${stage}"`);
  }
  if (stage && values.local) throw new UsageError('--local and --stage exclude each other');
  const target: TargetOptions = {
    local: values.local,
    ...(stage ? { stage } : {}),
    ...(values.table ? { table: values.table } : {}),
    ...(values.endpoint ? { endpoint: values.endpoint } : {}),
    ...(values.region ? { region: values.region } : {}),
  };
  const result = (cmd: PartnerCommand): ParsedArgs => ({ command: cmd, target, json: values.json });
  const arity = (min: number, max: number, shape: string) => {
    if (rest.length < min || rest.length > max) throw new UsageError(`usage: ${command} ${shape}`);
  };
  if (values.help || command === undefined || command === 'help') return result({ command: 'help' });
  if (values.label !== undefined && command !== 'create') throw new UsageError('--label is for create');
  switch (command) {
    case 'create': {
      arity(1, 1, '<partnerId> [--label <text>]');
      const label = values.label?.trim();
      return result({ command: 'create', partnerId: rest[0] as string, ...(label ? { label } : {}) });
    }
    case 'list':
      arity(0, 1, '[<partnerId>]');
      return result({ command: 'list', ...(rest[0] ? { partnerId: rest[0] } : {}) });
    case 'revoke':
      arity(2, 2, '<partnerId> <keyId|keyPrefix|key>');
      return result({ command: 'revoke', partnerId: rest[0] as string, key: rest[1] as string });
    default:
      throw new UsageError(`unknown command "${command}" (create, list or revoke)`);
  }
}

export interface ResolvedTarget {
  tableName: string;
  endpoint?: string;
  region?: string;
  /** Emulators take any credentials; a deployed stage uses the default AWS credential chain. */
  localCredentials: boolean;
  description: string;
  warnings: string[];
}

export const statefulStackName = (stage: string) => `VoecBorder-${stage}-Stateful`;

/** What a running local runtime may leave for tools: `.local-data/runtime.json`. */
export interface LocalRuntimeState {
  dynamoEndpoint?: string;
  tableName?: string;
}

export const LOCAL_STATE_FILE = join('.local-data', 'runtime.json');

export function readLocalState(projectRoot: string): LocalRuntimeState | undefined {
  const path = join(projectRoot, LOCAL_STATE_FILE);
  if (!existsSync(path)) return undefined;
  try {
    const state = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    return {
      ...(typeof state.dynamoEndpoint === 'string' ? { dynamoEndpoint: state.dynamoEndpoint } : {}),
      ...(typeof state.tableName === 'string' ? { tableName: state.tableName } : {}),
    };
  } catch {
    return undefined;
  }
}

/** The table the local runtime creates for the app in `cdkOut` (the name `npm start` prints). */
export function localTableName(cdkOut: string): string {
  const stacks = readCloudAssembly(cdkOut);
  const intrinsics = new Intrinsics(stacks, '');
  const tables = intrinsics
    .stackNames()
    .flatMap((stackName) =>
      intrinsics
        .resources(stackName, 'AWS::DynamoDB::Table')
        .map(([logicalId]) => intrinsics.physicalName(stackName, logicalId, 'TableName', 255, true)),
    );
  if (tables.length !== 1) {
    throw new UsageError(`cdk.out holds ${tables.length} tables, expected one: pass --table`);
  }
  return tables[0] as string;
}

export function resolveTarget(
  target: TargetOptions,
  env: Record<string, string | undefined>,
  options: {
    cdkOut: string;
    localTableName?: (cdkOut: string) => string;
    localState?: () => LocalRuntimeState | undefined;
  },
): ResolvedTarget {
  const warnings: string[] = [];
  if (target.stage) {
    const stack = statefulStackName(target.stage);
    if (!target.table) {
      throw new UsageError(
        `--stage ${target.stage} needs --table: the stack ${stack} outputs it, e.g.\n` +
          `  --table "$(aws cloudformation describe-stacks --stack-name ${stack} ` +
          `--query "Stacks[0].Outputs[?OutputKey=='TableName'].OutputValue" --output text)"`,
      );
    }
    if (!target.table.startsWith(`${stack}-`)) {
      warnings.push(`table ${target.table} does not look like ${stack}'s (${stack}-Table…)`);
    }
    const region = target.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    return {
      tableName: target.table,
      ...(target.endpoint ? { endpoint: target.endpoint } : {}),
      ...(region ? { region } : {}),
      localCredentials: false,
      description: `stage ${target.stage}, table ${target.table}${region ? ` in ${region}` : ''}`,
      warnings,
    };
  }
  if (target.local) {
    const state = options.localState?.();
    const endpoint = target.endpoint ?? env.AWS_ENDPOINT_URL_DYNAMODB ?? state?.dynamoEndpoint;
    if (!endpoint) {
      throw new UsageError(
        '--local needs the DynamoDB endpoint `npm start` printed ("DynamoDB Local  http://127.0.0.1:<port>"): ' +
          'pass --endpoint <url> or set AWS_ENDPOINT_URL_DYNAMODB',
      );
    }
    const tableName =
      target.table ??
      env.TABLE_NAME ??
      state?.tableName ??
      (options.localTableName ?? localTableName)(options.cdkOut);
    return {
      tableName,
      endpoint,
      region: LOCAL_REGION,
      localCredentials: true,
      description: `local runtime at ${endpoint}, table ${tableName}`,
      warnings,
    };
  }
  const tableName = target.table ?? env.TABLE_NAME;
  const endpoint = target.endpoint ?? env.AWS_ENDPOINT_URL_DYNAMODB;
  if (!tableName) {
    throw new UsageError(
      'say where the keys are: --local, --stage dev|prod --table <name>, or --table <name>',
    );
  }
  const region =
    target.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? (endpoint ? LOCAL_REGION : undefined);
  return {
    tableName,
    ...(endpoint ? { endpoint } : {}),
    ...(region ? { region } : {}),
    // An explicit endpoint is an emulator unless real credentials are in the environment.
    localCredentials: Boolean(endpoint) && !env.AWS_ACCESS_KEY_ID && !env.AWS_PROFILE,
    description: `table ${tableName}${endpoint ? ` at ${endpoint}` : ''}`,
    warnings,
  };
}

export function openStore(target: ResolvedTarget): { store: DynamoPartnerKeyStore; close: () => void } {
  const client = new DynamoDBClient({
    ...(target.region ? { region: target.region } : {}),
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ...(target.localCredentials ? { credentials: LOCAL_CREDENTIALS } : {}),
    maxAttempts: 5,
  });
  const document = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return { store: new DynamoPartnerKeyStore(document, target.tableName), close: () => client.destroy() };
}

export interface Output {
  out: (line: string) => void;
  err: (line: string) => void;
}

function formatTable(keys: PartnerKeySummary[]): string[] {
  if (keys.length === 0) return ['(no keys)'];
  const header = ['PARTNER', 'KEY ID', 'PREFIX', 'STATUS', 'CREATED', 'REVOKED', 'LABEL'];
  const rows = keys.map((key) => [
    key.partnerId,
    key.keyId,
    key.keyPrefix ?? '-',
    key.status,
    key.createdAt,
    key.revokedAt ?? '-',
    key.label ?? '',
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  return [header, ...rows].map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

/**
 * One id is either a partner's or an operator's, never both: an operator key under a partner's id
 * would read as that partner in the listing and revoke alike.
 */
async function refuseOtherRole(store: PartnerKeyAdminStore, id: string, role: KeyRole): Promise<void> {
  const other = (await store.list(id)).find((record) => roleOf(record) !== role);
  if (other) {
    throw new PartnerKeyError(
      `"${id}" already has ${roleOf(other)} keys; choose another id for this ${role} (npm run ${roleOf(other)} -- list ${id})`,
    );
  }
}

/** The command against a store; what it prints goes to `output`. */
export async function runPartnerCommand(
  parsed: ParsedArgs,
  store: PartnerKeyAdminStore,
  output: Output,
  options: { now?: Date; newKey?: () => string; role?: KeyRole } = {},
): Promise<void> {
  const { command, json } = parsed;
  const role = options.role ?? 'partner';
  const print = (value: unknown) => output.out(JSON.stringify(value, null, 2));
  switch (command.command) {
    case 'help':
      output.out(USAGE);
      return;
    case 'create': {
      await refuseOtherRole(store, command.partnerId, role);
      const { key, summary } = await createPartnerKey(store, {
        partnerId: command.partnerId,
        role,
        ...(command.label ? { label: command.label } : {}),
        ...(options.now ? { now: options.now } : {}),
        ...(options.newKey ? { key: options.newKey() } : {}),
      });
      if (json) {
        print({ ...summary, key });
        return;
      }
      output.out(
        `Created a key for ${summary.partnerId} (key id ${summary.keyId}${summary.label ? `, "${summary.label}"` : ''}):`,
      );
      output.out('');
      output.out(`  ${key}`);
      output.out('');
      output.out(`This is the only time the key is shown: hand it to the ${role} over a secure channel.`);
      output.out(`Only its SHA-256 hash is stored. The ${role} sends it as "Authorization: Bearer <key>".`);
      if (role === 'operator') output.out("An operator key reads every partner's data and changes nothing.");
      output.out(`Revoke it with: npm run ${role} -- revoke ${summary.partnerId} ${summary.keyId}`);
      return;
    }
    case 'list': {
      const keys = (await listPartnerKeys(store, command.partnerId)).filter((key) => key.role === role);
      if (json) print(keys);
      else for (const line of formatTable(keys)) output.out(line);
      return;
    }
    case 'revoke': {
      await refuseOtherRole(store, command.partnerId, role);
      const { summary, alreadyRevoked } = await revokePartnerKey(store, {
        partnerId: command.partnerId,
        key: command.key,
        ...(options.now ? { now: options.now } : {}),
      });
      if (json) {
        print({ ...summary, alreadyRevoked });
        return;
      }
      output.out(
        alreadyRevoked
          ? `Key ${summary.keyId} of ${summary.partnerId} was already revoked (${summary.revokedAt}).`
          : `Revoked key ${summary.keyId} of ${summary.partnerId} at ${summary.revokedAt}.`,
      );
      if (!alreadyRevoked) {
        output.out(
          'The authorizer refuses it from now on; API Gateway may still accept it for up to 5 minutes ' +
            '(the authorizer cache).',
        );
      }
      return;
    }
  }
}

export interface MainDependencies {
  env?: Record<string, string | undefined>;
  output?: Output;
  cdkOut?: string;
  /** The local runtime's state, if it left one (default: .local-data/runtime.json). */
  localState?: () => LocalRuntimeState | undefined;
  /** Opens the store for a target (tests pass a fake). */
  open?: (target: ResolvedTarget) => { store: PartnerKeyAdminStore; close: () => void };
  /** Whose keys: partners' (`npm run partner`) or operators' (`npm run operator`). */
  role?: KeyRole;
}

/** The whole command line; the exit code (0 done, 1 failed, 2 usage). */
export async function main(argv: string[], deps: MainDependencies = {}): Promise<number> {
  const output = deps.output ?? { out: (line) => console.log(line), err: (line) => console.error(line) };
  const env = deps.env ?? process.env;
  let parsed: ParsedArgs;
  try {
    parsed = parsePartnerArgs(argv);
  } catch (error) {
    output.err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.command.command === 'help') {
    output.out(USAGE);
    return 0;
  }
  const projectRoot = fileURLToPath(new URL('..', import.meta.url));
  let target: ResolvedTarget;
  try {
    target = resolveTarget(parsed.target, env, {
      cdkOut: deps.cdkOut ?? join(projectRoot, 'cdk.out'),
      localState: deps.localState ?? (() => readLocalState(projectRoot)),
    });
  } catch (error) {
    output.err((error as Error).message);
    return 2;
  }
  for (const warning of target.warnings) output.err(`warning: ${warning}`);
  if (!parsed.json) output.err(`(${target.description})`);
  const { store, close } = (deps.open ?? openStore)(target);
  try {
    await runPartnerCommand(parsed, store, output, deps.role ? { role: deps.role } : {});
    return 0;
  } catch (error) {
    if (error instanceof PartnerKeyError) output.err(error.message);
    else
      output.err(
        `failed against ${target.description}: ${(error as Error).name}: ${(error as Error).message}`,
      );
    return 1;
  } finally {
    close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
