/**
 * `npm start`: synthesizes the CDK app and runs it locally (see local/runtime/), prints where
 * everything is and a partner key, and stays up until Ctrl-C / SIGTERM.
 *
 *   PORT=3000                  HTTP API port
 *   --persist | LOCAL_PERSIST=1 keep DynamoDB Local's data in .local-data/
 *   LOCAL_PARTNER_KEYS=partnerId:key,...  keys to accept (default: a fresh key for partner "demo")
 *   LOCAL_LOGS=full            every function log line (JSON); default: one short line per invocation
 *   LOCAL_OPERATOR_KEY=key     the operator key "ops" signs in with (default: a fresh one)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureConsoleBuilt } from '../console/build.ts';
import { newKey } from '../lib/domain/partner-keys.ts';
import { startFullStack } from './full-stack.ts';
import { parsePartnerKeys } from './runtime/index.ts';
import { FULL_LOGS_ENV, FULL_LOGS_VALUE, functionOutput } from './runtime/invocation-log.ts';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const persist = process.argv.includes('--persist') || process.env.LOCAL_PERSIST === '1';
const partnerKeys = parsePartnerKeys(process.env.LOCAL_PARTNER_KEYS) ?? [
  { partnerId: 'demo', key: newKey() },
];
// The console's operator (the carrier's customs desk): reads every partner's data, changes nothing.
const operatorKey = {
  partnerId: 'ops',
  key: process.env.LOCAL_OPERATOR_KEY ?? newKey(),
  role: 'operator' as const,
};

// Built before the synth (which deploys the same build), and only when its sources changed.
const consoleDir = await ensureConsoleBuilt({ log: (message) => console.log(`[local] ${message}`) });

const { stack, digitoll, stop } = await startFullStack({
  port: Number(process.env.PORT ?? 3000),
  projectRoot,
  partnerKeys: [...partnerKeys, operatorKey],
  consoleDir,
  // A fresh DynamoDB Local's JIT would take a core from the first large manifest (~10 s, once).
  warmUpDynamoDb: true,
  ...functionOutput(process.env[FULL_LOGS_ENV] === FULL_LOGS_VALUE),
  ...(persist ? { persistDir: `${projectRoot}/.local-data` } : {}),
  digitoll: { port: Number(process.env.DIGITOLL_SIMULATOR_PORT ?? 4010) },
});

// Where the emulators are, for `npm run partner -- … --local` (and other tools) while this runs.
mkdirSync(`${projectRoot}/.local-data`, { recursive: true });
writeFileSync(
  `${projectRoot}/.local-data/runtime.json`,
  JSON.stringify(
    { apiUrl: stack.apiUrl, dynamoEndpoint: stack.dynamoEndpoint, tableName: Object.values(stack.tables)[0] },
    null,
    2,
  ),
);

const [first] = partnerKeys;
console.log(`
voec-border is running locally
  HTTP API        ${stack.apiUrl}
  Console         ${stack.apiUrl}/console/   (sign in with the operator key, or a partner key)
  DynamoDB Local  ${stack.dynamoEndpoint}${persist ? '  (persisted in .local-data/)' : ''}
  SQS (fauxqs)    ${stack.sqsEndpoint}
  Digitoll sim    ${digitoll.url}   (faults: POST ${digitoll.url}/__sim/faults, record: GET ${digitoll.url}/__sim/received)
  tables          ${Object.values(stack.tables).join(', ')}
  queues          ${Object.values(stack.queues)
    .map((queue) => queue.name)
    .join(', ')}
  queue consumers ${
    stack.eventSources.map((source) => `${source.queue} → ${source.function}`).join('\n                  ') ||
    '(none)'
  }
  partner keys    ${partnerKeys.map(({ partnerId, key }) => `${partnerId}: ${key}`).join('\n                  ')}
  operator key    ${operatorKey.partnerId}: ${operatorKey.key}   (read-only, every partner: the console's customs desk)
  queue counts    GET  ${stack.apiUrl}/__local/queues
  run schedules   POST ${stack.apiUrl}/__local/schedules/run

Try it:
  URL=${stack.apiUrl} KEY=${first?.key ?? '<key>'}
  KEY=$KEY URL=$URL npm run example      # the road example and the border scenario, ETAs relative to now

Ctrl-C stops everything.
`);

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping…`);
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
