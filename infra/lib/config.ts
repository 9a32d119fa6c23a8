// The deployment's knobs, read from CDK context (cdk.json, or `-c key=value`): everything is
// fixed here, so synthesis never looks anything up in an AWS account and runs offline.
import type { Node } from "constructs";

export interface DeployConfig {
  account: string;
  region: string;
  /** Two AZs of the region; given, not looked up. */
  availabilityZones: string[];
  stage: string;
  /** CORS_ORIGINS of the API: where the web client is hosted (empty = same origin only). */
  corsOrigins: string;
  natGateways: number;
  /** Most worker Lambdas running at once (SQS event source maximum concurrency, 2…1000). */
  workerConcurrency: number;
  logRetentionDays: number;
  apiRateLimit: number;
  apiBurstLimit: number;
  auroraMinCapacity: number;
  auroraMaxCapacity: number;
  /** Alarm notifications go to this address when set. */
  alarmEmail: string;
  /** An existing Secrets Manager secret holding a Gemini API key; empty = offline analysis. */
  geminiSecretArn: string;
  /** WS_ALLOW_ANONYMOUS of the Api and WebSocket functions: serve the original client, whose
   * WebSocket carries no token (docs/realtime.md). Off by default. */
  anonymousWebSocket: boolean;
}

function text(node: Node, key: string, fallback: string): string {
  const v = node.tryGetContext(key);
  return v === undefined || v === null ? fallback : String(v);
}

function num(node: Node, key: string, fallback: number, min: number, max: number): number {
  const v = Number(text(node, key, String(fallback)));
  if (!Number.isFinite(v) || v < min || v > max) {
    throw new Error(
      `context ${key}: expected a number in [${min}, ${max}], got ${text(node, key, "")}`,
    );
  }
  return v;
}

function flag(node: Node, key: string): boolean {
  const v = text(node, key, "false");
  if (v !== "true" && v !== "false") throw new Error(`context ${key}: true or false, got ${v}`);
  return v === "true";
}

/** The retention periods CloudWatch Logs accepts. */
const RETENTIONS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
];

function retention(days: number): number {
  if (!RETENTIONS.includes(days)) {
    throw new Error(`context logRetentionDays: one of ${RETENTIONS.join(", ")}; got ${days}`);
  }
  return days;
}

export function readConfig(node: Node): DeployConfig {
  const region = text(node, "region", "eu-west-1");
  const account = text(node, "account", "111111111111");
  if (!/^\d{12}$/.test(account)) throw new Error(`context account: a 12-digit id, got ${account}`);
  const azs = text(node, "availabilityZones", `${region}a,${region}b`)
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (azs.length < 2) throw new Error("context availabilityZones: Aurora needs at least two");
  return {
    account,
    region,
    availabilityZones: azs,
    stage: text(node, "stage", "prod"),
    corsOrigins: text(node, "corsOrigins", ""),
    natGateways: num(node, "natGateways", 1, 1, 3),
    workerConcurrency: num(node, "workerConcurrency", 10, 2, 1000),
    logRetentionDays: retention(num(node, "logRetentionDays", 30, 1, 3653)),
    apiRateLimit: num(node, "apiRateLimit", 50, 1, 10_000),
    apiBurstLimit: num(node, "apiBurstLimit", 100, 1, 5_000),
    auroraMinCapacity: num(node, "auroraMinCapacity", 0.5, 0, 256),
    auroraMaxCapacity: num(node, "auroraMaxCapacity", 4, 1, 256),
    alarmEmail: text(node, "alarmEmail", ""),
    geminiSecretArn: text(node, "geminiSecretArn", ""),
    anonymousWebSocket: flag(node, "anonymousWebSocket"),
  };
}
