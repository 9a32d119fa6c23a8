// A stand-in for AWS Secrets Manager speaking its wire protocol (JSON 1.1 over POST /, the
// operation in X-Amz-Target), enough for GetSecretValue, so the real SDK client is what the
// tests drive. It records each call (target, SigV4 Authorization, secret id).
import { createServer } from "node:http";

export interface SecretsCall {
  target: string;
  authorization: string;
  secretId: string;
}

export interface FakeSecretsManager {
  endpoint: string;
  calls: SecretsCall[];
  secrets: Map<string, string>;
  close(): Promise<void>;
}

export async function startFakeSecretsManager(
  secrets: Record<string, string>,
): Promise<FakeSecretsManager> {
  const store = new Map(Object.entries(secrets));
  const calls: SecretsCall[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      const target = String(req.headers["x-amz-target"] ?? "");
      const fail = (status: number, type: string, message: string) =>
        res
          .writeHead(status, {
            "content-type": "application/x-amz-json-1.1",
            "x-amzn-errortype": type,
          })
          .end(JSON.stringify({ __type: type, message }));
      if (req.method !== "POST" || target !== "secretsmanager.GetSecretValue") {
        return fail(400, "InvalidRequestException", `unsupported operation ${target}`);
      }
      const { SecretId } = JSON.parse(body) as { SecretId: string };
      calls.push({
        target,
        authorization: String(req.headers.authorization ?? ""),
        secretId: SecretId,
      });
      const value = store.get(SecretId);
      if (value === undefined) {
        return fail(
          400,
          "ResourceNotFoundException",
          "Secrets Manager can't find the specified secret.",
        );
      }
      res.writeHead(200, { "content-type": "application/x-amz-json-1.1" }).end(
        JSON.stringify({
          ARN: SecretId.startsWith("arn:")
            ? SecretId
            : `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${SecretId}`,
          Name: SecretId.split(":").pop(),
          SecretString: value,
          VersionId: "00000000-0000-4000-8000-000000000001",
          VersionStages: ["AWSCURRENT"],
          CreatedDate: 1_700_000_000,
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    calls,
    secrets: store,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
