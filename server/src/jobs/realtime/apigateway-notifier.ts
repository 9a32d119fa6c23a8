// The AWS deployment's notifier: API Gateway holds the WebSockets, we post to them through
// the Management API (directly, or via the relay function; connection-poster.ts). A
// connection API Gateway reports gone (410 GoneException) is removed from the registry so it
// is not tried again.
import { ApiGatewayManagementApiClient } from "@aws-sdk/client-apigatewaymanagementapi";
import type { ConnectionPoster } from "./connection-poster.js";
import type { ConnectionRegistry } from "./connection-registry.js";
import {
  disconnectMessage,
  type Notifier,
  type PublishTarget,
  type ServerMessage,
} from "./notifier.js";

export function createApiGatewayClient(opts: {
  endpoint: string;
  region: string;
}): ApiGatewayManagementApiClient {
  return new ApiGatewayManagementApiClient({ endpoint: opts.endpoint, region: opts.region });
}

export class ApiGatewayNotifier implements Notifier {
  constructor(
    private readonly opts: {
      poster: ConnectionPoster;
      registry: ConnectionRegistry;
    },
  ) {}

  async publish(userId: string, message: ServerMessage, target: PublishTarget = {}): Promise<void> {
    const ids = await this.opts.registry.targets(userId, target);
    if (ids.length === 0) return;
    const data = JSON.stringify(message);
    await this.post(ids.map((connectionId) => ({ connectionId, data })));
  }

  /**
   * Tells each connection why, then has API Gateway close it. The account's registry rows
   * went with it (cascade), so the caller names the connections it read before the delete;
   * without names, the registry's current ones.
   */
  async disconnect(userId: string, reason: string, connectionIds?: readonly string[]) {
    const ids = connectionIds ?? (await this.opts.registry.targets(userId, {}));
    if (ids.length === 0) return;
    const data = JSON.stringify(disconnectMessage(reason));
    await this.opts.poster.post(ids.map((connectionId) => ({ connectionId, data })));
    await this.opts.poster.disconnect(ids);
    for (const id of ids) await this.opts.registry.remove(id);
  }

  /**
   * Posts to one connection without asking the registry: for replies to the connection a
   * client message came from (API Gateway vouches for it), such as `pong`.
   */
  async sendTo(connectionId: string, message: ServerMessage): Promise<void> {
    await this.post([{ connectionId, data: JSON.stringify(message) }]);
  }

  async close(): Promise<void> {
    await this.opts.poster.close();
  }

  private async post(posts: { connectionId: string; data: string }[]): Promise<void> {
    const { gone } = await this.opts.poster.post(posts);
    for (const id of gone) await this.opts.registry.remove(id);
  }
}
