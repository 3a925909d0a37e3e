/**
 * Ports every use case may share. Each use case declares its own store port next to it, sized to
 * what it does (intake.ts, stalled-intakes.ts, amend.ts, queries.ts, border-queries.ts, reporter.ts,
 * border-sweep.ts, outbox.ts, webhooks.ts); adapters implement them, unit tests use fakes.
 */
import type { ReportMessage } from './report-message.ts';

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  /** Unique, time-ordered, URL-safe. */
  newId(): string;
}

export interface Page<T> {
  items: T[];
  /** Opaque; absent on the last page. */
  cursor?: string;
}

export interface ReportQueue {
  /** Sends every message (in batches), retrying failed entries; throws if some could not be sent. */
  send(messages: ReportMessage[], delaySeconds?: number): Promise<void>;
}

/** Where a report message goes when every attempt failed (alarmed; redrive sends it back). */
export interface DeadLetters {
  send(message: ReportMessage, reason: string): Promise<void>;
}
