/**
 * CLI: `tsx local/digitoll-simulator/main.ts --port 4010 [--host 127.0.0.1] [--delay 300] [--rate 50]
 *      [--no-auth] [--seed 1] [--error-rate 0.1] [--rate-limit-rate 0] [--timeout-rate 0] [--drop-rate 0]
 *      [--latency 0] [--status-code 202] [--routing-page-size 1000]
 *      [--write-client ./.local-data/digitoll-client.json]`
 *
 * `--write-client` creates and registers a test client (granted the road, air and routing scopes) and writes `{ clientId, kid, privateKeyPem, scopes, orgNo,
 * audience, tokenUrl, exchangeUrl }` so another process can run the token flow. Admin surface: `/__sim/*`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { AIR_SCOPE, ENTRY_SCOPE, ROAD_V2_SCOPE } from '../../lib/digitoll/codes.ts';
import { startDigitollSimulator } from './simulator.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    host: { type: 'string', default: '127.0.0.1' },
    delay: { type: 'string', default: '300' },
    rate: { type: 'string', default: '50' },
    'no-auth': { type: 'boolean', default: false },
    seed: { type: 'string' },
    latency: { type: 'string' },
    'error-rate': { type: 'string' },
    'rate-limit-rate': { type: 'string' },
    'timeout-rate': { type: 'string' },
    'drop-rate': { type: 'string' },
    'status-code': { type: 'string', default: '202' },
    'routing-page-size': { type: 'string' },
    'write-client': { type: 'string' },
  },
});

const num = (value: string | undefined) => (value === undefined ? undefined : Number(value));

const sim = await startDigitollSimulator({
  port: Number(values.port),
  host: values.host,
  processingDelayMs: Number(values.delay),
  rateLimitPerSecond: Number(values.rate),
  requireAuth: !values['no-auth'],
  validationStatusHttpCode: values['status-code'] === '200' ? 200 : 202,
  routingPageSize: num(values['routing-page-size']),
  faults: {
    seed: num(values.seed),
    latencyMs: num(values.latency),
    errorRate: num(values['error-rate']),
    rateLimitRate: num(values['rate-limit-rate']),
    timeoutRate: num(values['timeout-rate']),
    dropResponseRate: num(values['drop-rate']),
  },
});

if (values['write-client']) {
  const client = await sim.createClient({
    clientId: 'local-carrier',
    scopes: [ROAD_V2_SCOPE, AIR_SCOPE, ENTRY_SCOPE],
  });
  await mkdir(dirname(values['write-client']), { recursive: true });
  await writeFile(
    values['write-client'],
    JSON.stringify(
      {
        clientId: client.clientId,
        kid: client.kid,
        orgNo: client.orgNo,
        scopes: client.scopes,
        privateKeyPem: client.privateKeyPem,
        audience: sim.audience,
        tokenUrl: `${sim.url}/token`,
        exchangeUrl: `${sim.url}/api/access/external/oauth/token`,
      },
      null,
      2,
    ),
    { mode: 0o600 },
  );
  console.log(`test client written to ${values['write-client']}`);
}

console.log(`Digitoll simulator listening on ${sim.url} (admin: ${sim.url}/__sim/received)`);

const stop = () => {
  sim.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
