/**
 * The scheduled border function: completing stalled intakes (intake store, report queue), the
 * border sweep (sweep store, NCTS gateway) and draining the outbox (outbox, webhook list,
 * notification queue). One DynamoDB and one SQS client.
 */
import { DynamoBorderStore } from '../adapters/dynamodb/border-store.ts';
import { DynamoIntakeStore } from '../adapters/dynamodb/intake-store.ts';
import { RecordingNctsGateway } from '../adapters/dynamodb/ncts-gateway.ts';
import { DynamoOutbox } from '../adapters/dynamodb/outbox.ts';
import { DynamoWebhookStore } from '../adapters/dynamodb/webhook-store.ts';
import { SqsNotificationQueue } from '../adapters/sqs/notification-queue.ts';
import { SqsReportQueue } from '../adapters/sqs/report-queue.ts';
import type { Config } from '../config.ts';
import { ENV, OUTBOX_SCHEDULE_GRACE_SECONDS } from '../deployment.ts';
import { DEFAULT_SWEEP_SETTINGS, type SweepDeps } from '../domain/border-sweep.ts';
import { systemClock } from '../domain/ids.ts';
import type { OutboxDeps } from '../domain/outbox.ts';
import type { StalledIntakeDeps } from '../domain/stalled-intakes.ts';
import { required, sqsClient, table } from './aws.ts';

export function borderSweepDeps(config: Config): {
  stalledIntakes: StalledIntakeDeps;
  sweep: SweepDeps;
  outbox: OutboxDeps;
} {
  const shared = table(config);
  const sqs = sqsClient(config);
  return {
    stalledIntakes: {
      store: new DynamoIntakeStore(shared, systemClock),
      queue: new SqsReportQueue(sqs, config.REPORT_QUEUE_URL, undefined, config.IO_CONCURRENCY),
      clock: systemClock,
    },
    sweep: {
      store: new DynamoBorderStore(shared),
      ncts: new RecordingNctsGateway(shared),
      clock: systemClock,
      settings: {
        ...DEFAULT_SWEEP_SETTINGS,
        recheckMs: config.SWEEP_RECHECK_MINUTES * 60_000,
        concurrency: config.IO_CONCURRENCY,
      },
    },
    outbox: {
      outbox: new DynamoOutbox(shared),
      webhooks: new DynamoWebhookStore(shared),
      queue: new SqsNotificationQueue(
        sqs,
        required(config.NOTIFICATION_QUEUE_URL, ENV.notificationQueueUrl),
        required(config.NOTIFICATION_DLQ_URL, ENV.notificationDlqUrl),
        config.IO_CONCURRENCY,
      ),
      clock: systemClock,
      // The table's stream hands fresh notifications over; the schedule takes the stragglers.
      settings: { graceSeconds: OUTBOX_SCHEDULE_GRACE_SECONDS },
    },
  };
}
