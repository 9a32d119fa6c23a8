// A stand-in for the API Gateway Management API: a local HTTP server implementing
// POST /@connections/{id} (PostToConnection) and DELETE /@connections/{id}
// (DeleteConnection), recording what was posted and closed, and answering 410 GoneException
// for the connection ids in `gone` (as API Gateway does for a closed connection); a closed
// connection is gone from then on.
import { createServer } from "node:http";

export interface Post {
  id: string;
  body: string;
}

export interface FakeApiGateway {
  /** The value for APIGATEWAY_ENDPOINT / the client's `endpoint`. */
  endpoint: string;
  posts: Post[];
  /** Connection ids closed by DeleteConnection, in order. */
  deleted: string[];
  /** Connection ids answered with 410 GoneException. */
  gone: Set<string>;
  /** The parsed messages posted to one connection, in order. */
  messagesTo(id: string): { type: string; [k: string]: unknown }[];
  close(): Promise<void>;
}

export async function startFakeApiGateway(gone: Iterable<string> = []): Promise<FakeApiGateway> {
  const posts: Post[] = [];
  const deleted: string[] = [];
  const goneIds = new Set(gone);
  const server = createServer((req, res) => {
    const m = /^\/@connections\/([^/?]+)$/.exec(req.url ?? "");
    if ((req.method !== "POST" && req.method !== "DELETE") || !m) {
      res.writeHead(404).end();
      return;
    }
    const id = decodeURIComponent(m[1] as string);
    const method = req.method;
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      if (goneIds.has(id)) {
        res
          .writeHead(410, {
            "content-type": "application/json",
            "x-amzn-errortype": "GoneException",
          })
          .end(JSON.stringify({ message: "Gone" }));
        return;
      }
      if (method === "DELETE") {
        deleted.push(id);
        goneIds.add(id);
        res.writeHead(204).end();
        return;
      }
      posts.push({ id, body });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    posts,
    deleted,
    gone: goneIds,
    messagesTo: (id) => posts.filter((p) => p.id === id).map((p) => JSON.parse(p.body)),
    close: () => new Promise((r) => server.close(() => r())),
  };
}
