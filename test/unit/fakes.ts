/**
 * Simple in-memory fakes of the ports, for domain unit tests (no I/O).
 */
import type { ChangeStore, WriteOutcome } from '../../lib/domain/amend.ts';
import type { ClaimOutcome, IntakeStore } from '../../lib/domain/intake.ts';
import {
  claimsHouse,
  currentShipment,
  type HeldElsewhere,
  type HouseHolder,
  holdsHouse,
} from '../../lib/domain/one-house.ts';
import type { Clock, IdGenerator, Page, ReportQueue } from '../../lib/domain/ports.ts';
import type { ManifestReads } from '../../lib/domain/queries.ts';
import type {
  IdempotencyRecord,
  ManifestRecord,
  ShipmentEvent,
  ShipmentRecord,
  ShipmentSummary,
} from '../../lib/domain/records.ts';
import type { ReportMessage } from '../../lib/domain/report-message.ts';
import type { StalledIntakeStore } from '../../lib/domain/stalled-intakes.ts';

export class FakeClock implements Clock {
  constructor(public at = new Date('2026-12-01T08:00:00Z')) {}
  now() {
    return this.at;
  }
  advance(ms: number) {
    this.at = new Date(this.at.getTime() + ms);
  }
}

export const sequentialIds = (): IdGenerator => {
  let n = 0;
  return { newId: () => `m${String(++n).padStart(6, '0')}` };
};

export class FakeQueue implements ReportQueue {
  sent: ReportMessage[] = [];
  failAfter = Number.POSITIVE_INFINITY;
  async send(messages: ReportMessage[]) {
    for (const message of messages) {
      if (this.sent.length >= this.failAfter) throw new Error('queue down');
      this.sent.push(message);
    }
  }
}

/** The table as intake, changes, queries and the schedule see it. */
export class FakeRepository implements IntakeStore, StalledIntakeStore, ChangeStore, ManifestReads {
  claims = new Map<string, IdempotencyRecord>();
  manifests = new Map<string, ManifestRecord & { dueAt?: string }>();
  shipments = new Map<string, ShipmentRecord>();
  events: Array<ShipmentEvent & { key: string }> = [];
  failPutShipmentsAfter = Number.POSITIVE_INFINITY;
  /** House claims by carrier and number (lib/domain/one-house.ts), as the registry holds them. */
  houses = new Map<string, HouseHolder>();

  private claimKey = (p: string, r: string) => `${p}/${r}`;
  private shipmentKey = (p: string, m: string, n: string) => `${p}/${m}/${n}`;

