/** Tests of road behaviour read the road fields of a fixture's transport through this. */
import type { RoadTransportInput, TransportInput } from '../lib/manifest/schema.ts';

export function road(transport: TransportInput): RoadTransportInput {
  if (transport.mode === 'AIR') throw new Error('expected a road transport');
  return transport;
}
