/** The intake function (POST /v1/manifests, POST …/shipments): the intake store and the report queue. */
import { DynamoIntakeStore } from '../adapters/dynamodb/intake-store.ts';
import { SqsReportQueue } from '../adapters/sqs/report-queue.ts';
import type { Config } from '../config.ts';
import { systemClock, timeOrderedIds } from '../domain/ids.ts';
import type { IntakeDeps } from '../domain/intake.ts';
import { sqsClient, table } from './aws.ts';

export function intakeDeps(config: Config): IntakeDeps {
  return {
    store: new DynamoIntakeStore(table(config), systemClock),
    queue: new SqsReportQueue(sqsClient(config), config.REPORT_QUEUE_URL, undefined, config.IO_CONCURRENCY),
    clock: systemClock,
    ids: timeOrderedIds(systemClock),
  };
}
