/**
 * `npm run example`: the walk-through, on any day, against a running local stack (`npm start`).
 *
 *   KEY=<the key npm start printed> npm run example        [URL=http://127.0.0.1:3000]
 *     1. the road example (examples/manifest.example.json) with its ETA 6 hours from now: every
 *        shipment reported to the (simulated) Digitoll and ACCEPTED with an MRN;
 *     2. the border: a transport 1 hour from the border with a shipment whose VOEC number Digitoll
 *        does not know (2099993: a valid check digit, not in the register, so Digitoll refuses it),
 *        and a transport whose ETA passed 15 minutes ago, one of its shipments with that number too;
 *        then the border sweep is fired (local only) so the alerts (NOTIFICATION_MISSING,
 *        DECLARE_IN_TVINN), the TVINN backup drafts and the transit's arrival notification appear.
 *     It ends by printing the curl lines to look at each.
 *     `-- --summary <file>` also writes what it created as JSON (the integration test reads it).
 *
 *   npm run example -- files
 *     writes examples/manifest.json (the road example, ETA 6 hours from now) and
 *     examples/big-manifest.json (10,000 shipments: send it gzipped) for the README's curl lines.
 *
 * Shipment numbers, references and transit MRNs are fresh on every run, so it can run any number
 * of times on the same stack.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { ManifestRequest } from '../lib/manifest/schema.ts';

const EXAMPLES = new URL('../examples/', import.meta.url);
const HOUR = 3_600_000;
/** Passes the MOD-11 check (no VOEC_NUMBER_SUSPECT) but is not in the simulator's VOEC register. */
const UNKNOWN_VOEC_NUMBER = '2099993';

const roadExample = (): ManifestRequest =>
  JSON.parse(readFileSync(new URL('manifest.example.json', EXAMPLES), 'utf8')) as ManifestRequest;

const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

/** The road example, made fresh: ETA relative to now, new reference, numbers and transit MRN. */
function freshManifest(tag: string, etaOffsetMs: number, run: string): ManifestRequest {
  const manifest = roadExample();
  manifest.reference = `EXAMPLE-${tag}-${run}`;
  manifest.transport.estimatedArrival = at(etaOffsetMs);
  // 18 characters: year, country, 13 digits of the run and the tag, a check character.
  manifest.transit = { mrn: `26SE${run.padStart(12, '0').slice(-12)}${tag[0]}0` };
  manifest.shipments = manifest.shipments.map((shipment, index) => ({
    ...shipment,
    shipmentNumber: `${shipment.shipmentNumber.slice(0, 2)}${tag[0]}${run.slice(-8)}${index}SE`,
  }));
  return manifest;
}

function writeFiles(): void {
  const manifest = roadExample();
  manifest.transport.estimatedArrival = at(6 * HOUR);
  manifest.reference = `NORDLINE-${new Date().toISOString().slice(0, 16).replace(/[-:T]/g, '')}`;
  writeFileSync(new URL('manifest.json', EXAMPLES), `${JSON.stringify(manifest, null, 2)}\n`);

  const [template] = manifest.shipments;
  if (!template) throw new Error('examples/manifest.example.json has no shipment');
  const big: ManifestRequest = {
    ...manifest,
    reference: `${manifest.reference}-BIG`,
    shipments: Array.from({ length: 10_000 }, (_, i) => ({
      ...template,
      shipmentNumber: `BIG${String(i + 1).padStart(9, '0')}SE`,
    })),
  };
  writeFileSync(new URL('big-manifest.json', EXAMPLES), JSON.stringify(big));
  console.log(
    `Wrote examples/manifest.json (ETA ${manifest.transport.estimatedArrival}) and examples/big-manifest.json (10,000 shipments).`,
  );
}

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: the API's JSON answers, read field by field
  body: any;
}

