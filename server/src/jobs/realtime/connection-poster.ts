// How a message reaches API Gateway WebSocket connections: straight through the Management
// API, or — from a function with no route to it — through the relay Lambda. The execution
// worker runs in subnets without internet access, and a WebSocket API's Management API is
// public only (it has no VPC endpoint), so the worker invokes the relay (lambda/relay-handler)
// through the VPC's Lambda endpoint, and the relay, outside the VPC, posts.
import {
  type ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { Logger } from "pino";
import { z } from "zod";

export interface ConnectionPost {
  connectionId: string;
  /** The serialised message. */
  data: string;
}

export interface ConnectionPoster {
  /** Posts every message; answers which connections API Gateway reported gone. Any other
   * failure is logged and dropped: delivery is best effort (results stay readable by id). */
  post(posts: ConnectionPost[]): Promise<{ gone: string[] }>;
  /** Closes the connections (API Gateway's DeleteConnection); one already gone is no error. */
  disconnect(connectionIds: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

const isGone = (err: unknown) =>
  err instanceof GoneException || (err as { name?: string }).name === "GoneException";

export class ManagementApiPoster implements ConnectionPoster {
  constructor(
    private readonly client: ApiGatewayManagementApiClient,
    private readonly logger: Pick<Logger, "warn">,
    private readonly ownsClient = true,
  ) {}

  async post(posts: ConnectionPost[]): Promise<{ gone: string[] }> {
    const gone: string[] = [];
    await Promise.all(
      posts.map(async ({ connectionId, data }) => {
        try {
          await this.client.send(
            new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(data) }),
          );
        } catch (err) {
          if (isGone(err)) {
            gone.push(connectionId);
          } else {
            this.logger.warn({ err, connection_id: connectionId }, "PostToConnection failed");
          }
        }
      }),
    );
    return { gone };
  }

  async disconnect(connectionIds: readonly string[]): Promise<void> {
    await Promise.all(
      connectionIds.map(async (connectionId) => {
        try {
          await this.client.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
        } catch (err) {
          if (!isGone(err)) {
            this.logger.warn({ err, connection_id: connectionId }, "DeleteConnection failed");
          }
        }
      }),
    );
  }

  async close(): Promise<void> {
    if (this.ownsClient) this.client.destroy();
  }
}

/** The relay's request and answer: shared with lambda/relay-handler.ts. */
export const relayRequestSchema = z.object({
  posts: z
    .array(
      z.object({
        connection_id: z.string().min(1).max(128),
        // API Gateway refuses a WebSocket message above 128 KiB.
        data: z.string().max(128 * 1024),
      }),
    )
    .max(100),
  /** Connections to close after the posts (an account deleted: Notifier.disconnect). */
  disconnect: z.array(z.string().min(1).max(128)).max(100).optional(),
});
export const relayResponseSchema = z.object({ gone: z.array(z.string()) });

export class RelayPoster implements ConnectionPoster {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string,
    private readonly logger: Pick<Logger, "warn">,
  ) {}

  async post(posts: ConnectionPost[]): Promise<{ gone: string[] }> {
    if (posts.length === 0) return { gone: [] };
    return this.invoke({
      posts: posts.map((p) => ({ connection_id: p.connectionId, data: p.data })),
    });
  }

  async disconnect(connectionIds: readonly string[]): Promise<void> {
    for (let i = 0; i < connectionIds.length; i += 100) {
      await this.invoke({ posts: [], disconnect: connectionIds.slice(i, i + 100) });
    }
  }

  private async invoke(payload: z.input<typeof relayRequestSchema>): Promise<{ gone: string[] }> {
    const { InvokeCommand } = await import("@aws-sdk/client-lambda");
    try {
      // Synchronous on purpose: a job's output chunks must arrive in order, and the next
      // chunk is posted only once the previous one has been.
      const out = await this.client.send(
        new InvokeCommand({
          FunctionName: this.functionName,
          Payload: Buffer.from(JSON.stringify(payload)),
        }),
      );
      if (out.FunctionError) {
        throw new Error(`relay failed: ${out.FunctionError}`);
      }
      return relayResponseSchema.parse(JSON.parse(Buffer.from(out.Payload ?? []).toString()));
    } catch (err) {
      this.logger.warn(
        { err, posts: payload.posts.length, disconnect: payload.disconnect?.length ?? 0 },
        "the WebSocket relay could not post",
      );
      return { gone: [] };
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
