// AWS Lambda entry of the WebSocket relay: posts the given messages to API Gateway WebSocket
// connections for the execution worker, which has no route to the Management API (see
// jobs/realtime/connection-poster.ts). It holds no data and reads nothing: its role may only
// post to connections and close them (an account deleted), and it answers which connections
// are gone so the worker forgets them.
import { pino } from "pino";
import { createApiGatewayClient } from "../jobs/realtime/apigateway-notifier.js";
import {
  ManagementApiPoster,
  relayRequestSchema,
  type relayResponseSchema,
} from "../jobs/realtime/connection-poster.js";
import { loadSettingsWithSecrets, type Settings } from "../platform/config.js";
import { loggerOptions } from "../platform/logger.js";

type RelayResponse = ReturnType<typeof relayResponseSchema.parse>;

export interface RelayHandler {
  handler(event: unknown): Promise<RelayResponse>;
  close(): Promise<void>;
}

export function createRelayHandler(settings: Settings): RelayHandler {
  const endpoint = settings.notifier.apiGatewayEndpoint;
  if (!endpoint) throw new Error("the relay needs APIGATEWAY_ENDPOINT");
  const logger = pino(loggerOptions(settings.logLevel));
  const poster = new ManagementApiPoster(
    createApiGatewayClient({ endpoint, region: settings.awsRegion }),
    logger,
  );
  return {
    async handler(event) {
      const parsed = relayRequestSchema.safeParse(event);
      // Only the worker may invoke this function; a malformed request is its bug: fail loudly.
      if (!parsed.success) throw new Error(`invalid relay request: ${parsed.error.message}`);
      const answer = await poster.post(
        parsed.data.posts.map((p) => ({ connectionId: p.connection_id, data: p.data })),
      );
      if (parsed.data.disconnect) await poster.disconnect(parsed.data.disconnect);
      return answer;
    },
    close: () => poster.close(),
  };
}

let cached: Promise<RelayHandler> | undefined;

export const handler = async (event: unknown): Promise<RelayResponse> => {
  cached ??= loadSettingsWithSecrets()
    .then(createRelayHandler)
    .catch((err: unknown) => {
      cached = undefined;
      throw err;
    });
  return (await cached).handler(event);
};
