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

/** A board cursor: which board (crossed or not) and the last transport of the page before. */
const BoardCursor = z.strictObject({
  crossed: z.boolean(),
  estimatedArrival: z.iso.datetime(),
  manifestId: z.string().regex(/^[0-9A-Za-z-]{1,64}$/),
});

export function encodeBoardCursor(cursor: z.infer<typeof BoardCursor>): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/** The position a board cursor names; a cursor of the other board (crossed or not) is refused too. */
export function decodeBoardCursor(
  value: string,
  crossed: boolean,
): { estimatedArrival: string; manifestId: string } {
  let cursor: z.infer<typeof BoardCursor>;
  try {
    cursor = BoardCursor.parse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
  } catch {
    throw invalidCursor();
  }
  if (cursor.crossed !== crossed) throw invalidCursor();
  return { estimatedArrival: cursor.estimatedArrival, manifestId: cursor.manifestId };
}
