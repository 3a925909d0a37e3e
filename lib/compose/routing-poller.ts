/**
 * The routing poller function: Customs' routing feed (Digitoll with a token for the entry scope), the
 * routing marker and the shipments (one DynamoDB client).
 */
import { DigitollHttpClient } from '../adapters/digitoll/client.ts';
import { DigitollRoutingFeed } from '../adapters/digitoll/routing-feed.ts';
import { DynamoRoutingMarkers, DynamoRoutingStore } from '../adapters/dynamodb/routing-store.ts';
import type { RoutingConfig } from '../config.ts';
import { FUNCTION_TIMEOUT_SECONDS } from '../deployment.ts';
import { systemClock, timeOrderedIds } from '../domain/ids.ts';
import { DEFAULT_ROUTING_SETTINGS, type RoutingPollerDeps } from '../domain/routing-poller.ts';
import { table } from './aws.ts';
import { lazyTokens } from './digitoll-tokens.ts';

export function routingPollerDeps(config: RoutingConfig): RoutingPollerDeps {
  const shared = table(config);
  return {
    feed: new DigitollRoutingFeed(
      new DigitollHttpClient({
        baseUrl: config.DIGITOLL_BASE_URL,
        tokens: lazyTokens(config, config.MASKINPORTEN_ROUTING_SCOPE),
        timeoutMs: config.DIGITOLL_TIMEOUT_MS,
        rateLimitPerSecond: config.DIGITOLL_RATE_LIMIT_PER_SECOND,
      }),
    ),
    markers: new DynamoRoutingMarkers(shared),
    store: new DynamoRoutingStore(shared),
    clock: systemClock,
    ids: timeOrderedIds(systemClock),
    settings: {
      ...DEFAULT_ROUTING_SETTINGS,
      // The lease outlives the longest run; no page is started in the last third of the timeout.
      leaseMs: 2 * FUNCTION_TIMEOUT_SECONDS.routingPoller * 1000,
      runBudgetMs: (FUNCTION_TIMEOUT_SECONDS.routingPoller * 1000 * 2) / 3,
    },
  };
}
