/**
 * The notification outbox: partner notifications written with the change they report (see
 * items.ts `outboxItem`), found through the deadline index (kind NOTIFY) and removed once queued.
 */

import { PartnerNotification } from '../../domain/notifications.ts';
import type { OutboxStore } from '../../domain/outbox.ts';
import type { Table } from './table.ts';
import { keys } from './table-design.ts';

export class DynamoOutbox implements OutboxStore {
  constructor(private readonly table: Table) {}

  async due(now: string, limit: number): Promise<PartnerNotification[]> {
    const rows = await this.table.dueMarkers('NOTIFY', now, limit);
    const items = await this.table.batchGet(rows.map((row) => ({ pk: row.pk, sk: row.sk })));
    return items
      .map((item) => PartnerNotification.parse(item.notification))
      .sort((a, b) => (a.at < b.at ? -1 : 1));
  }

  async remove(notifications: PartnerNotification[]): Promise<void> {
    await this.table.batchWrite(
      notifications.map((note) => ({ DeleteRequest: { Key: keys.outbox(note.partnerId, note.id) } })),
    );
  }
}
