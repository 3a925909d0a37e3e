import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { PartnerKeyRecord, type PartnerKeyStore } from '../../domain/partner-keys.ts';
import { keys } from './table-design.ts';

export class DynamoPartnerKeyStore implements PartnerKeyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async findByHash(keyHash: string): Promise<PartnerKeyRecord | undefined> {
    const { Item: item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.partnerKey(keyHash) }),
    );
    return item ? PartnerKeyRecord.parse(item) : undefined;
  }

  async put(record: PartnerKeyRecord): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.partnerKey(record.keyHash), kind: 'PARTNER_KEY', ...PartnerKeyRecord.parse(record) },
      }),
    );
  }
}