async function walkThrough(url: string, key: string, summaryFile: string | undefined): Promise<void> {
  const api = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : text,
    };
  };
  const submit = async (manifest: ManifestRequest): Promise<string> => {
    const answer = await api('POST', '/v1/manifests', manifest);
    if (answer.status !== 202) {
      throw new Error(`POST /v1/manifests answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    }
    return answer.body.manifestId as string;
  };
  const statusOf = async (shipmentNumber: string) =>
    (await api('GET', `/v1/shipments/${shipmentNumber}`)).body.status as string;
  const settle = async (manifests: ManifestRequest[]) => {
    const numbers = manifests.flatMap((m) => m.shipments.map((s) => s.shipmentNumber));
    const end = Date.now() + 180_000;
    for (;;) {
      const statuses = await Promise.all(numbers.map(statusOf));
      if (statuses.every((s) => ['ACCEPTED', 'FAILED', 'REJECTED', 'CANCELLED'].includes(s))) {
        return Object.fromEntries(numbers.map((n, i) => [n, statuses[i]]));
      }
      if (Date.now() > end) throw new Error(`Reports did not settle in 3 minutes: ${statuses.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };

  const health = await fetch(`${url}/health`).catch(() => undefined);
  if (!health?.ok) throw new Error(`Nothing answers at ${url}/health: start the stack with npm start first.`);
  const run = String(Date.now());

  console.log('1. The road example, its ETA 6 hours from now');
  const road = freshManifest('ROAD', 6 * HOUR, run);
  const roadId = await submit(road);
  console.log(`   manifest ${roadId}: ${road.shipments.length} shipments, waiting for Digitoll…`);
  for (const [n, s] of Object.entries(await settle([road]))) console.log(`   ${n}  ${s}`);

  console.log('\n2. The border');
  const soon = freshManifest('SOON', 1 * HOUR, run);
  const [unknown] = soon.shipments;
  if (unknown) unknown.voecNumber = UNKNOWN_VOEC_NUMBER;
  const soonId = await submit(soon);
  console.log(
    `   manifest ${soonId}: 1 hour to the border (LATE_SUBMISSION), ${unknown?.shipmentNumber} with VOEC number ${UNKNOWN_VOEC_NUMBER}, which Digitoll does not know`,
  );
  // The late transport is refused, but houses stand on their own: only the unknown VOEC number
  // leaves a shipment unaccepted at the border (a TVINN draft; the transit is not closed by Digitoll).
  const passed = freshManifest('PAST', -15 * 60_000, run);
  const [late] = passed.shipments;
  if (late) late.voecNumber = UNKNOWN_VOEC_NUMBER;
  const passedId = await submit(passed);
  console.log(
    `   manifest ${passedId}: its ETA passed 15 minutes ago, transit ${passed.transit?.mrn}, ${late?.shipmentNumber} with VOEC number ${UNKNOWN_VOEC_NUMBER}`,
  );
  const statuses = await settle([soon, passed]);
  for (const [n, s] of Object.entries(statuses)) console.log(`   ${n}  ${s}`);

  const sweep = await api('POST', '/__local/schedules/run');
  console.log(
    sweep.status === 200
      ? '   border sweep fired (POST /__local/schedules/run)'
      : `   POST /__local/schedules/run answered ${sweep.status}: not a local stack? The schedule runs every 5 minutes.`,
  );
  const alerts = (await api('GET', '/v1/alerts')).body.alerts as Array<{
    shipmentNumber: string;
    flag: string;
  }>;
  const ours = new Set([...soon.shipments, ...passed.shipments].map((s) => s.shipmentNumber));
  const mine = alerts.filter((a) => ours.has(a.shipmentNumber));
  const drafts = (await api('GET', `/v1/manifests/${passedId}/tvinn-declarations`)).body
    .declarations as unknown[];
  const transit = (await api('GET', `/v1/transits/${passed.transit?.mrn}`)).body as { state: string };
  console.log(`   alerts: ${mine.map((a) => `${a.shipmentNumber} ${a.flag}`).join(', ') || 'none'}`);
  console.log(`   TVINN drafts of ${passedId}: ${drafts.length}`);
  console.log(`   transit ${passed.transit?.mrn}: ${transit.state}`);

  console.log(`
Look at it:
  URL=${url} KEY=${key}
  curl -s $URL/v1/shipments/${road.shipments[0]?.shipmentNumber} -H "Authorization: Bearer $KEY"         # ACCEPTED: MRN and timeline
  curl -s $URL/v1/manifests/${roadId} -H "Authorization: Bearer $KEY"
  curl -s $URL/v1/shipments/${unknown?.shipmentNumber} -H "Authorization: Bearer $KEY"         # FAILED: Digitoll's error, verbatim; the flags
  curl -s $URL/v1/alerts -H "Authorization: Bearer $KEY"                                 # NOTIFICATION_MISSING, DECLARE_IN_TVINN
  curl -s $URL/v1/manifests/${passedId}/tvinn-declarations -H "Authorization: Bearer $KEY"
  curl -s "$URL/v1/manifests/${passedId}/tvinn-declarations?format=csv" -H "Authorization: Bearer $KEY"
  curl -s $URL/v1/transits/${passed.transit?.mrn} -H "Authorization: Bearer $KEY"          # ARRIVAL_NOTIFICATION_PREPARED (CC007C data)
  curl -s $URL/console/                                                              # the operations console (sign in with the key)
`);
  if (summaryFile) {
    const summary = {
      road: { manifestId: roadId, shipments: road.shipments.map((s) => s.shipmentNumber) },
      soon: {
        manifestId: soonId,
        unknownVoec: unknown?.shipmentNumber,
        shipments: soon.shipments.map((s) => s.shipmentNumber),
      },
      passed: {
        manifestId: passedId,
        transitMrn: passed.transit?.mrn,
        unknownVoec: late?.shipmentNumber,
        shipments: passed.shipments.map((s) => s.shipmentNumber),
      },
      statuses,
    };
    writeFileSync(summaryFile, JSON.stringify(summary, null, 2));
  }
}

const args = process.argv.slice(2);
if (args[0] === 'files') {
  writeFiles();
} else {
  const key = process.env.KEY;
  if (!key) {
    console.error(
      'Usage: KEY=<the partner key npm start printed> [URL=http://127.0.0.1:3000] npm run example',
    );
    process.exit(2);
  }
  const summaryAt = args.indexOf('--summary');
  await walkThrough(
    (process.env.URL ?? 'http://127.0.0.1:3000').replace(/\/$/, ''),
    key,
    summaryAt >= 0 ? args[summaryAt + 1] : undefined,
  ).catch((error: Error) => {
    console.error(`\n${error.message}`);
    process.exit(1);
  });
}
