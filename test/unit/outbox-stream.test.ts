/**
 * The outbox's stream path, without AWS: which stream records are outbox items (the consumer's
 * own check, behind the event source mapping's filter), and the local runtime's emulation of
 * that filter (the pattern the CDK construct writes, by hand here).
 */
import { describe, expect, it } from 'vitest';
import { outboxKeysOf } from '../../lib/adapters/dynamodb/outbox.ts';
import { matchesPattern } from '../../local/runtime/stream-poller.ts';

const FILTER = { eventName: ['INSERT'], dynamodb: { Keys: { sk: { S: [{ prefix: 'NOTE#' }] } } } };

const record = (eventName: string, pk: string, sk: string) => ({
  eventName,
  dynamodb: { Keys: { pk: { S: pk }, sk: { S: sk } } },
});

describe('the outbox stream', () => {
  it('passes only INSERTs of outbox items through the filter (as Lambda would)', () => {
    expect(matchesPattern(FILTER, record('INSERT', 'PARTNER#p#OUTBOX', 'NOTE#n1'))).toBe(true);
    expect(matchesPattern(FILTER, record('REMOVE', 'PARTNER#p#OUTBOX', 'NOTE#n1'))).toBe(false);
    expect(matchesPattern(FILTER, record('MODIFY', 'PARTNER#p#OUTBOX', 'NOTE#n1'))).toBe(false);
    expect(matchesPattern(FILTER, record('INSERT', 'PARTNER#p', 'WEBHOOK#w1'))).toBe(false);
    expect(matchesPattern(FILTER, { eventName: 'INSERT', dynamodb: {} })).toBe(false);
    expect(() => matchesPattern({ a: [{ suffix: 'x' }] }, { a: 'x' })).toThrow(/not emulated/);
  });

  it('reads the outbox keys from the records, whatever else the batch holds', () => {
    expect(
      outboxKeysOf([
        record('INSERT', 'PARTNER#p#OUTBOX', 'NOTE#n1'),
        record('REMOVE', 'PARTNER#p#OUTBOX', 'NOTE#n0'),
        record('INSERT', 'PARTNER#p', 'WEBHOOK#w1'),
        { eventName: 'INSERT' },
      ]),
    ).toEqual([{ pk: 'PARTNER#p#OUTBOX', sk: 'NOTE#n1' }]);
  });
});
