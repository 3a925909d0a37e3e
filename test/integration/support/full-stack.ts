/**
 * The whole local system for an integration test file: the bundled functions on the run's shared
 * DynamoDB Local and fauxqs (from the global setup), under a name prefix of its own, with the
 * Digitoll simulator answering quickly, and one partner key.
 */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { type FullStack, type FullStackOptions, startFullStack } from '../../../local/full-stack.ts';

export function startTestStack(
  prefix: string,
  partner: { partnerId: string; key: string },
  options: FullStackOptions = {},
): Promise<FullStack> {
  return startFullStack({
    port: 0,
    synth: false,
    cdkOut: inject('cdkOut'),
    dynamoEndpoint: inject('dynamoEndpoint'),
    sqsEndpoint: inject('sqsEndpoint'),
    namePrefix: `${prefix}-${randomUUID().slice(0, 8)}-`,
    scheduleEnabled: false,
    partnerKeys: [partner],
    ...options,
    digitoll: { processingDelayMs: 50, rateLimitPerSecond: 200, ...options.digitoll },
  });
}
