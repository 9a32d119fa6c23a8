// Settings from AWS Secrets Manager: the real SDK client against a local server speaking the
// service's protocol. A deployment names secrets (`*_SECRET_ARN`); the values never sit in
// the environment, are fetched once per process, and never appear in an error message.
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { handler as migrateHandler } from "../../src/lambda/migrate-handler.js";
import { ConfigError, loadSettingsWithSecrets } from "../../src/platform/config.js";
import { SecretsManagerSource } from "../../src/platform/secrets.js";
import { createPostgresDatabase } from "../helpers/databases.js";
import {
  type FakeSecretsManager,
  startFakeSecretsManager,
} from "../helpers/secrets-manager-server.js";

const DB_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:code-remote/db-AbCdEf";
const GEMINI_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:code-remote/gemini-XyZ";
const PASSWORD = "p@ss/w:rd#?&%";
const rdsSecret = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    engine: "postgres",
    username: "code_remote",
    password: PASSWORD,
    host: "db.cluster-abc.eu-west-1.rds.amazonaws.com",
    port: 5432,
    dbname: "coderemote",
    ...over,
  });

let sm: FakeSecretsManager;
const sourceFor = () =>
  new SecretsManagerSource(
    new SecretsManagerClient({
      region: "eu-west-1",
      endpoint: sm.endpoint,
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "example-secret-key" },
    }),
  );

async function problemsOf(env: Record<string, string>): Promise<string> {
  try {
    await loadSettingsWithSecrets(env, sourceFor());
    return "";
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.join("\n");
    throw err;
  }
}

beforeAll(async () => {
  sm = await startFakeSecretsManager({
    [DB_ARN]: rdsSecret(),
    [GEMINI_ARN]: "AIza-test-gemini-key",
    "code-remote/not-json": "postgres://should-not-be-here",
    "code-remote/no-password": rdsSecret({ password: undefined }),
  });
});
afterAll(async () => sm?.close());
afterEach(() => {
  sm.calls.length = 0;
  vi.unstubAllEnvs();
});

