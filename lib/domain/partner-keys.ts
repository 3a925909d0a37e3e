/**
 * Partner API keys: shown once, stored only as a SHA-256 hash. A key is 32 random bytes, so a
 * fast hash is enough (no password stretching needed) and lets the authorizer look it up by hash.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';

export const PartnerId = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, {
  message: 'must be 2..63 lower-case letters, digits or hyphens',
});

export const PartnerKeyRecord = z.object({
  partnerId: PartnerId,
  keyHash: z.string(),
  createdAt: z.iso.datetime(),
  revokedAt: z.iso.datetime().optional(),
  label: z.string().optional(),
});
export type PartnerKeyRecord = z.infer<typeof PartnerKeyRecord>;

export interface PartnerKeyStore {
  findByHash(keyHash: string): Promise<PartnerKeyRecord | undefined>;
  put(record: PartnerKeyRecord): Promise<void>;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function newKey(): string {
  return `vb_${randomBytes(32).toString('base64url')}`;
}

/** The partner behind a presented `Authorization` header, or undefined (→ 401). */
export async function authenticate(
  store: PartnerKeyStore,
  authorization: string | undefined,
): Promise<string | undefined> {
  const match = /^Bearer\s+(\S{16,200})\s*$/i.exec(authorization ?? '');
  if (!match?.[1]) return undefined;
  const record = await store.findByHash(hashKey(match[1]));
  return record && !record.revokedAt ? record.partnerId : undefined;
}
