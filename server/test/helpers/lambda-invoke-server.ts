// A stand-in for the AWS Lambda Invoke API (POST /2015-03-31/functions/{name}/invocations),
// running the named function's handler in this process, so the real @aws-sdk/client-lambda
// is what the tests drive. A handler that throws is reported as Lambda does: 200 with
// X-Amz-Function-Error and the error as the payload.
import { createServer } from "node:http";

export interface InvokeCall {
  functionName: string;
  authorization: string;
  payload: unknown;
}

export interface FakeLambda {
  endpoint: string;
  calls: InvokeCall[];
  close(): Promise<void>;
}

export async function startFakeLambda(
  functions: Record<string, (event: unknown) => Promise<unknown>>,
): Promise<FakeLambda> {
  const calls: InvokeCall[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", async () => {
      const m = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(req.url ?? "");
      const name = m ? decodeURIComponent(m[1] as string) : "";
      const fn = functions[name];
      if (req.method !== "POST" || !fn) {
        res
          .writeHead(404, {
            "content-type": "application/json",
            "x-amzn-errortype": "ResourceNotFoundException",
          })
          .end(JSON.stringify({ Type: "User", message: `Function not found: ${name}` }));
        return;
      }
      const payload = body ? JSON.parse(body) : null;
      calls.push({
        functionName: name,
        authorization: String(req.headers.authorization ?? ""),
        payload,
      });
      try {
        const out = await fn(payload);
        res
          .writeHead(200, {
            "content-type": "application/json",
            "x-amz-executed-version": "$LATEST",
          })
          .end(JSON.stringify(out ?? null));
      } catch (err) {
        const e = err as Error;
        res
          .writeHead(200, {
            "content-type": "application/json",
            "x-amz-executed-version": "$LATEST",
            "x-amz-function-error": "Unhandled",
          })
          .end(JSON.stringify({ errorType: e.name, errorMessage: e.message }));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    calls,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
