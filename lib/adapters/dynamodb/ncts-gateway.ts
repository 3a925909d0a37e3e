/**
 * The NCTS gateway we can offer: it records the arrival notification for the carrier's NCTS
 * client (or its staff) to lodge; nothing here talks to NCTS, which has no API we can call.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { NctsGateway } from '../../domain/border-sweep.ts';
import type { ArrivalNotification } from '../../domain/ncts.ts';
import { isConditionFailure } from './conditions.ts';
import type { Table } from './table.ts';
import { keys } from './table-design.ts';

export class RecordingNctsGateway implements NctsGateway {
  readonly name = 'recorded for lodging (no NCTS connection)';

  constructor(private readonly table: Table) {}

  async handOver(partnerId: string, notification: ArrivalNotification): Promise<{ reference: string }> {
    const mrn = notification.TransitOperation.MRN;
    const reference = `recorded:${mrn}`;
    try {
      await this.table.client.send(
        new PutCommand({
          TableName: this.table.name,
          Item: { ...keys.nctsHandOver(partnerId, mrn), kind: 'NCTS_OUTBOX', notification, reference },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    return { reference };
  }
}
