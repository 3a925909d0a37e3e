/**
 * The house-claim registry (lib/domain/one-house.ts): one item per Digitoll house key (carrier,
 * waybill type, number), naming the shipment that holds it. A shipment to be reported is written
 * only in a transaction that also writes its claim, conditional on the claim being free or its own,
 * so two manifests racing for one number cannot both store a shipment to report: one transaction
 * fails its condition and its shipment is refused (or, when the holder no longer holds a house,
 * takes the claim over, conditional on the holder being unchanged and still the holder).
 *
 * Cost: a claiming shipment is written in a transaction with its claim (two items, each at the
 * transactional price of two writes), in transactions of up to 50 shipments, bounded in parallel
 * (`mapBounded`). Reads happen only for the numbers whose claim failed.
 */
import { DEFAULT_IO_CONCURRENCY, mapBounded } from '../../concurrency.ts';
import { type HeldElsewhere, type HouseHolder, holdsHouse } from '../../domain/one-house.ts';
import { type ManifestRecord, ShipmentRecord } from '../../domain/records.ts';
import { houseWaybillKey } from '../digitoll/road-v2/mapping.ts';
import { shipmentItem } from './items.ts';
import type { Item, Table, TransactItems } from './table.ts';
import { keys, type TableKey } from './table-design.ts';

/** TransactWriteItems takes 100 items: 50 shipments with their claims. */
const SHIPMENTS_PER_TRANSACTION = 50;
/** ... and 4 MB: stay well below it whatever the shipments weigh. */
const TRANSACTION_BYTES = 3_000_000;
/** Parallel transactions of one intake: as many as any bulk stage keeps in flight. */
const TRANSACTION_CONCURRENCY = DEFAULT_IO_CONCURRENCY;
/** Rounds of one transaction (each settles at least one failed claim, or waits out a conflict). */
const MAX_ROUNDS = SHIPMENTS_PER_TRANSACTION + 10;

type TransactItem = TransactItems[number];

/** The holder of a claim (another shipment than the claimant) and whether it still holds a house. */
interface Holder {
  holder: HouseHolder;
  live: boolean;
  /** The holder shipment's version (absent: it is gone, e.g. expired). */
  version?: number;
}

export class HouseClaims {
  constructor(private readonly table: Table) {}

  key(manifest: ManifestRecord, shipmentNumber: string): TableKey {
    const waybill = houseWaybillKey(manifest, shipmentNumber);
    return keys.houseClaim(waybill.carrierId, waybill.type, waybill.documentNumber);
  }

  private claimItem(manifest: ManifestRecord, record: ShipmentRecord): Item {
    return {
      ...this.key(manifest, record.shipmentNumber),
      kind: 'HOUSE_CLAIM',
      partnerId: record.partnerId,
      manifestId: record.manifestId,
      shipmentNumber: record.shipmentNumber,
      claimedAt: record.updatedAt,
      ...this.table.ttl(record.estimatedArrival),
    };
  }

  /** The claim of `record`'s house key, written only if it is free or already this shipment's. */
  claim(manifest: ManifestRecord, record: ShipmentRecord): TransactItem {
    return {
      Put: {
        TableName: this.table.name,
        Item: this.claimItem(manifest, record),
        ConditionExpression: 'attribute_not_exists(pk) OR (partnerId = :partner AND manifestId = :manifest)',
        ExpressionAttributeValues: { ':partner': record.partnerId, ':manifest': record.manifestId },
      },
    };
  }

  private putShipment(record: ShipmentRecord): TransactItem {
    return { Put: { TableName: this.table.name, Item: shipmentItem(this.table, record) } };
  }

  /**
   * Who holds these numbers' house keys, where it is another shipment than `manifest`'s own, and
   * whether that shipment still holds a house at Digitoll (consistent reads).
   */
  async holders(manifest: ManifestRecord, shipmentNumbers: readonly string[]): Promise<Map<string, Holder>> {
    const claims = (
      await this.table.batchGet(
        [...new Set(shipmentNumbers)].map((number) => this.key(manifest, number)),
        { consistent: true },
      )
    ).filter(
      (claim) => !(claim.partnerId === manifest.partnerId && claim.manifestId === manifest.manifestId),
    );
    const holderKey = (claim: Item) =>
      keys.shipment(String(claim.partnerId), String(claim.shipmentNumber), String(claim.manifestId));
    const shipments = new Map(
      (await this.table.batchGet(claims.map(holderKey), { consistent: true })).map((item) => {
        const shipment = ShipmentRecord.parse(item);
        return [`${shipment.partnerId}/${shipment.manifestId}/${shipment.shipmentNumber}`, shipment];
      }),
    );
    const found = new Map<string, Holder>();
    for (const claim of claims) {
      const holder = { partnerId: String(claim.partnerId), manifestId: String(claim.manifestId) };
      const shipment = shipments.get(
        `${holder.partnerId}/${holder.manifestId}/${String(claim.shipmentNumber)}`,
      );
      found.set(String(claim.shipmentNumber), {
        holder,
        live: shipment ? holdsHouse(shipment) : false,
        ...(shipment ? { version: shipment.version } : {}),
      });
    }
    return found;
  }

