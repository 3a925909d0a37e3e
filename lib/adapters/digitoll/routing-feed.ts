/**
 * Customs' routing feed (movement-routing-api v1, `lib/digitoll/routing-schemas.ts`) as the domain's
 * `RoutingFeed`: the wire items become `RoutingSignal`s, Customs' own values kept verbatim for the timeline.
 */
import type { RoutingSignal as WireSignal } from '../../digitoll/routing-schemas.ts';
import type { RoutingSignal } from '../../domain/routing.ts';
import type { RoutingFeed, RoutingFeedPage } from '../../domain/routing-poller.ts';
import type { RoutingOutcome } from './client.ts';

export function signalFromWire(item: WireSignal): RoutingSignal {
  const result = item.routingResult;
  const publishedAt =
    result.timestamp !== undefined && !Number.isNaN(Date.parse(result.timestamp))
      ? new Date(result.timestamp).toISOString()
      : undefined;
  return {
    id: result.id,
    waybill: { number: item.referenceNumber, type: item.type },
    routing: result.routing,
    ...(result.routingControlLocation ? { controlLocation: result.routingControlLocation } : {}),
    ...(publishedAt ? { publishedAt } : {}),
    // What Customs sent, as sent (the house key, the routing result).
    verbatim: {
      referenceNumber: item.referenceNumber,
      type: item.type,
      ...(item.entrySummaryDeclarationMRN
        ? { entrySummaryDeclarationMRN: item.entrySummaryDeclarationMRN }
        : {}),
      ...(item.receptacleId ? { receptacleId: item.receptacleId } : {}),
      routingResult: { ...result },
    },
  };
}

export class DigitollRoutingFeed implements RoutingFeed {
  constructor(
    private readonly client: { routingPage(marker: string | undefined): Promise<RoutingOutcome> },
  ) {}

  async page(marker: string | undefined): Promise<RoutingFeedPage> {
    const answer = await this.client.routingPage(marker);
    if (answer.outcome !== 'PAGE') return { ok: false, reason: answer.reason };
    return { ok: true, signals: answer.signals.map(signalFromWire) };
  }
}
