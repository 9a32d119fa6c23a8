// AWS Lambda entry for the HTTP API (API Gateway HTTP API, payload v2), the counterpart of
// the original's Mangum handler. The app is built once per cold start and reused.
import awsLambdaFastify, { type PromiseHandler } from "@fastify/aws-lambda";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { type AppOverrides, buildApp } from "../app.js";
import { loadSettingsWithSecrets, type Settings } from "../platform/config.js";

export interface ApiHandler {
  handler: PromiseHandler<APIGatewayProxyEventV2>;
  /** Closes the app (database pool, sandbox pool); Lambda itself never needs to. */
  close(): Promise<void>;
}

export async function createApiHandler(
  settings: Settings,
  overrides: AppOverrides = {},
): Promise<ApiHandler> {
  const app = await buildApp(settings, overrides);
  // The adapter decorates the app, so it must wrap it before it is ready; the first
  // invocation readies it.
  const proxy = awsLambdaFastify<APIGatewayProxyEventV2>(app, {
    callbackWaitsForEmptyEventLoop: false,
  });
  await app.ready();
  return { handler: proxy, close: () => app.close() };
}

let cached: Promise<ApiHandler> | undefined;

export const handler: PromiseHandler<APIGatewayProxyEventV2> = async (event, context) => {
  // A failed cold start (a secret not readable yet…) is retried on the next invocation.
  cached ??= loadSettingsWithSecrets()
    .then((settings) => createApiHandler(settings))
    .catch((err: unknown) => {
      cached = undefined;
      throw err;
    });
  return (await cached).handler(event, context);
};
