/** DynamoDB side of the seller statement: one partition per partner and quarter, read by key. */
import { z } from 'zod';
import type { Quarter, StatementLine, StatementReads } from '../../domain/voec-statement.ts';
import type { Table } from './table.ts';
import { keys } from './table-design.ts';

const StoredLine = z.object({
  voecNumber: z.string(),
  manifestId: z.string(),
  shipmentNumber: z.string(),
  itemLines: z.number().int(),
  valueOre: z.number().int(),
});

export class DynamoStatementReads implements StatementReads {
  constructor(private readonly table: Table) {}

  async statementLines(partnerId: string, quarter: Quarter, voecNumber?: string): Promise<StatementLine[]> {
    const items = await this.table.queryPrefix(keys.statementLines(partnerId, quarter, voecNumber));
    return items.map((item) => StoredLine.parse(item));
  }
}
