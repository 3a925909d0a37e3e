/**
 * Partner API keys: shown once, stored only as a SHA-256 hash. A key is 32 random bytes, so a
 * fast hash is enough (no password stretching needed) and lets the authorizer look it up by hash.
 *
 * Operators name a key by its key id (the first 12 hex digits of the hash: not secret, and a
 * partner can compute it from its key) or by its prefix (`vb_` and the next 4 characters, what a
 * partner sees at a glance). Revoking sets `revokedAt`; the authorizer refuses revoked keys.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';

export const KEY_ID_LENGTH = 12;
export const KEY_PREFIX_LENGTH = 7;

export const PartnerId = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, {
  message: 'must be 2..63 lower-case letters, digits or hyphens',
});

/**
 * What a key may do. A partner's key submits and reads its own manifests; an operator's key (the
 * carrier's staff, issue #11) reads every partner's data for the console and can change nothing.
 * Records from before roles existed have none: they are partner keys.
 */
export const KeyRole = z.enum(['partner', 'operator']);
export type KeyRole = z.infer<typeof KeyRole>;

/** Who is calling: the partner (or operator) id and the role of the key. */
export interface Principal {
  id: string;
  role: KeyRole;
}

export const PartnerKeyRecord = z.object({
  /** The partner's id; for an operator key, the operator's. */
  partnerId: PartnerId,
  role: KeyRole.optional(),
  keyHash: z.string(),
  createdAt: z.iso.datetime(),
  revokedAt: z.iso.datetime().optional(),
  label: z.string().optional(),
  /** The key's first characters (`vb_AbCd`), recorded at creation; never enough to use it. */
  keyPrefix: z.string().max(KEY_PREFIX_LENGTH).optional(),
});
export type PartnerKeyRecord = z.infer<typeof PartnerKeyRecord>;

export interface PartnerKeyStore {
  findByHash(keyHash: string): Promise<PartnerKeyRecord | undefined>;
  put(record: PartnerKeyRecord): Promise<void>;
}

