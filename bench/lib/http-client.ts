// A cheap load generator for the benches: node:http over a keep-alive Agent. fetch()
// (undici) costs the calling process ~1.7 ms of CPU per POST /execute on this machine,
// node:http ~0.65 ms (measured side by side against the same server); on two cores that
// CPU is taken from the server being measured, and at concurrency 1 it sits in the latency.
// A bench measures the server, not its client, so its load goes through this.
import http from "node:http";

export interface JsonResponse<T> {
  status: number;
  body: T;
}

export interface JsonClient {
  post<T>(path: string, body: unknown): Promise<JsonResponse<T>>;
  close(): void;
}

/** POSTs JSON to `baseUrl` over kept-alive connections, with `headers` on every request. */
export function jsonClient(baseUrl: string, headers: Record<string, string>): JsonClient {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  return {
    post<T>(path: string, body: unknown) {
      const payload = JSON.stringify(body);
      return new Promise<JsonResponse<T>>((resolve, reject) => {
        const req = http.request(
          {
            host: url.hostname,
            port: url.port,
            path,
            method: "POST",
            agent,
            headers: {
              ...headers,
              "content-type": "application/json",
              "content-length": Buffer.byteLength(payload),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.once("error", reject);
            res.once("end", () => {
              try {
                resolve({
                  status: res.statusCode ?? 0,
                  body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as T,
                });
              } catch (err) {
                reject(err);
              }
            });
          },
        );
        req.once("error", reject);
        req.end(payload);
      });
    },
    close: () => agent.destroy(),
  };
}
