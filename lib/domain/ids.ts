import { createHash, randomBytes } from 'node:crypto';
import type { Clock, IdGenerator } from './ports.ts';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** Time-ordered ids (48-bit milliseconds + 80 random bits, Crockford base32, lower case). */
export const timeOrderedIds = (clock: Clock): IdGenerator => ({
  newId() {
    let time = clock.now().getTime();
    let head = '';
    for (let i = 0; i < 10; i++) {
      head = (ALPHABET[time % 32] ?? '0') + head;
      time = Math.floor(time / 32);
    }
    const random = randomBytes(16);
    let tail = '';
    for (let i = 0; i < 16; i++) tail += ALPHABET[(random[i] ?? 0) % 32];
    return `${head}${tail}`;
  },
});

export const systemClock: Clock = { now: () => new Date() };

/** Canonical JSON (keys sorted) so equal content hashes equal, whatever the key order or spacing. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('base64url');
}
