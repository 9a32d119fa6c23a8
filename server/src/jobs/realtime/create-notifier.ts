// Picks the Notifier from the settings. Every process keeps a local WsHub for the sockets
// it holds; `postgres` adds LISTEN/NOTIFY fan-out between processes, `apigateway` posts
// through API Gateway (whose connections live there, not in a hub; which user owns which
// of them is kept in the database, filled by the WebSocket Lambda, lambda/ws-handler.ts).
import type { Logger } from "pino";
import type { Settings } from "../../platform/config.js";
import type { Database } from "../../platform/db/database.js";
import { ApiGatewayNotifier, createApiGatewayClient } from "./apigateway-notifier.js";
import { type ConnectionPoster, ManagementApiPoster, RelayPoster } from "./connection-poster.js";
import { DbConnectionRegistry } from "./db-connection-registry.js";
import type { Notifier } from "./notifier.js";
import { PostgresNotifier } from "./postgres-notifier.js";
import { WsHub } from "./ws-hub.js";

export interface Realtime {
  hub: WsHub;
  notifier: Notifier;
  close(): Promise<void>;
}

/** Straight to the Management API, or through the relay function when one is named. */
async function createPoster(
  settings: Pick<Settings, "notifier" | "awsRegion">,
  logger: Logger,
): Promise<ConnectionPoster> {
  const { relayFunction, apiGatewayEndpoint } = settings.notifier;
  if (relayFunction) {
    const { LambdaClient } = await import("@aws-sdk/client-lambda");
    const client = new LambdaClient({
      region: settings.awsRegion,
      ...(settings.notifier.lambdaEndpoint ? { endpoint: settings.notifier.lambdaEndpoint } : {}),
    });
    return new RelayPoster(client, relayFunction, logger);
  }
  const client = createApiGatewayClient({
    endpoint: apiGatewayEndpoint ?? "",
    region: settings.awsRegion,
  });
  return new ManagementApiPoster(client, logger);
}

export async function createRealtime(
  settings: Pick<Settings, "notifier" | "awsRegion">,
  deps: { database: Pick<Database, "pool" | "db">; logger: Logger },
): Promise<Realtime> {
  const hub = new WsHub();
  const { kind } = settings.notifier;
  let notifier: Notifier = hub;
  if (kind === "postgres") {
    if (!deps.database.pool) throw new Error("NOTIFIER=postgres needs a PostgreSQL database");
    const pg = new PostgresNotifier({ pool: deps.database.pool, hub, logger: deps.logger });
    await pg.start();
    notifier = pg;
  } else if (kind === "apigateway") {
    notifier = new ApiGatewayNotifier({
      poster: await createPoster(settings, deps.logger),
      registry: new DbConnectionRegistry(deps.database.db),
    });
  }
  return {
    hub,
    notifier,
    async close() {
      if (notifier !== hub) await notifier.close();
      await hub.close();
    },
  };
}
