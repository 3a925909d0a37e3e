/**
 * The queue contract between intake and the reporter: one message per Digitoll message to send.
 * Messages are pointers (the data lives in the table), versioned, and validated on both sides.
 */
import { z } from 'zod';

const Base = { v: z.literal(1), partnerId: z.string().min(1), manifestId: z.string().min(1) };

export const ReportMessage = z.discriminatedUnion('kind', [
  z.strictObject({ ...Base, kind: z.literal('TRANSPORT') }),
  z.strictObject({ ...Base, kind: z.literal('MASTER') }),
  z.strictObject({ ...Base, kind: z.literal('HOUSE'), shipmentNumber: z.string().min(1) }),
]);
export type ReportMessage = z.infer<typeof ReportMessage>;

/** Identifies what a message asks for; equal keys ask for the same report (the consumer dedups on state). */
export function reportMessageKey(message: ReportMessage): string {
  const base = `${message.partnerId}/${message.manifestId}/${message.kind}`;
  return message.kind === 'HOUSE' ? `${base}/${message.shipmentNumber}` : base;
}
