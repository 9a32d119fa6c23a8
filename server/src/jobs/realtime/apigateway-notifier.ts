// The AWS deployment's notifier: API Gateway holds the WebSockets, we post to them through
// the Management API. A connection API Gateway reports gone (410 GoneException) is removed
// from the registry so it is not tried again.
import {
  ApiGatewayManagementApiClient,
  GoneException,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import type { Logger } from "pino";
import type { ConnectionRegistry } from "./connection-registry.js";
import type { Notifier, PublishTarget, ServerMessage } from "./notifier.js";

export function createApiGatewayClient(opts: {
  endpoint: string;
  region: string;
}): ApiGatewayManagementApiClient {
  return new ApiGatewayManagementApiClient({ endpoint: opts.endpoint, region: opts.region });
}

export class ApiGatewayNotifier implements Notifier {
  constructor(
    private readonly opts: {
      client: ApiGatewayManagementApiClient;
      registry: ConnectionRegistry;
      logger: Pick<Logger, "warn">;
      ownsClient?: boolean;
    },
  ) {}

  async publish(userId: string, message: ServerMessage, target: PublishTarget = {}): Promise<void> {
    const ids = await this.opts.registry.targets(userId, target);
    if (ids.length === 0) return;
    const data = Buffer.from(JSON.stringify(message));
    await Promise.all(ids.map((id) => this.post(id, data)));
  }

  /**
   * Posts to one connection without asking the registry: for replies to the connection a
   * client message came from (API Gateway vouches for it), such as `pong`.
   */
  async sendTo(connectionId: string, message: ServerMessage): Promise<void> {
    await this.post(connectionId, Buffer.from(JSON.stringify(message)));
  }

  async close(): Promise<void> {
    if (this.opts.ownsClient) this.opts.client.destroy();
  }

  private async post(connectionId: string, data: Uint8Array): Promise<void> {
    try {
      await this.opts.client.send(
        new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }),
      );
    } catch (err) {
      if (err instanceof GoneException || (err as { name?: string }).name === "GoneException") {
        await this.opts.registry.remove(connectionId);
        return;
      }
      // Best effort like every notifier: the result stays readable via GET /executions/{id}.
      this.opts.logger.warn({ err, connection_id: connectionId }, "PostToConnection failed");
    }
  }
}
