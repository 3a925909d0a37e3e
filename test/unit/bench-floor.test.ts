/**
 * The bench's floor (bench/intake.ts) is planned from the intake's own adapters against recording
 * clients: it must hold the very requests the intake makes, house-claim transactions included, or
 * the intake ÷ floor ratio compares the intake with calls it does not make.
 */
import { describe, expect, it } from 'vitest';
import { manifestOf, planFloor } from '../../bench/intake.ts';
import { exampleManifest } from '../../bench/support.ts';

const name = (command: unknown) => (command as object).constructor.name;
const input = (command: unknown) => (command as { input: Record<string, unknown> }).input;

describe('the floor plan of a 250-shipment manifest', () => {
  it('claims each chunk of 100 in one TransactWriteItems, then writes its shipments in batches of 25', async () => {
    const plan = await planFloor(
      'floor-table',
      'http://queue',
      manifestOf(exampleManifest(), 250, 'floor-plan'),
    );

    expect(plan.claim.map(name)).toEqual(['TransactWriteCommand']);
    expect(plan.writes).toEqual([]);
    // 250 shipments to report: chunks of 100, 100 and 50.
    expect(plan.claimed.map(({ claims }) => name(claims))).toEqual([
      'TransactWriteCommand',
      'TransactWriteCommand',
      'TransactWriteCommand',
    ]);
    const claimItems = plan.claimed.map(
      ({ claims }) =>
        input(claims).TransactItems as Array<{
          Put: { Item: { kind: string }; ConditionExpression: string };
        }>,
    );
    expect(claimItems.map((items) => items.length)).toEqual([100, 100, 50]);
    for (const items of claimItems) {
      for (const { Put } of items) {
        expect(Put.Item.kind).toBe('HOUSE_CLAIM');
        expect(Put.ConditionExpression).toContain('attribute_not_exists(pk)');
      }
    }
    // Each chunk's shipments, and only those, in BatchWriteItem requests of 25.
    expect(plan.claimed.map(({ shipments }) => shipments.map(name))).toEqual([
      Array(4).fill('BatchWriteCommand'),
      Array(4).fill('BatchWriteCommand'),
      Array(2).fill('BatchWriteCommand'),
    ]);
    const [first] = plan.claimed;
    const written = (first?.shipments ?? []).flatMap((command) =>
      Object.values(
        input(command).RequestItems as Record<
          string,
          Array<{ PutRequest: { Item: Record<string, unknown> } }>
        >,
      )
        .flat()
        .map((request) => request.PutRequest.Item),
    );
    expect(written).toHaveLength(100);
    expect(new Set(written.map((item) => item.kind))).toEqual(new Set(['SHIPMENT']));
    expect(written[0]?.shipmentNumber).toBe('floor-plan-000000');
    expect(written[99]?.shipmentNumber).toBe('floor-plan-000099');

    // 252 messages (transport, master, 250 houses) in batches of 10; one completing transaction.
    expect(plan.sends).toHaveLength(26);
    expect(plan.sends.map(name)).toEqual(Array(26).fill('SendMessageBatchCommand'));
    expect(plan.complete.map(name)).toEqual(['TransactWriteCommand']);
  });
});
