/**
 * The whole local system: the Digitoll simulator plus the local runtime (emulators and the bundled
 * functions), with the reporter pointed at the simulator through a registered Maskinporten client.
 * Used by `npm start`, the end-to-end tests and the benchmarks.
 */
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
  const client = await createTestClient({ clientId: 'voec-border-local' });
  digitoll.registerClient(client);
  return {
    DIGITOLL_BASE_URL: baseUrl,
    MASKINPORTEN_TOKEN_URL: `${baseUrl}/token`,
    MASKINPORTEN_AUDIENCE: digitoll.audience,
    // Locally the credentials come from the environment, not Secrets Manager.
    MASKINPORTEN_SECRET_ARN: '',
    MASKINPORTEN_CLIENT_ID: client.clientId,
    MASKINPORTEN_PRIVATE_KEY_PEM: client.privateKeyPem.replaceAll('\n', '\\n'),
    MASKINPORTEN_KEY_ID: client.kid,
  };
}

export async function startFullStack(options: FullStackOptions = {}): Promise<FullStack> {
  const digitoll = await startDigitollSimulator({
    port: options.digitoll?.port ?? 0,
    processingDelayMs: options.digitoll?.processingDelayMs ?? 300,
    rateLimitPerSecond: options.digitoll?.rateLimitPerSecond ?? 50,
    ...(options.digitoll?.faults ? { faults: options.digitoll.faults } : {}),
    ...(options.digitoll?.voecRegister ? { voecRegister: options.digitoll.voecRegister } : {}),
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
        REPORT_UNCERTAIN_DELAY_SECONDS: '2',
        REPORT_FIRST_POLL_DELAY_SECONDS: '1',
        REPORT_CLAIM_TTL_SECONDS: '30',
        // Locally a partner's webhook receiver is typically http://localhost.
        WEBHOOK_ALLOW_INSECURE_LOCALHOST: 'true',
        WEBHOOK_BASE_DELAY_SECONDS: '1',
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
