import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';

/**
 * Whether a write failed only because its condition did not hold (someone else changed the item
 * first), as opposed to a conflict, throttling or an outage, which must be retried or thrown.
 */
export function isConditionFailure(error: unknown): boolean {
  if (error instanceof TransactionCanceledException) {
    return error.CancellationReasons?.some((reason) => reason.Code === 'ConditionalCheckFailed') ?? false;
  }
  return (error as Error | undefined)?.name === 'ConditionalCheckFailedException';
}
