/**
 * The notification outbox: partner notifications written with the change they report (see
 * items.ts `outboxItem`), found through the deadline index (kind NOTIFY) by the schedule, or by
 * their keys in the table's stream, and removed once queued.
 */

import { PartnerNotification } from '../../domain/notifications.ts';
import type { OutboxStore } from '../../domain/outbox.ts';
import type { Table } from './table.ts';
import { keys, OUTBOX_SORT_KEY_PREFIX, type TableKey } from './table-design.ts';

/** The outbox keys among a stream's records (their `Keys`, in the stream's attribute-value form). */
export function outboxKeysOf(
  records: ReadonlyArray<{ eventName?: string; dynamodb?: { Keys?: Record<string, { S?: string }> } }>,
): TableKey[] {
  const found: TableKey[] = [];
  for (const record of records) {
    const pk = record.dynamodb?.Keys?.pk?.S;
    const sk = record.dynamodb?.Keys?.sk?.S;
    if (record.eventName !== 'INSERT' || !pk || !sk?.startsWith(OUTBOX_SORT_KEY_PREFIX)) continue;
    found.push({ pk, sk });
  }
  return found;
}

export class DynamoOutbox implements OutboxStore {
  constructor(private readonly table: Table) {}

  async due(before: string, limit: number): Promise<PartnerNotification[]> {
    const rows = await this.table.dueMarkers('NOTIFY', before, limit);
    return this.current(rows.map((row) => ({ pk: String(row.pk), sk: String(row.sk) })));
  }

  /** The notifications of these outbox items that are still waiting (oldest first). */
  async current(itemKeys: TableKey[]): Promise<PartnerNotification[]> {
    const unique = [...new Map(itemKeys.map((key) => [`${key.pk}\n${key.sk}`, key])).values()];
    // Consistent: the stream can report an item a moment before an eventual read would see it.
    const items = await this.table.batchGet(unique, { consistent: true });
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
