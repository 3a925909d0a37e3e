/**
 * The whole local system: the Digitoll simulator plus the local runtime (emulators and the bundled
 * functions), with the reporter pointed at the simulator through a registered Maskinporten client.
 * Used by `npm start`, the end-to-end tests and the benchmarks.
 */
import { ENV } from '../lib/deployment.ts';
import { AIR_SCOPE, ENTRY_SCOPE, ROAD_V2_SCOPE } from '../lib/digitoll/codes.ts';
import {
  createTestClient,
  type DigitollSimulator,
  type FaultConfig,
  startDigitollSimulator,
} from './digitoll-simulator/index.ts';
import { type LocalStack, type LocalStackOptions, startLocalStack } from './runtime/index.ts';

export interface FullStackOptions extends LocalStackOptions {
  digitoll?: {
    port?: number;
    processingDelayMs?: number;
    rateLimitPerSecond?: number;
    faults?: FaultConfig;
    voecRegister?: string[];
    /** Routing signals per answer (Digitoll's 1000 by default; smaller to exercise paging). */
    routingPageSize?: number;
    /**
     * Put something between the reporter and the simulator (the bench's latency proxy): given the
     * simulator's URL, returns the URL the reporter should use instead.
     */
    frontedBy?: (simulatorUrl: string) => Promise<string>;
  };
  /** Reporter tuning for a simulator that answers in milliseconds rather than seconds. */
  reporterEnv?: Record<string, string>;
}

export interface FullStack {
  stack: LocalStack;
  digitoll: DigitollSimulator;
  stop(): Promise<void>;
}

/** Environment that points the reporter at the simulator (or `baseUrl` in front of it) with a registered client. */
export async function digitollEnvironment(
  digitoll: DigitollSimulator,
  baseUrl: string = digitoll.url,
): Promise<Record<string, string>> {
  // Road v2 and air for the reporter (one token per scope), the entry scope for the routing poller (§9.2).
  const client = await createTestClient({
    clientId: 'voec-border-local',
    scopes: [ROAD_V2_SCOPE, AIR_SCOPE, ENTRY_SCOPE],
  });
  digitoll.registerClient(client);
  return {
    [ENV.digitollBaseUrl]: baseUrl,
    [ENV.maskinportenTokenUrl]: `${baseUrl}/token`,
    [ENV.maskinportenAudience]: digitoll.audience,
    // Locally the credentials come from the environment, not Secrets Manager.
    [ENV.maskinportenSecretArn]: '',
    [ENV.maskinportenClientId]: client.clientId,
    [ENV.maskinportenPrivateKeyPem]: client.privateKeyPem.replaceAll('\n', '\\n'),
    [ENV.maskinportenKeyId]: client.kid,
  };
}

export async function startFullStack(options: FullStackOptions = {}): Promise<FullStack> {
  const digitoll = await startDigitollSimulator({
    port: options.digitoll?.port ?? 0,
    processingDelayMs: options.digitoll?.processingDelayMs ?? 300,
    rateLimitPerSecond: options.digitoll?.rateLimitPerSecond ?? 50,
    ...(options.digitoll?.faults ? { faults: options.digitoll.faults } : {}),
    ...(options.digitoll?.voecRegister ? { voecRegister: options.digitoll.voecRegister } : {}),
    ...(options.digitoll?.routingPageSize ? { routingPageSize: options.digitoll.routingPageSize } : {}),
  });
  try {
    const reporterUrl = options.digitoll?.frontedBy
      ? await options.digitoll.frontedBy(digitoll.url)
      : digitoll.url;
    const stack = await startLocalStack({
      ...options,
      extraEnv: {
        ...(await digitollEnvironment(digitoll, reporterUrl)),
        // The simulator validates in ~300 ms: look and poll again after seconds, not minutes.
        [ENV.reportUncertainDelaySeconds]: '2',
        [ENV.reportFirstPollDelaySeconds]: '1',
        [ENV.reportClaimTtlSeconds]: '30',
        // Locally a partner's webhook receiver is typically http://localhost.
        [ENV.webhookAllowInsecureLocalhost]: 'true',
        [ENV.webhookBaseDelaySeconds]: '1',
        ...options.reporterEnv,
        ...options.extraEnv,
      },
    });
    return {
      stack,
      digitoll,
      stop: async () => {
        await stack.stop();
        await digitoll.close();
      },
    };
  } catch (error) {
    await digitoll.close();
    throw error;
  }
}
