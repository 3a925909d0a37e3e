/**
 * The bench's two profiles. `local`: the functions and the floor talk to DynamoDB Local and fauxqs
 * directly (a call costs what the emulator takes on this machine, a few ms). `aws`: the same, with a
 * latency proxy (bench/latency-proxy.ts) in front of each emulator, and of the Digitoll simulator,
 * adding each operation's in-region AWS latency from bench/aws-latency.ts. Production code is not
 * touched: only the endpoints the local runtime hands the functions change.
 *
 * BENCH_PROFILE=local|aws|both (default both).
 */
import { startDynamoDbLocal, startSqsEmulator } from '../local/emulators.ts';
import {
  digitollOperation,
  dynamoDbOperation,
  fauxqsOperation,
  type LatencyProxy,
  type ProxyStats,
  startLatencyProxy,
} from './latency-proxy.ts';
import { track } from './support.ts';

export const PROFILES = ['local', 'aws'] as const;
export type BenchProfile = (typeof PROFILES)[number];

export function selectedProfiles(value: string | undefined = process.env.BENCH_PROFILE): BenchProfile[] {
  const wanted = (value ?? 'both').trim().toLowerCase();
  if (wanted === '' || wanted === 'both') return [...PROFILES];
  if ((PROFILES as readonly string[]).includes(wanted)) return [wanted as BenchProfile];
  throw new Error(`BENCH_PROFILE must be local, aws or both (was "${value}")`);
}

/** The emulators of one bench section, behind latency proxies under the AWS profile. */
export interface Backends {
  profile: BenchProfile;
  /** What the functions, the runtime and the floor are given: the proxy under `aws`. */
  dynamoEndpoint: string;
  sqsEndpoint: string;
  /** `frontedBy` for startFullStack's Digitoll simulator: a proxy under `aws`, the simulator itself locally. */
  frontDigitoll(simulatorUrl: string): Promise<string>;
  /** Requests per operation and the injected delay since the last reset, per proxy (none under `local`). */
  proxyStats(): Record<string, ProxyStats>;
  resetProxyStats(): void;
  stop(): Promise<void>;
}

export async function startBackends(profile: BenchProfile): Promise<Backends> {
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  try {
    const dynamo = await startDynamoDbLocal();
    stops.push(() => dynamo.stop());
    const sqs = await startSqsEmulator();
    stops.push(() => sqs.stop());
    const proxies: Record<string, LatencyProxy> = {};
    const front = async (
      name: string,
      upstream: string,
      recognise: Parameters<typeof startLatencyProxy>[0]['recognise'],
    ) => {
      const proxy = await startLatencyProxy({ upstream, recognise });
      proxies[name] = proxy;
      stops.push(() => proxy.close());
      return proxy.url;
    };
    const aws = profile === 'aws';
    const backends: Backends = {
      profile,
      dynamoEndpoint: aws ? await front('dynamodb', dynamo.endpoint, dynamoDbOperation) : dynamo.endpoint,
      sqsEndpoint: aws ? await front('fauxqs', sqs.endpoint, fauxqsOperation) : sqs.endpoint,
      frontDigitoll: async (url) => (aws ? front('digitoll', url, digitollOperation) : url),
      proxyStats: () =>
        Object.fromEntries(Object.entries(proxies).map(([name, proxy]) => [name, proxy.stats()])),
      resetProxyStats: () => {
        for (const proxy of Object.values(proxies)) proxy.resetStats();
      },
      stop: () => Promise.resolve(),
    };
    backends.stop = track(`${profile} emulators`, stopAll);
    return backends;
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** One line about what the proxies did, for a figure's notes. */
export function describeProxies(stats: Record<string, ProxyStats>): string {
  const parts = Object.entries(stats)
    .filter(([, s]) => s.requests > 0)
    .map(([name, s]) => {
      const top = Object.entries(s.byOperation)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 4)
        .map(([operation, count]) => `${count} ${operation.split('.')[1]}`)
        .join(', ');
      return `${name} proxy ${s.requests} requests (${top}), timers late by ${s.lateMs.mean.toFixed(1)} ms on average (max ${s.lateMs.max.toFixed(0)})`;
    });
  return parts.join('; ');
}
