// AWS Lambda entry for the API Gateway WebSocket API: one function for its three routes.
// $connect checks `?token=` with the app's guard (a non-200 answer refuses the connection)
// and records connection → user in `ws_connections`; $disconnect forgets it; $default
// hands each client message to the handler the local /ws uses too (jobs/ws-messages.ts),
// every reply posted back through the Management API. It composes the auth area and the notifier
// only (no HTTP app, no sandbox), once per cold start.
import type {
  APIGatewayProxyStructuredResultV2,
  APIGatewayProxyWebsocketEventV2,
} from "aws-lambda";
import { type Logger, pino } from "pino";
import { composeAuth } from "../auth/auth-module.js";
import type { Authenticator } from "../auth/authenticator.js";
import { createExecutionJobService } from "../jobs/execution-job-service.js";
import { ApiGatewayNotifier } from "../jobs/realtime/apigateway-notifier.js";
import { createRealtime } from "../jobs/realtime/create-notifier.js";
import { DbConnectionRegistry } from "../jobs/realtime/db-connection-registry.js";
import { createJobControl } from "../jobs/realtime/job-control.js";
import { createClientMessageHandler, MAX_CONNECTIONS_PER_USER } from "../jobs/ws-messages.js";
import { Closer } from "../platform/area.js";
import { loadSettingsWithSecrets, type Settings } from "../platform/config.js";
import { type Database, openDatabase } from "../platform/db/database.js";
import { AppError } from "../platform/errors.js";
import { loggerOptions } from "../platform/logger.js";

export type WsEvent = APIGatewayProxyWebsocketEventV2;
export type WsResult = APIGatewayProxyStructuredResultV2;

export interface WsHandler {
  handler(event: WsEvent): Promise<WsResult>;
  /** Closes the notifier and the database pool; Lambda itself never needs to. */
  close(): Promise<void>;
}

const answer = (statusCode: number, body: string): WsResult => ({ statusCode, body });

export interface WsOverrides {
  database?: Database;
  authenticator?: Authenticator;
  logger?: Logger;
}

/** Composes only what the WebSocket routes need: the database, the auth guard and the API
 * Gateway notifier — no HTTP app, no sandbox, no queue. */
export async function createWsHandler(
  settings: Settings,
  overrides: WsOverrides = {},
): Promise<WsHandler> {
  if (settings.notifier.kind !== "apigateway") {
    throw new Error("the WebSocket Lambda needs NOTIFIER=apigateway and APIGATEWAY_ENDPOINT");
  }
  const log = overrides.logger ?? pino(loggerOptions(settings.logLevel));
  const database =
    overrides.database ??
    (await openDatabase({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir }));
  const closer = new Closer();
  if (!overrides.database) closer.add(() => database.close());
  if (settings.autoMigrate) await database.migrate();
  const { guard } = composeAuth({ settings, database }, { authenticator: overrides.authenticator });
  const realtime = await createRealtime(settings, { database, logger: log });
  closer.add(() => realtime.close());
  if (!(realtime.notifier instanceof ApiGatewayNotifier)) {
    await closer.close();
    throw new Error("NOTIFIER=apigateway did not yield the API Gateway notifier");
  }
  const notifier: ApiGatewayNotifier = realtime.notifier;
  const registry = new DbConnectionRegistry(database.db);
  // cancel / stdin reach the worker running the job through the database (job-control.ts).
  const control = await createJobControl({ pool: database.pool, listen: false, logger: log });
  closer.add(() => control.close());
  const refuse = async (): Promise<never> => {
    throw new Error("the WebSocket Lambda does not submit jobs");
  };
  const jobs = createExecutionJobService({
    db: database.db,
    queue: { enqueue: refuse },
    policy: { admit: refuse },
    logger: log,
    control,
    notifier,
  });

  async function connect(connectionId: string, token: string | undefined): Promise<WsResult> {
    // Token-less (the original client's way, where settings allow): no row until an
    // authenticated POST names the connection and binds it (ConnectionBindings.claim). Caps
    // per client are API Gateway's throttling here; an unbound connection costs no row.
    if (token === undefined && settings.wsAllowAnonymous) return answer(200, "Connected");
    let userId: string;
    try {
      userId = (await guard.userFromToken(token)).id;
    } catch (err) {
      // A bad, expired or missing token: API Gateway refuses the handshake with this status.
      if (err instanceof AppError && err.statusCode < 500)
        return answer(err.statusCode, err.message);
      throw err;
    }
    if ((await registry.countOf(userId)) >= MAX_CONNECTIONS_PER_USER) {
      return answer(429, "Too many connections");
    }
    await registry.add(connectionId, userId);
    return answer(200, "Connected");
  }

  const handleMessage = createClientMessageHandler({
    jobs,
    allowAnonymous: settings.wsAllowAnonymous,
  });

  async function message(event: WsEvent, connectionId: string): Promise<WsResult> {
    const userId = (await registry.ownerOf(connectionId)) ?? null;
    const binary = event.isBase64Encoded === true;
    const data = Buffer.from(event.body ?? "", binary ? "base64" : "utf8");
    // The connection as the shared message handler sees it: answers go through the
    // Management API, subscriptions live in `ws_connections` for every process to read.
    await handleMessage(
      {
        id: connectionId,
        userId,
        send: (m) => notifier.sendTo(connectionId, m),
        subscribe: (jobId) => registry.trySubscribe(connectionId, jobId),
        unsubscribe: (jobId) => registry.unsubscribe(connectionId, jobId),
      },
      data,
      binary,
    );
    return answer(200, "");
  }

  async function handler(event: WsEvent): Promise<WsResult> {
    const { routeKey, eventType, connectionId } = event.requestContext;
    try {
      if (routeKey === "$connect") return await connect(connectionId, token(event));
      if (routeKey === "$disconnect") {
        await registry.remove(connectionId);
        return answer(200, "Disconnected");
      }
      // $default, or a custom route a deployment added: a client message either way.
      if (routeKey === "$default" || eventType === "MESSAGE") {
        return await message(event, connectionId);
      }
      return answer(400, `Unknown route: ${String(routeKey).slice(0, 64)}`);
    } catch (err) {
      log.error({ err, route: routeKey, connection_id: connectionId }, "websocket event failed");
      if (eventType === "MESSAGE") {
        await notifier
          .sendTo(connectionId, { type: "error", message: "Internal error" })
          .catch(() => {});
      }
      return answer(500, "Internal error");
    }
  }

  return { handler, close: () => closer.close() };
}

function token(event: WsEvent): string | undefined {
  const value = event.queryStringParameters?.token;
  return value ? value : undefined;
}

let cached: Promise<WsHandler> | undefined;

export const handler = async (event: WsEvent): Promise<WsResult> => {
  // A failed cold start is retried on the next invocation instead of being cached.
  cached ??= loadSettingsWithSecrets()
    .then((settings) => createWsHandler(settings))
    .catch((err: unknown) => {
      cached = undefined;
      throw err;
    });
  return (await cached).handler(event);
};
