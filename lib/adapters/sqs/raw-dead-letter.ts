import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** Dead-letters a message body as received (one that breaks its queue's contract), with the reason. */
export async function deadLetterRaw(
  client: SQSClient,
  queueUrl: string,
  body: string,
  reason: string,
): Promise<void> {
  await client.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: body,
      MessageAttributes: { reason: { DataType: 'String', StringValue: reason.slice(0, 1000) } },
    }),
  );
}
