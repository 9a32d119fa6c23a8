// Secrets from AWS Secrets Manager, so a deployment never puts one in a plain environment
// variable: `X_SECRET_ARN` names the secret whose value becomes setting X. The database
// secret is the one RDS/Aurora generates (JSON: username, password, host, port, dbname) and
// becomes DATABASE_URL. Values are fetched once per process — per Lambda container — and
// reused; a rotated secret is picked up by the next cold start.
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

/** Settings that may come from a secret, each named by `<NAME>_SECRET_ARN`. */
export const SECRET_SETTINGS = ["GEMINI_API_KEY", "NEO4J_PASSWORD", "JWT_SECRET"] as const;
export const DATABASE_SECRET = "DATABASE_SECRET_ARN";

type Env = Record<string, string | undefined>;

/** Where secret values come from (an interface so tests can point a real client anywhere). */
export interface SecretSource {
  /** The secret's SecretString; throws on any failure. */
  get(secretId: string): Promise<string>;
}

export class SecretsManagerSource implements SecretSource {
  private readonly cache = new Map<string, Promise<string>>();

  constructor(private readonly client: Pick<SecretsManagerClient, "send">) {}

  get(secretId: string): Promise<string> {
    let value = this.cache.get(secretId);
    if (!value) {
      value = this.fetch(secretId);
      // A failure is not remembered: the next cold start (or call) tries again.
      value.catch(() => this.cache.delete(secretId));
      this.cache.set(secretId, value);
    }
    return value;
  }

  private async fetch(secretId: string): Promise<string> {
    const { GetSecretValueCommand } = await import("@aws-sdk/client-secrets-manager");
    const out = await this.client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (typeof out.SecretString !== "string") {
      throw new Error("the secret has no string value (binary secrets are not supported)");
    }
    return out.SecretString;
  }
}

/** A client for the region in AWS_REGION; SECRETS_MANAGER_ENDPOINT for a non-AWS endpoint. */
export async function defaultSecretSource(env: Env): Promise<SecretSource> {
  const { SecretsManagerClient } = await import("@aws-sdk/client-secrets-manager");
  return new SecretsManagerSource(
    new SecretsManagerClient({
      region: env.AWS_REGION || "us-east-1",
      ...(env.SECRETS_MANAGER_ENDPOINT ? { endpoint: env.SECRETS_MANAGER_ENDPOINT } : {}),
    }),
  );
}

export const needsSecrets = (env: Env): boolean =>
  Boolean(env[DATABASE_SECRET]) || SECRET_SETTINGS.some((name) => env[`${name}_SECRET_ARN`]);

/** What went wrong, without the value: an AWS error name and message never contain it. */
function describe(err: unknown): string {
  if (err instanceof Error)
    return err.name && err.name !== "Error" ? `${err.name}: ${err.message}` : err.message;
  return String(err);
}

function databaseUrl(secret: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secret);
  } catch {
    throw new Error(
      "the secret is not JSON (expected the RDS form: username, password, host, port, dbname)",
    );
  }
  const s = parsed as Partial<
    Record<"username" | "password" | "host" | "port" | "dbname", unknown>
  >;
  if (
    typeof s.username !== "string" ||
    typeof s.password !== "string" ||
    typeof s.host !== "string"
  ) {
    throw new Error("the secret lacks username, password or host");
  }
  const port = s.port === undefined ? 5432 : Number(s.port);
  const db = typeof s.dbname === "string" && s.dbname ? s.dbname : "postgres";
  const user = encodeURIComponent(s.username);
  const password = encodeURIComponent(s.password);
  return `postgres://${user}:${password}@${s.host}:${port}/${encodeURIComponent(db)}`;
}

/**
 * The environment with every `*_SECRET_ARN` replaced by the setting it names. Returns the
 * problems instead of throwing, so the caller can report them with the other settings.
 */
export async function resolveSecrets(
  env: Env,
  source: SecretSource,
): Promise<{ env: Env; problems: string[] }> {
  const out: Env = { ...env };
  const problems: string[] = [];
  const jobs: Promise<void>[] = [];
  const arn = env[DATABASE_SECRET];
  if (arn) {
    if (env.DATABASE_URL) {
      problems.push(`${DATABASE_SECRET}: set either it or DATABASE_URL, not both`);
    } else {
      jobs.push(
        source.get(arn).then(
          (value) => {
            try {
              out.DATABASE_URL = databaseUrl(value);
            } catch (err) {
              problems.push(`${DATABASE_SECRET}: ${describe(err)}`);
            }
          },
          (err: unknown) => {
            problems.push(`${DATABASE_SECRET}: could not read the secret (${describe(err)})`);
          },
        ),
      );
    }
  }
  for (const name of SECRET_SETTINGS) {
    const id = env[`${name}_SECRET_ARN`];
    if (!id) continue;
    if (env[name]) {
      problems.push(`${name}_SECRET_ARN: set either it or ${name}, not both`);
      continue;
    }
    jobs.push(
      source.get(id).then(
        (value) => {
          out[name] = value;
        },
        (err: unknown) => {
          problems.push(`${name}_SECRET_ARN: could not read the secret (${describe(err)})`);
        },
      ),
    );
  }
  await Promise.all(jobs);
  return { env: out, problems };
}
