/**
 * The house-claim registry (lib/domain/one-house.ts): one item per Digitoll house key (carrier,
 * waybill type, number), naming the shipment that holds it. A shipment to be reported is stored
 * only once it holds its claim: intake writes a transaction of 75 claims, each conditional on being
 * free or already this shipment's, with 25 of those shipments riding along, and then (only then)
 * the chunk's other shipments, with BatchWriteItem. Two manifests racing for one number cannot both store a
 * shipment to report: one transaction fails its condition and its shipment is refused (or, when
 * the holder no longer holds a house, takes the claim over, conditional on the holder being
 * unchanged and still the holder, the claim unrenewed, and in the same transaction as the shipment).
 * Between the claims and their shipments (or after a crash there) a claim names a shipment not yet
 * stored: it is held for CLAIM_LEASE_MS, longer than any invocation (`claimHeld`), and renewed by
 * the claimant's retry, which writes the same claims again (its own) before the same shipments.
 *
 * Why claims first and most shipments apart, rather than each shipment in a transaction with its
 * claim (as before, 50 + 50): measured against DynamoDB Local (figures in the commits that made the
 * change), a transactional item cost the same whatever its size, and transactions do not run in
 * parallel there, so 10,000 shipments + 10,000 claims took ~14 s whatever the concurrency; claims
 * alone take half of it, and batch writes do run in parallel. 25 shipments ride in each claims
 * transaction only to keep the request count at 40 per 1,000 shipments (100 claims and every
 * shipment batched would make 50). In AWS two shipments in three then cost one write instead of two
 * (transactional writes are billed twice); the claims are small.
 * The order is the guarantee: a shipment to be reported is never stored without its held claim.
 *
 * Cost: per 75 shipments to report, one TransactWriteItems (75 claims + 25 shipments) and two
 * BatchWriteItem (50 shipments), chunks bounded in parallel (`mapBounded`). Reads happen only for
 * the numbers whose claim failed.
 */
import { DEFAULT_IO_CONCURRENCY, mapBounded } from '../../concurrency.ts';
import { systemClock } from '../../domain/ids.ts';
import { claimHeld, type HeldElsewhere, type HouseHolder } from '../../domain/one-house.ts';
import type { Clock } from '../../domain/ports.ts';
import { type ManifestRecord, ShipmentRecord } from '../../domain/records.ts';
import { houseWaybillKey } from '../digitoll/road-v2/mapping.ts';
import { shipmentItem } from './items.ts';
import { chunks, type Item, type Table, type TransactItems } from './table.ts';
import { keys, type TableKey } from './table-design.ts';

/**
 * A chunk: its 75 claims and (up to) 25 of its shipments fill one TransactWriteItems (100 items);
 * its other 50 shipments follow in two BatchWriteItem of 25. Three requests per 75 shipments, 40 per
 * 1,000 (the bench's target is 42); 100 claims a transaction and every shipment batched would take
 * 50 per 1,000. Shipments in the transaction are stored with their claims, the rest right after.
 */
export const CLAIMS_PER_TRANSACTION = 75;
/** TransactWriteItems takes 100 items: the chunk's claims and up to this many of its shipments. */
const SHIPMENTS_IN_TRANSACTION = 100 - CLAIMS_PER_TRANSACTION;
/** ... and 4 MB: the shipments ride along only while they stay well below it (claims are small). */
const TRANSACTION_SHIPMENT_BYTES = 2_000_000;
/** Parallel claim transactions of one intake: as many as any bulk stage keeps in flight. */
export const TRANSACTION_CONCURRENCY = DEFAULT_IO_CONCURRENCY;
/** Rounds of one transaction (each settles at least one failed claim, or waits out a conflict). */
const MAX_ROUNDS = CLAIMS_PER_TRANSACTION + 10;

type TransactItem = TransactItems[number];

/** The holder of a claim (another shipment than the claimant) and whether it still holds a house. */
interface Holder {
  holder: HouseHolder;
  live: boolean;
  /** The holder shipment's version (absent: it is not stored, not yet or no longer). */
  version?: number;
  /** When the claim was written, as read: a takeover requires it unchanged (not renewed). */
  claimedAt?: string;
}

