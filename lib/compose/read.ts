/** The read function (GETs of the board, manifests, shipments, alerts, TVINN drafts, transits, statements): reads only. */
import { DynamoBoardReads } from '../adapters/dynamodb/board-reads.ts';
import { DynamoBorderReads } from '../adapters/dynamodb/border-store.ts';
import { DynamoManifestReads } from '../adapters/dynamodb/manifest-reads.ts';
import { DynamoPartnerKeyStore } from '../adapters/dynamodb/partner-key-store.ts';
import { DynamoStatementReads } from '../adapters/dynamodb/statement-reads.ts';
import type { Config } from '../config.ts';
import type { BoardReads, ManifestDirectory } from '../domain/board.ts';
import type { BorderReads } from '../domain/border-queries.ts';
import { systemClock } from '../domain/ids.ts';
import type { PartnerKeyAdminStore } from '../domain/partner-keys.ts';
import type { Clock } from '../domain/ports.ts';
import type { ManifestReads } from '../domain/queries.ts';
import type { StatementReads } from '../domain/voec-statement.ts';
import { table } from './aws.ts';

export function readDeps(config: Config): {
  manifests: ManifestReads;
  /** The border board, and whose manifest an id is (operators open any partner's). */
  board: BoardReads & ManifestDirectory;
  border: BorderReads;
  statements: StatementReads;
  /** Who the partners are, for an operator's carrier-wide reads. */
  partners: Pick<PartnerKeyAdminStore, 'list'>;
  clock: Clock;
} {
  const shared = table(config);
  return {
    manifests: new DynamoManifestReads(shared),
    board: new DynamoBoardReads(shared),
    border: new DynamoBorderReads(shared),
    statements: new DynamoStatementReads(shared),
    partners: new DynamoPartnerKeyStore(shared.client, shared.name),
    clock: systemClock,
  };
}
