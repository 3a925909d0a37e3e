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
  it('claims each chunk of 75 in one TransactWriteItems with 25 of its shipments, then writes the other 50 in batches of 25', async () => {
    const plan = await planFloor(
      'floor-table',
      'http://queue',
      manifestOf(exampleManifest(), 250, 'floor-plan'),
    );

    expect(plan.claim.map(name)).toEqual(['TransactWriteCommand']);
    expect(plan.writes).toEqual([]);
    // 250 shipments to report: chunks of 75, 75, 75 and 25.
    expect(plan.claimed.map(({ claims }) => name(claims))).toEqual(Array(4).fill('TransactWriteCommand'));
    const txItems = plan.claimed.map(
      ({ claims }) =>
        input(claims).TransactItems as Array<{
          Put: { Item: { kind: string; shipmentNumber: string }; ConditionExpression?: string };
        }>,
    );
    expect(txItems.map((items) => items.length)).toEqual([100, 100, 100, 50]);
    const [firstTx = []] = txItems;
    // The chunk's 75 claims, conditional (free or own), then its first 25 shipments.
    expect(firstTx.slice(0, 75).every(({ Put }) => Put.Item.kind === 'HOUSE_CLAIM')).toBe(true);
    expect(
      firstTx.slice(0, 75).every(({ Put }) => Put.ConditionExpression?.includes('attribute_not_exists(pk)')),
    ).toBe(true);
    expect(firstTx.slice(75).map(({ Put }) => [Put.Item.kind, Put.Item.shipmentNumber])).toEqual(
      Array.from({ length: 25 }, (_, i) => ['SHIPMENT', `floor-plan-${String(i).padStart(6, '0')}`]),
    );
    // The chunk's other 50 shipments, and only those, in BatchWriteItem requests of 25; the last
    // chunk's 25 all rode in its transaction.
    expect(plan.claimed.map(({ shipments }) => shipments.map(name))).toEqual([
      Array(2).fill('BatchWriteCommand'),
      Array(2).fill('BatchWriteCommand'),
      Array(2).fill('BatchWriteCommand'),
      [],
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
    expect(written).toHaveLength(50);
    expect(new Set(written.map((item) => item.kind))).toEqual(new Set(['SHIPMENT']));
    expect(written[0]?.shipmentNumber).toBe('floor-plan-000025');
    expect(written[49]?.shipmentNumber).toBe('floor-plan-000074');

    // 252 messages (transport, master, 250 houses) in batches of 10; one completing transaction.
    expect(plan.sends).toHaveLength(26);
    expect(plan.sends.map(name)).toEqual(Array(26).fill('SendMessageBatchCommand'));
    expect(plan.complete.map(name)).toEqual(['TransactWriteCommand']);
  });
});
