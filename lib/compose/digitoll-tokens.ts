/**
 * The Customs API token for one scope (Maskinporten, then Digitoll's token exchange), shared by the
 * functions that call Digitoll: the reporter (road v2 scope) and the routing poller (entry scope).
 */
import {
  CUSTOMS_TOKEN_EXCHANGE_PATH,
  MaskinportenTokenProvider,
} from '../adapters/maskinporten/token-provider.ts';
import { maskinportenCredentials } from '../adapters/maskinporten-credentials.ts';
import type { DigitollAccessConfig } from '../config.ts';

/** A token source that reads the credentials on first use (cold start stays free of I/O). */
export function lazyTokens(config: DigitollAccessConfig, scope: string) {
  let provider: Promise<MaskinportenTokenProvider> | undefined;
  const get = () => {
    provider ??= maskinportenCredentials(config).then(
      (credentials) =>
        new MaskinportenTokenProvider({
          tokenUrl: config.MASKINPORTEN_TOKEN_URL,
          audience: config.MASKINPORTEN_AUDIENCE,
          scope,
          exchangeUrl:
            config.DIGITOLL_TOKEN_EXCHANGE_URL ??
            new URL(CUSTOMS_TOKEN_EXCHANGE_PATH, config.DIGITOLL_BASE_URL).href,
          clientId: credentials.clientId,
          privateKeyPem: credentials.privateKeyPem,
          ...(credentials.certificateChainPem
            ? { certificateChainPem: credentials.certificateChainPem }
            : {}),
          ...(credentials.keyId ? { keyId: credentials.keyId } : {}),
          timeoutMs: config.DIGITOLL_TIMEOUT_MS,
        }),
    );
    provider.catch(() => {
      provider = undefined;
    });
    return provider;
  };
  return {
    getToken: async () => (await get()).getToken(),
    invalidate: (rejected?: string) => {
      void provider?.then((p) => p.invalidate(rejected));
    },
  };
}
