// Real-shaped Lambda inputs for invoking handlers in-process: an API Gateway HTTP API (v2)
// event, an SQS record as Lambda's poller builds it, and the context Lambda passes beside them.
import type { Message } from "@aws-sdk/client-sqs";
import type { APIGatewayProxyEventV2, Context, SQSRecord } from "aws-lambda";

export const lambdaContext = {
  awsRequestId: "req-1",
  functionName: "code-remote-api",
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

export function httpEvent(
  method: string,
  path: string,
  opts: { body?: unknown; headers?: Record<string, string>; query?: string } = {},
): APIGatewayProxyEventV2 {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString: opts.query ?? "",
    // API Gateway sends both the raw string and the parsed map.
    ...(opts.query
      ? { queryStringParameters: Object.fromEntries(new URLSearchParams(opts.query)) }
      : {}),
    headers: {
      host: "abc.execute-api.us-east-1.amazonaws.com",
      ...(opts.body ? { "content-type": "application/json" } : {}),
      ...opts.headers,
    },
    requestContext: {
      accountId: "123456789012",
      apiId: "abc",
      domainName: "abc.execute-api.us-east-1.amazonaws.com",
      domainPrefix: "abc",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "203.0.113.7", userAgent: "test" },
      requestId: "gw-req-1",
      routeKey: "$default",
      stage: "$default",
      time: "25/Nov/2026:12:00:00 +0000",
      timeEpoch: Date.now(),
    },
    isBase64Encoded: false,
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  };
}

/** What Lambda's SQS poller hands the function for one received message. */
export function sqsRecordOf(m: Message): SQSRecord {
  const a = m.Attributes ?? {};
  return {
    messageId: m.MessageId as string,
    receiptHandle: m.ReceiptHandle as string,
    body: m.Body as string,
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? "1",
      SentTimestamp: a.SentTimestamp ?? String(Date.now()),
      SenderId: a.SenderId ?? "AIDAEXAMPLE",
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      SequenceNumber: a.SequenceNumber,
      MessageGroupId: a.MessageGroupId,
      MessageDeduplicationId: a.MessageDeduplicationId,
    },
    messageAttributes: {},
    md5OfBody: m.MD5OfBody as string,
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:execution.fifo",
    awsRegion: "us-east-1",
  };
}