  /** Of these numbers, those another manifest's live shipment holds. */
  async heldElsewhere(
    manifest: ManifestRecord,
    shipmentNumbers: readonly string[],
  ): Promise<HeldElsewhere[]> {
    if (shipmentNumbers.length === 0) return [];
    return [...(await this.holders(manifest, shipmentNumbers))]
      .filter(([, found]) => found.live)
      .map(([shipmentNumber, found]) => ({ shipmentNumber, holder: found.holder }));
  }

  /**
   * Takes over the claim of a holder that no longer holds a house, with `items` (the claimant's
   * writes), if the holder is unchanged (so not revived by an amendment) and still holds the claim.
   * False if either changed meanwhile (or the transaction met another): the caller looks again.
   */
  async takeOver(
    manifest: ManifestRecord,
    record: ShipmentRecord,
    found: Holder,
    items: TransactItem[],
  ): Promise<boolean> {
    const holderKey = keys.shipment(found.holder.partnerId, record.shipmentNumber, found.holder.manifestId);
    const result = await this.table.transactEach([
      {
        ConditionCheck: {
          TableName: this.table.name,
          Key: holderKey,
          ...(found.version === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: 'version = :version',
                ExpressionAttributeValues: { ':version': found.version },
              }),
        },
      },
      {
        Put: {
          TableName: this.table.name,
          Item: this.claimItem(manifest, record),
          ConditionExpression: 'partnerId = :partner AND manifestId = :manifest',
          ExpressionAttributeValues: {
            ':partner': found.holder.partnerId,
            ':manifest': found.holder.manifestId,
          },
        },
      },
      ...items,
    ]);
    return result.outcome === 'done';
  }

  /**
   * Writes shipments that are to be reported, each with its claim; returns those whose key another
   * live shipment holds (not written).
   */
  async storeClaiming(
    manifest: ManifestRecord,
    records: readonly ShipmentRecord[],
  ): Promise<HeldElsewhere[]> {
    const held = await mapBounded(chunks(records, this.table), TRANSACTION_CONCURRENCY, (chunk) =>
      this.storeChunk(manifest, chunk),
    );
    return held.flat();
  }

  private async storeChunk(manifest: ManifestRecord, chunk: ShipmentRecord[]): Promise<HeldElsewhere[]> {
    const held: HeldElsewhere[] = [];
    let pending = chunk;
    for (let round = 1; pending.length > 0; round++) {
      if (round > MAX_ROUNDS) throw new Error(`House claims of ${pending.length} shipment(s) did not settle`);
      const result = await this.table.transactEach(
        pending.flatMap((record) => [this.putShipment(record), this.claim(manifest, record)]),
      );
      if (result.outcome === 'done') return held;
      if (result.outcome === 'conflicted') {
        await this.table.backoff(Math.min(round, 6));
        continue;
      }
      const failed = [...new Set(result.failed.map((index) => pending[Math.floor(index / 2)]))].filter(
        (record): record is ShipmentRecord => record !== undefined,
      );
      const holders = await this.holders(
        manifest,
        failed.map((record) => record.shipmentNumber),
      );
      const settled = new Set<string>();
      for (const record of failed) {
        const found = holders.get(record.shipmentNumber);
        // Released meanwhile (or claimed by this very shipment): the next round claims it.
        if (!found) continue;
        if (found.live) {
          held.push({ shipmentNumber: record.shipmentNumber, holder: found.holder });
          settled.add(record.shipmentNumber);
        } else if (await this.takeOver(manifest, record, found, [this.putShipment(record)])) {
          settled.add(record.shipmentNumber);
        }
      }
      pending = pending.filter((record) => !settled.has(record.shipmentNumber));
    }
    return held;
  }
}

/** Transactions of at most 50 shipments and ~3 MB. */
function chunks(records: readonly ShipmentRecord[], table: Table): ShipmentRecord[][] {
  const out: ShipmentRecord[][] = [];
  let current: ShipmentRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = JSON.stringify(shipmentItem(table, record)).length + 512;
    if (
      current.length > 0 &&
      (current.length >= SHIPMENTS_PER_TRANSACTION || bytes + size > TRANSACTION_BYTES)
    ) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(record);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}
