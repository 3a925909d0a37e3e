/**
 * The queue contract between intake and the reporter: one message per Digitoll message to send.
 * Messages are pointers (the data lives in the table), versioned, and validated on both sides.
 */
import { z } from 'zod';

const Base = {
  v: z.literal(1),
  partnerId: z.string().min(1),
  manifestId: z.string().min(1),
  /** Re-queued attempts so far (0 on the first message). */
  attempt: z.number().int().min(0).optional(),
};
const House = { shipmentNumber: z.string().min(1) };
/** A poll carries the request id it polls, so a poll for a superseded request is dropped. */
const Poll = { poll: z.string().min(1).optional() };

export const ReportMessage = z.discriminatedUnion('kind', [
  z.strictObject({ ...Base, ...Poll, kind: z.literal('TRANSPORT') }),
  z.strictObject({ ...Base, ...Poll, kind: z.literal('MASTER') }),
  z.strictObject({ ...Base, ...Poll, ...House, kind: z.literal('HOUSE') }),
]);
export type ReportMessage = z.infer<typeof ReportMessage>;
export type ReportTarget = ReportMessage['kind'];

/** Identifies what a message asks for; equal keys ask for the same report (the consumer dedups on state). */
export function reportMessageKey(message: ReportMessage): string {
  const base = `${message.partnerId}/${message.manifestId}/${message.kind}`;
  return message.kind === 'HOUSE' ? `${base}/${message.shipmentNumber}` : base;
}