/** What the operator's tooling needs on top: listing and revoking. */
export interface PartnerKeyAdminStore extends PartnerKeyStore {
  /** Every key of one partner, or of all partners, revoked ones included. */
  list(partnerId?: string): Promise<PartnerKeyRecord[]>;
  /** Sets `revokedAt` (kept if already set); the record as it now is, or undefined if unknown. */
  revoke(keyHash: string, revokedAt: string): Promise<PartnerKeyRecord | undefined>;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function newKey(): string {
  return `vb_${randomBytes(32).toString('base64url')}`;
}

/** The non-secret id operators use for a key: the first 12 hex digits of its SHA-256. */
export function keyIdOf(keyHash: string): string {
  return keyHash.slice(0, KEY_ID_LENGTH);
}

/** `vb_` and the next four characters: enough to tell keys apart, far too little to guess one. */
export function keyPrefixOf(key: string): string {
  return key.slice(0, KEY_PREFIX_LENGTH);
}

/** Why a request is not authenticated: no header, not `Bearer <key>`, or no such (active) key. */
export type AuthenticationRefusal = 'missing' | 'malformed' | 'unknown';

/** The principal behind a presented `Authorization` header, or why there is none (→ 401). */
export async function identify(
  store: PartnerKeyStore,
  authorization: string | undefined,
): Promise<Principal | { refusal: AuthenticationRefusal }> {
  if (!authorization?.trim()) return { refusal: 'missing' };
  const match = /^Bearer\s+(\S{16,200})\s*$/i.exec(authorization);
  if (!match?.[1]) return { refusal: 'malformed' };
  const record = await store.findByHash(hashKey(match[1]));
  return record && !record.revokedAt
    ? { id: record.partnerId, role: roleOf(record) }
    : { refusal: 'unknown' };
}

/** The principal behind a presented `Authorization` header, or undefined (→ 401). */
export async function authenticate(
  store: PartnerKeyStore,
  authorization: string | undefined,
): Promise<Principal | undefined> {
  const outcome = await identify(store, authorization);
  return 'refusal' in outcome ? undefined : outcome;
}

export function roleOf(record: Pick<PartnerKeyRecord, 'role'>): KeyRole {
  return record.role ?? 'partner';
}

/** The partners whose data a principal reads: its own, or, for an operator, every partner's. */
export async function readablePartnerIds(
  principal: Principal,
  store: Pick<PartnerKeyAdminStore, 'list'>,
): Promise<string[]> {
  return principal.role === 'operator' ? knownPartnerIds(store) : [principal.id];
}

/** The partners that have ever had a key (active or revoked): whose data an operator reads. */
export async function knownPartnerIds(store: Pick<PartnerKeyAdminStore, 'list'>): Promise<string[]> {
  const records = await store.list();
  return [
    ...new Set(records.filter((record) => roleOf(record) === 'partner').map((r) => r.partnerId)),
  ].sort();
}

/** A key as an operator sees it: never the key, never the full hash. */
export interface PartnerKeySummary {
  partnerId: string;
  role: KeyRole;
  keyId: string;
  keyPrefix?: string;
  label?: string;
  createdAt: string;
  revokedAt?: string;
  status: 'active' | 'revoked';
}

export function summarize(record: PartnerKeyRecord): PartnerKeySummary {
  return {
    partnerId: record.partnerId,
    role: roleOf(record),
    keyId: keyIdOf(record.keyHash),
    ...(record.keyPrefix ? { keyPrefix: record.keyPrefix } : {}),
    ...(record.label ? { label: record.label } : {}),
    createdAt: record.createdAt,
    ...(record.revokedAt ? { revokedAt: record.revokedAt } : {}),
    status: record.revokedAt ? 'revoked' : 'active',
  };
}

export class PartnerKeyError extends Error {
  override name = 'PartnerKeyError';
}

/** Creates a key for a partner: the key (to hand over once) and what was stored. */
export async function createPartnerKey(
  store: PartnerKeyStore,
  input: { partnerId: string; label?: string; now?: Date; key?: string; role?: KeyRole },
): Promise<{ key: string; summary: PartnerKeySummary }> {
  const partnerId = PartnerId.safeParse(input.partnerId);
  if (!partnerId.success)
    throw new PartnerKeyError(`partnerId "${input.partnerId}" ${partnerId.error.issues[0]?.message}`);
  const key = input.key ?? newKey();
  const record = PartnerKeyRecord.parse({
    partnerId: partnerId.data,
    keyHash: hashKey(key),
    createdAt: (input.now ?? new Date()).toISOString(),
    keyPrefix: keyPrefixOf(key),
    ...(input.role === 'operator' ? { role: 'operator' } : {}),
    ...(input.label ? { label: input.label } : {}),
  });
  await store.put(record);
  return { key, summary: summarize(record) };
}

export async function listPartnerKeys(
  store: PartnerKeyAdminStore,
  partnerId?: string,
): Promise<PartnerKeySummary[]> {
  const records = await store.list(partnerId);
  return records
    .map(summarize)
    .sort((a, b) => a.partnerId.localeCompare(b.partnerId) || a.createdAt.localeCompare(b.createdAt));
}

/**
 * Revokes one key of a partner, named by key id (or a longer prefix of the hash), key prefix
 * (`vb_AbCd`) or the whole key. A name that fits several keys is refused, as is another partner's key.
 * Revoking a revoked key changes nothing (`alreadyRevoked`).
 */
export async function revokePartnerKey(
  store: PartnerKeyAdminStore,
  input: { partnerId: string; key: string; now?: Date },
): Promise<{ summary: PartnerKeySummary; alreadyRevoked: boolean }> {
  const ref = input.key.trim();
  if (ref.length < 6)
    throw new PartnerKeyError('name the key by its key id (12 hex digits) or its prefix (vb_XXXX)');
  const keys = await store.list(input.partnerId);
  const wholeKey = ref.length > KEY_PREFIX_LENGTH + 8 && ref.startsWith('vb_') ? hashKey(ref) : undefined;
  const matches = keys.filter((record) =>
    wholeKey
      ? record.keyHash === wholeKey
      : /^[0-9a-f]+$/.test(ref)
        ? record.keyHash.startsWith(ref)
        : record.keyPrefix === ref,
  );
  if (matches.length === 0) throw new PartnerKeyError(`no key "${ref}" for partner ${input.partnerId}`);
  if (matches.length > 1) {
    const ids = matches.map((record) => keyIdOf(record.keyHash)).join(', ');
    throw new PartnerKeyError(
      `"${ref}" names ${matches.length} keys of ${input.partnerId} (${ids}): use the key id`,
    );
  }
  const [match] = matches as [PartnerKeyRecord];
  if (match.revokedAt) return { summary: summarize(match), alreadyRevoked: true };
  const revoked = await store.revoke(match.keyHash, (input.now ?? new Date()).toISOString());
  if (!revoked) throw new PartnerKeyError(`key ${keyIdOf(match.keyHash)} disappeared while revoking it`);
  return { summary: summarize(revoked), alreadyRevoked: false };
}