export class HouseClaims {
  /** `clock` dates the claims (`claimedAt`, renewed on each write) and judges their lease. */
  constructor(
    private readonly table: Table,
    private readonly clock: Clock = systemClock,
  ) {}

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
      // The time of this write, not the shipment's: a retry renews the lease of its claims.
      claimedAt: this.clock.now().toISOString(),
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
    const now = this.clock.now();
    for (const claim of claims) {
      const holder = { partnerId: String(claim.partnerId), manifestId: String(claim.manifestId) };
      const shipment = shipments.get(
        `${holder.partnerId}/${holder.manifestId}/${String(claim.shipmentNumber)}`,
      );
      const claimedAt = typeof claim.claimedAt === 'string' ? claim.claimedAt : undefined;
      found.set(String(claim.shipmentNumber), {
        holder,
        live: claimHeld(shipment, claimedAt, now),
        ...(shipment ? { version: shipment.version } : {}),
        ...(claimedAt ? { claimedAt } : {}),
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
   * writes), if the holder is unchanged (so not revived by an amendment, nor stored meanwhile) and
   * still holds the claim as read (same `claimedAt`: not renewed by its claimant's retry).
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
          ConditionExpression:
            found.claimedAt === undefined
              ? 'partnerId = :partner AND manifestId = :manifest AND attribute_not_exists(claimedAt)'
              : 'partnerId = :partner AND manifestId = :manifest AND claimedAt = :claimedAt',
          ExpressionAttributeValues: {
            ':partner': found.holder.partnerId,
            ':manifest': found.holder.manifestId,
            ...(found.claimedAt === undefined ? {} : { ':claimedAt': found.claimedAt }),
          },
        },
      },
      ...items,
    ]);
    return result.outcome === 'done';
  }

  /**
   * Writes shipments that are to be reported, each once it holds its claim; returns those whose key
   * another live shipment holds (not written).
   */
  async storeClaiming(
    manifest: ManifestRecord,
    records: readonly ShipmentRecord[],
  ): Promise<HeldElsewhere[]> {
    const held = await mapBounded(chunks(records, CLAIMS_PER_TRANSACTION), TRANSACTION_CONCURRENCY, (chunk) =>
      this.storeChunk(manifest, chunk),
    );
    return held.flat();
  }

  /**
   * Claims then stores one chunk: the claims in one transaction with the first of its shipments,
   * then the shipments not written yet, now that they hold their claims.
   */
  private async storeChunk(manifest: ManifestRecord, chunk: ShipmentRecord[]): Promise<HeldElsewhere[]> {
    const held: HeldElsewhere[] = [];
    /** Settled without a batch write: refused (held elsewhere), or stored with its claim. */
    const settled = new Set<string>();
    let pending = chunk;
    for (let round = 1; pending.length > 0; round++) {
      if (round > MAX_ROUNDS) throw new Error(`House claims of ${pending.length} shipment(s) did not settle`);
      const riding = this.ridingAlong(pending);
      // Claims first (their indexes are `pending`'s), then the riding shipments (no conditions).
      const result = await this.table.transactEach([
        ...pending.map((record) => this.claim(manifest, record)),
        ...riding.map((record) => this.putShipment(record)),
      ]);
      if (result.outcome === 'done') {
        for (const record of riding) settled.add(record.shipmentNumber);
        break;
      }
      if (result.outcome === 'conflicted') {
        await this.table.backoff(Math.min(round, 6));
        continue;
      }
      const failed = [...new Set(result.failed.map((index) => pending[index]))].filter(
        (record): record is ShipmentRecord => record !== undefined,
      );
      const holders = await this.holders(
        manifest,
        failed.map((record) => record.shipmentNumber),
      );
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
    // Every claim of the rest is held now (the last round's transaction): their shipments may be stored.
    await this.table.batchWrite(
      chunk
        .filter((record) => !settled.has(record.shipmentNumber))
        .map((record) => ({ PutRequest: { Item: shipmentItem(this.table, record) } })),
    );
    return held;
  }

  /** The first shipments of `pending` that fit in its claims' transaction (count and bytes). */
  private ridingAlong(pending: readonly ShipmentRecord[]): ShipmentRecord[] {
    const riding: ShipmentRecord[] = [];
    let bytes = 0;
    for (const record of pending.slice(0, SHIPMENTS_IN_TRANSACTION)) {
      // Sized only for these (a quarter of the shipments): JSON length ≥ DynamoDB's item size, near enough.
      bytes += JSON.stringify(shipmentItem(this.table, record)).length;
      if (bytes > TRANSACTION_SHIPMENT_BYTES) break;
      riding.push(record);
    }
    return riding;
  }
}
