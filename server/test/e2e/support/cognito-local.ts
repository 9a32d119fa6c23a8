// cognito-local (an npm Cognito emulator, installed with web's dev packages) on a free port,
// with a user pool, an app client and a confirmed user created through its public API.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../helpers/net.js";
import { repoRoot } from "./server.js";

export interface CognitoLocal {
  endpoint: string;
  poolId: string;
  clientId: string;
  issuer: string;
  call<T>(action: string, body: object): Promise<T>;
  createUser(email: string, password: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startCognitoLocal(): Promise<CognitoLocal> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "cognito-local-"));
  const child: ChildProcess = spawn(
    process.execPath,
    [join(repoRoot, "web/node_modules/cognito-local/lib/bin/start.js")],
    { cwd: dir, env: { ...process.env, PORT: String(port), HOST: "127.0.0.1" }, stdio: "ignore" },
  );
  // cognito-local puts http://HOST:PORT in the issuer of its tokens.
  const endpoint = `http://127.0.0.1:${port}`;
  const call = async <T>(action: string, body: object): Promise<T> => {
    const res = await fetch(`http://127.0.0.1:${port}/`, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": `AWSCognitoIdentityProviderService.${action}`,
      },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as T & { __type?: string; message?: string };
    if (!res.ok) throw new Error(`${action}: ${json.__type} ${json.message}`);
    return json;
  };
  const deadline = Date.now() + 30_000;
  let pool: { UserPool: { Id: string } } | null = null;
  while (!pool) {
    try {
      pool = await call("CreateUserPool", { PoolName: "code-remote-e2e" });
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`cognito-local did not start: ${String(err)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const poolId = pool.UserPool.Id;
  const client = await call<{ UserPoolClient: { ClientId: string } }>("CreateUserPoolClient", {
    UserPoolId: poolId,
    ClientName: "web",
  });
  return {
    endpoint,
    poolId,
    clientId: client.UserPoolClient.ClientId,
    issuer: `${endpoint}/${poolId}`,
    call,
    async createUser(email, password) {
      await call("AdminCreateUser", {
        UserPoolId: poolId,
        Username: email,
        MessageAction: "SUPPRESS",
        UserAttributes: [
          { Name: "email", Value: email },
          { Name: "email_verified", Value: "true" },
        ],
      });
      await call("AdminSetUserPassword", {
        UserPoolId: poolId,
        Username: email,
        Password: password,
        Permanent: true,
      });
    },
    async stop() {
      child.kill("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