  async claimReference(record: IdempotencyRecord, manifest: ManifestRecord): Promise<ClaimOutcome> {
    const existing = this.claims.get(this.claimKey(record.partnerId, record.reference));
    if (existing) return { claimed: false, existing: { ...existing } };
    this.claims.set(this.claimKey(record.partnerId, record.reference), { ...record });
    this.manifests.set(`${manifest.partnerId}/${manifest.manifestId}`, {
      ...manifest,
      dueAt: record.leaseUntil,
    });
    return { claimed: true };
  }
  async takeOverLease(record: IdempotencyRecord, expected: string, leaseUntil: string) {
    const stored = this.claims.get(this.claimKey(record.partnerId, record.reference));
    if (stored?.state !== 'IN_PROGRESS' || stored.leaseUntil !== expected) return false;
    stored.leaseUntil = leaseUntil;
    const manifest = this.manifests.get(`${record.partnerId}/${record.manifestId}`);
    if (manifest) manifest.dueAt = leaseUntil;
    return true;
  }
  async rescheduleStalledIntake(record: Pick<IdempotencyRecord, 'partnerId' | 'manifestId'>, dueAt: string) {
    const manifest = this.manifests.get(`${record.partnerId}/${record.manifestId}`);
    if (manifest?.intake === 'IN_PROGRESS') manifest.dueAt = dueAt;
  }
  async releaseLease(partnerId: string, reference: string, at: string) {
    const stored = this.claims.get(this.claimKey(partnerId, reference));
    if (stored?.state === 'IN_PROGRESS') await this.takeOverLease(stored, stored.leaseUntil, at);
  }
  async completeIntake(
    manifest: ManifestRecord,
    _firstBorderCheckAt: string,
    options: { answerFromStore?: boolean } = {},
  ) {
    const claim = this.claims.get(this.claimKey(manifest.partnerId, manifest.reference));
    if (!claim || claim.manifestId !== manifest.manifestId) throw new Error('condition failed');
    claim.state = 'COMPLETE';
    if (options.answerFromStore) claim.answerFromStore = true;
    const stored = this.manifests.get(`${manifest.partnerId}/${manifest.manifestId}`);
    if (!stored) throw new Error('condition failed');
    stored.intake = 'COMPLETE';
    delete stored.dueAt;
    if (manifest.mixedTransit) stored.mixedTransit = manifest.mixedTransit;
  }
  async getManifest(partnerId: string, manifestId: string) {
    const stored = this.manifests.get(`${partnerId}/${manifestId}`);
    if (!stored) return undefined;
    const { dueAt: _dueAt, ...manifest } = stored;
    return structuredClone(manifest);
  }
  async setMixedTransit(manifest: ManifestRecord) {
    const stored = this.manifests.get(`${manifest.partnerId}/${manifest.manifestId}`);
    if (stored && !stored.mixedTransit && manifest.mixedTransit) stored.mixedTransit = manifest.mixedTransit;
  }
  async putShipments(shipments: ShipmentRecord[]) {
    for (const shipment of shipments) {
      if (this.shipments.size >= this.failPutShipmentsAfter) throw new Error('table down');
      this.shipments.set(
        this.shipmentKey(shipment.partnerId, shipment.manifestId, shipment.shipmentNumber),
        structuredClone(shipment),
      );
    }
  }
  private houseKey = (manifest: ManifestRecord, number: string) =>
    `${manifest.transport.carrier.id}/${number}`;
  /** The other shipment holding this number's house key, if it still holds a house. */
  private liveHolder(manifest: ManifestRecord, number: string): HouseHolder | undefined {
    const holder = this.houses.get(this.houseKey(manifest, number));
    if (!holder || (holder.partnerId === manifest.partnerId && holder.manifestId === manifest.manifestId)) {
      return undefined;
    }
    const shipment = this.shipments.get(this.shipmentKey(holder.partnerId, holder.manifestId, number));
    return shipment && holdsHouse(shipment) ? holder : undefined;
  }
  async storeShipments(manifest: ManifestRecord, shipments: ShipmentRecord[]): Promise<HeldElsewhere[]> {
    const held: HeldElsewhere[] = [];
    const stored: ShipmentRecord[] = [];
    for (const record of shipments) {
      const holder = claimsHouse(record) ? this.liveHolder(manifest, record.shipmentNumber) : undefined;
      if (holder) {
        held.push({ shipmentNumber: record.shipmentNumber, holder });
        continue;
      }
      if (claimsHouse(record)) {
        this.houses.set(this.houseKey(manifest, record.shipmentNumber), {
          partnerId: record.partnerId,
          manifestId: record.manifestId,
        });
      }
      stored.push(record);
    }
    await this.putShipments(stored);
    return held;
  }
  async heldElsewhere(manifest: ManifestRecord, numbers: string[]): Promise<HeldElsewhere[]> {
    return numbers.flatMap((shipmentNumber) => {
      const holder = this.liveHolder(manifest, shipmentNumber);
      return holder ? [{ shipmentNumber, holder }] : [];
    });
  }
  async replaceClaimingHouse(
    previous: ShipmentRecord,
    next: ShipmentRecord,
    event: ShipmentEvent,
    manifest: ManifestRecord,
  ): Promise<WriteOutcome | HeldElsewhere> {
    const key = this.shipmentKey(previous.partnerId, previous.manifestId, previous.shipmentNumber);
    if (this.shipments.get(key)?.version !== previous.version) return 'changed-meanwhile';
    const holder = this.liveHolder(manifest, next.shipmentNumber);
    if (holder) return { shipmentNumber: next.shipmentNumber, holder };
    this.houses.set(this.houseKey(manifest, next.shipmentNumber), {
      partnerId: next.partnerId,
      manifestId: next.manifestId,
    });
    return this.replaceShipment(previous, next, event);
  }
  async getShipments(partnerId: string, manifestId: string, numbers: string[]) {
    return numbers.flatMap((n) => {
      const found = this.shipments.get(this.shipmentKey(partnerId, manifestId, n));
      return found ? [structuredClone(found)] : [];
    });
  }
  async currentShipment(partnerId: string, shipmentNumber: string) {
    return (await this.shipmentHistory(partnerId, shipmentNumber))?.shipment;
  }
  async shipmentHistory(partnerId: string, shipmentNumber: string) {
    const all = [...this.shipments.values()]
      .filter((s) => s.partnerId === partnerId && s.shipmentNumber === shipmentNumber)
      .sort((a, b) => (a.manifestId < b.manifestId ? 1 : -1));
    const found = currentShipment(all);
    if (!found) return undefined;
    const { current: shipment, others } = found;
    return {
      shipment: structuredClone(shipment),
      events: [],
      otherManifestIds: others.map((o) => o.manifestId),
    };
  }
  async shipmentOnManifest(partnerId: string, manifestId: string, shipmentNumber: string) {
    const all = [...this.shipments.values()].filter(
      (s) => s.partnerId === partnerId && s.shipmentNumber === shipmentNumber,
    );
    const shipment = all.find((s) => s.manifestId === manifestId);
    if (!shipment) return undefined;
    return {
      shipment: structuredClone(shipment),
      events: [],
      otherManifestIds: all.filter((s) => s !== shipment).map((o) => o.manifestId),
    };
  }
  async listShipments(partnerId: string, manifestId: string): Promise<Page<ShipmentRecord>> {
    return {
      items: [...this.shipments.values()].filter(
        (s) => s.partnerId === partnerId && s.manifestId === manifestId,
      ),
    };
  }
  async summarizeShipments(manifestId: string): Promise<ShipmentSummary[]> {
    return [...this.shipments.values()]
      .filter((s) => s.manifestId === manifestId)
      .map((s) => ({
        shipmentNumber: s.shipmentNumber,
        status: s.status,
        flagCodes: s.flags.map((f) => f.code),
      }));
  }
  async stalledIntakes(before: string, limit: number) {
    return [...this.manifests.values()]
      .filter((m) => m.intake === 'IN_PROGRESS' && m.dueAt !== undefined && m.dueAt <= before)
      .slice(0, limit)
      .map((m) => ({ partnerId: m.partnerId, reference: m.reference }));
  }
  async replaceShipment(
    previous: ShipmentRecord,
    next: ShipmentRecord,
    event: ShipmentEvent,
  ): Promise<WriteOutcome> {
    const key = this.shipmentKey(previous.partnerId, previous.manifestId, previous.shipmentNumber);
    if (this.shipments.get(key)?.version !== previous.version) return 'changed-meanwhile';
    this.shipments.set(key, structuredClone(next));
    this.events.push({ ...event, key });
    return 'saved';
  }
  async replaceTransport(
    previous: ManifestRecord,
    next: ManifestRecord,
    event: ShipmentEvent,
    _borderCheckAt: string,
  ): Promise<WriteOutcome> {
    const stored = this.manifests.get(`${previous.partnerId}/${previous.manifestId}`);
    if (!stored || (stored.transportRevision ?? 0) !== (previous.transportRevision ?? 0)) {
      return 'changed-meanwhile';
    }
    stored.transport = structuredClone(next.transport);
    stored.transportRevision = (previous.transportRevision ?? 0) + 1;
    this.events.push({ ...event, key: `${previous.partnerId}/${previous.manifestId}` });
    return 'saved';
  }
  async getIdempotency(partnerId: string, reference: string) {
    const found = this.claims.get(this.claimKey(partnerId, reference));
    return found ? { ...found } : undefined;
  }
}
