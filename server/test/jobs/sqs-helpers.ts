// ElasticMQ for the tests: the shared fixture (or TEST_SQS_ENDPOINT), plus a FIFO queue
// with its dead-letter queue created per test through the real AWS SDK client.
import { randomBytes } from "node:crypto";
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";

import { type ElasticMqService, startElasticMq } from "../fixtures/java-services.js";

export type Broker = ElasticMqService;

/** The shared ElasticMQ fixture: reuses TEST_SQS_ENDPOINT, else starts a private one. */
export const startBroker = (): Promise<Broker> => startElasticMq();

export const TEST_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };

export function sqsClient(endpoint: string): SQSClient {
  return new SQSClient({ region: "us-east-1", endpoint, credentials: TEST_CREDENTIALS });
}

export interface TestQueues {
  queueUrl: string;
  dlqUrl: string;
  delete(): Promise<void>;
}

export async function createFifoQueues(
  client: SQSClient,
  opts: { visibilityTimeout: number; maxReceiveCount: number },
): Promise<TestQueues> {
  const name = `t-${randomBytes(5).toString("hex")}`;
  const dlq = await client.send(
    new CreateQueueCommand({
      QueueName: `${name}-dlq.fifo`,
      Attributes: { FifoQueue: "true" },
    }),
  );
  const dlqUrl = dlq.QueueUrl as string;
  const arn = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ["QueueArn"] }),
  );
  const main = await client.send(
    new CreateQueueCommand({
      QueueName: `${name}.fifo`,
      Attributes: {
        FifoQueue: "true",
        VisibilityTimeout: String(opts.visibilityTimeout),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: arn.Attributes?.QueueArn,
          maxReceiveCount: opts.maxReceiveCount,
        }),
      },
    }),
  );
  const queueUrl = main.QueueUrl as string;
  return {
    queueUrl,
    dlqUrl,
    async delete() {
      await client.send(new DeleteQueueCommand({ QueueUrl: queueUrl })).catch(() => {});
      await client.send(new DeleteQueueCommand({ QueueUrl: dlqUrl })).catch(() => {});
    },
  };
}
