/**
 * Partner keys in the table. The authorizer reads one item by hash (`keys.partnerKey`). For the
 * operator's tooling each key also has a listing item in one small partition
 * (`keys.partnerKeyListing`), so listing is a Query, never a Scan; both items are written together
 * in a transaction.
 */
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { keyIdOf, type PartnerKeyAdminStore, PartnerKeyRecord } from '../../domain/partner-keys.ts';
import { Table } from './table.ts';
import { keys } from './table-design.ts';

/** The listing item of a key (a few per partner in one small partition, read only by operators). */
const partnerKeyListing = (partnerId: string, keyHash: string) =>
  keys.partnerKeyListing(partnerId, keyIdOf(keyHash));

export class DynamoPartnerKeyStore implements PartnerKeyAdminStore {
  private readonly table: Table;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.table = new Table({ client, tableName });
  }

  async findByHash(keyHash: string): Promise<PartnerKeyRecord | undefined> {
    const { Item: item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.partnerKey(keyHash) }),
    );
    return item ? PartnerKeyRecord.parse(item) : undefined;
  }

  async put(record: PartnerKeyRecord): Promise<void> {
    const parsed = PartnerKeyRecord.parse(record);
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: { ...keys.partnerKey(parsed.keyHash), kind: 'PARTNER_KEY', ...parsed },
            },
          },
          {
            Put: {
              TableName: this.tableName,
              Item: {
                ...partnerKeyListing(parsed.partnerId, parsed.keyHash),
                kind: 'PARTNER_KEY_LISTING',
                ...parsed,
              },
            },
          },
        ],
      }),
    );
  }

  async list(partnerId?: string): Promise<PartnerKeyRecord[]> {
    const listing = keys.partnerKeyListings(partnerId);
    const items = await this.table.queryAll({
      KeyConditionExpression: listing.skPrefix ? 'pk = :pk AND begins_with(sk, :partner)' : 'pk = :pk',
      ExpressionAttributeValues: {
        ':pk': listing.pk,
        ...(listing.skPrefix ? { ':partner': listing.skPrefix } : {}),
      },
    });
    return items.map((item) => PartnerKeyRecord.parse(item));
  }

  async revoke(keyHash: string, revokedAt: string): Promise<PartnerKeyRecord | undefined> {
    const current = await this.findByHash(keyHash);
    if (!current) return undefined;
    const record = PartnerKeyRecord.parse({ ...current, revokedAt: current.revokedAt ?? revokedAt });
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            // The item the authorizer reads: revoked from this write on (plus its 5-minute cache).
            Update: {
              TableName: this.tableName,
              Key: keys.partnerKey(keyHash),
              UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':at': record.revokedAt },
            },
          },
          {
            Put: {
              TableName: this.tableName,
              Item: {
                ...partnerKeyListing(record.partnerId, keyHash),
                kind: 'PARTNER_KEY_LISTING',
                ...record,
              },
            },
          },
        ],
      }),
    );
    return record;
  }
}