describe("settings from Secrets Manager", () => {
  it("builds DATABASE_URL from the RDS secret and reads the Gemini key, over signed GetSecretValue calls", async () => {
    const settings = await loadSettingsWithSecrets(
      { DATABASE_SECRET_ARN: DB_ARN, GEMINI_API_KEY_SECRET_ARN: GEMINI_ARN },
      sourceFor(),
    );
    const url = new URL(settings.databaseUrl as string);
    expect(url.hostname).toBe("db.cluster-abc.eu-west-1.rds.amazonaws.com");
    expect(url.port).toBe("5432");
    expect(url.pathname).toBe("/coderemote");
    expect(decodeURIComponent(url.username)).toBe("code_remote");
    expect(decodeURIComponent(url.password)).toBe(PASSWORD);
    expect(settings.gemini.apiKey).toBe("AIza-test-gemini-key");
    expect(settings.autoMigrate).toBe(false); // a server database: migrations are a deploy step
    expect(sm.calls.map((c) => c.secretId).sort()).toEqual([DB_ARN, GEMINI_ARN].sort());
    for (const call of sm.calls) {
      expect(call.target).toBe("secretsmanager.GetSecretValue");
      expect(call.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/secretsmanager\/aws4_request/,
      );
    }
  });

  it("fetches each secret once per process (a Lambda container), however often settings load", async () => {
    const source = sourceFor();
    const env = { DATABASE_SECRET_ARN: DB_ARN, GEMINI_API_KEY_SECRET_ARN: GEMINI_ARN };
    await Promise.all([loadSettingsWithSecrets(env, source), loadSettingsWithSecrets(env, source)]);
    await loadSettingsWithSecrets(env, source);
    expect(sm.calls).toHaveLength(2);
  });

  it("names the variable and the AWS error for a missing secret, and retries it next time", async () => {
    const source = sourceFor();
    const env = { DATABASE_SECRET_ARN: "code-remote/later" };
    await expect(loadSettingsWithSecrets(env, source)).rejects.toThrow(
      /DATABASE_SECRET_ARN: could not read the secret \(ResourceNotFoundException/,
    );
    sm.secrets.set("code-remote/later", rdsSecret());
    await expect(loadSettingsWithSecrets(env, source)).resolves.toMatchObject({
      databaseUrl: expect.stringMatching(/^postgres:\/\//),
    });
  });

  it("refuses a database secret that is not the RDS form, without echoing its value", async () => {
    const notJson = await problemsOf({ DATABASE_SECRET_ARN: "code-remote/not-json" });
    expect(notJson).toMatch(/DATABASE_SECRET_ARN: the secret is not JSON/);
    expect(notJson).not.toContain("should-not-be-here");
    expect(await problemsOf({ DATABASE_SECRET_ARN: "code-remote/no-password" })).toMatch(
      /lacks username, password or host/,
    );
  });

  it("refuses a value and its secret together, so nobody wonders which one wins", async () => {
    expect(
      await problemsOf({ DATABASE_SECRET_ARN: DB_ARN, DATABASE_URL: "postgres://u@h/db" }),
    ).toMatch(/set either it or DATABASE_URL/);
    expect(
      await problemsOf({ GEMINI_API_KEY_SECRET_ARN: GEMINI_ARN, GEMINI_API_KEY: "plain" }),
    ).toMatch(/GEMINI_API_KEY_SECRET_ARN: set either it or GEMINI_API_KEY/);
    expect(sm.calls).toHaveLength(0);
  });

  it("loads no AWS client and calls nothing when no secret is named", async () => {
    const settings = await loadSettingsWithSecrets({ GEMINI_API_KEY: "plain" });
    expect(settings.gemini.apiKey).toBe("plain");
    expect(sm.calls).toHaveLength(0);
  });
});

describe("the migrate Lambda with its database secret", () => {
  let db: Awaited<ReturnType<typeof createPostgresDatabase>>;
  beforeAll(async () => {
    db = await createPostgresDatabase();
  });
  afterAll(async () => db?.drop());

  it("reads DATABASE_SECRET_ARN through the default client and migrates that database", async () => {
    const url = new URL(db.url);
    sm.secrets.set(
      "code-remote/test-db",
      JSON.stringify({
        username: decodeURIComponent(url.username),
        password: "unused-with-trust-auth",
        host: url.hostname,
        port: Number(url.port),
        dbname: url.pathname.slice(1),
      }),
    );
    // What Lambda gives the function: the secret's id and the region/credentials of its role.
    vi.stubEnv("DATABASE_SECRET_ARN", "code-remote/test-db");
    vi.stubEnv("SECRETS_MANAGER_ENDPOINT", sm.endpoint);
    vi.stubEnv("AWS_REGION", "eu-west-1");
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDLAMBDA");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "lambda-secret");
    vi.stubEnv("LOG_LEVEL", "silent");
    // As the deployment's custom resource invokes it.
    await expect(
      migrateHandler({ RequestType: "Update", PhysicalResourceId: "x" }),
    ).resolves.toEqual({
      PhysicalResourceId: "code-remote-migrations",
      Data: { status: "ok", driver: "postgres" },
    });
    expect(sm.calls.map((c) => c.secretId)).toEqual(["code-remote/test-db"]);
    expect(sm.calls[0]?.authorization).toContain("Credential=AKIDLAMBDA/");
  });

  it("leaves the data alone when the stack deletes the migrations resource", async () => {
    vi.stubEnv("DATABASE_SECRET_ARN", "code-remote/test-db");
    vi.stubEnv("SECRETS_MANAGER_ENDPOINT", sm.endpoint);
    await expect(
      migrateHandler({ RequestType: "Delete", PhysicalResourceId: "code-remote-migrations" }),
    ).resolves.toEqual({
      PhysicalResourceId: "code-remote-migrations",
      Data: { status: "skipped" },
    });
    expect(sm.calls).toHaveLength(0);
  });
});
