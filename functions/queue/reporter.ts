/** SQS consumer: reports each message's transport, master or house to Digitoll, one step at a time. */
import { reporterDeps } from '../../lib/compose/reporter.ts';
import { loadReporterConfig } from '../../lib/config.ts';
import { QUEUE_MAX_RECEIVES } from '../../lib/deployment.ts';
import { ReportMessage } from '../../lib/domain/report-message.ts';
import { handleReportMessage, recordUndeliverable } from '../../lib/domain/reporter.ts';
import { count, METRIC } from '../observability.ts';
import { sqsHandler } from './middleware.ts';

const { reporter, deadLetterInvalid } = reporterDeps(loadReporterConfig());

export const handler = sqsHandler({
  schema: ReportMessage,
  handle: async (message) => {
    const outcome = await handleReportMessage(reporter, message);
    if (message.kind === 'HOUSE' && outcome.result === 'accepted') count(METRIC.shipmentsAccepted);
    if (message.kind === 'HOUSE' && outcome.result === 'failed') count(METRIC.shipmentsFailed);
    if (outcome.result === 'requeued' && !message.poll) count(METRIC.digitollRetries);
    return outcome;
  },
  correlation: (message) => ({
    manifestId: message.manifestId,
    report: message.kind,
    ...(message.kind === 'HOUSE' ? { shipmentNumber: message.shipmentNumber } : {}),
    ...(message.poll ? { digitollRequestId: message.poll } : {}),
  }),
  onInvalid: (body, problem) => deadLetterInvalid(body, `invalid message: ${problem}`),
  onLastReceive: (message, error) => recordUndeliverable(reporter, message, error.message),
  maxReceives: QUEUE_MAX_RECEIVES.report,
});
