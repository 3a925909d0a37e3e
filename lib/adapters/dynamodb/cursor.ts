/** Opaque pagination cursors: base64url JSON, validated when they come back. */
import { z } from 'zod';
import { InvalidInput } from '../../domain/errors.ts';

const Cursor = z.object({
  shard: z.number().int().min(0),
  key: z.record(z.string(), z.string()).optional(),
});
export type Cursor = z.infer<typeof Cursor>;

export function encodeCursor(cursor: { shard: number; key: Record<string, unknown> | undefined }): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(value: string): { shard: number; key: Record<string, unknown> | undefined } {
  try {
    const cursor = Cursor.parse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
    return { shard: cursor.shard, key: cursor.key };
  } catch {
    throw invalidCursor();
  }
}

export const invalidCursor = () =>
  new InvalidInput([
    { path: '/cursor', code: 'invalid_cursor', message: 'is not a cursor this API returned' },
  ]);
