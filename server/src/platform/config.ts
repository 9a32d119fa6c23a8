// The only module that reads the environment. Every setting is validated once, at start;
// a bad value stops the process with a message naming each offending variable.
import { z } from "zod";
import { defaultSecretSource, needsSecrets, resolveSecrets, type SecretSource } from "./secrets.js";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no", ""])
  .transform((v) => v === "true" || v === "1" || v === "yes");
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const list = z.string().transform((v) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
);
const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const ORIGIN_MESSAGE =
  "each entry must be an origin such as https://app.example.com (scheme, host, optional port; no path), or *";

/** An origin exactly as a browser sends it in the Origin header, or the wildcard. */
function isOriginOrStar(value: string): boolean {
  if (value === "*") return true;
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && url.origin === value;
  } catch {
    return false;
  }
}

/** Placeholder secrets that must never reach production. */
const KNOWN_DEFAULT_SECRETS = new Set([
  "",
  "changeme",
  "change-me",
  "secret",
  "dev-secret",
  "neo4j",
  "password",
]);

const envSchema = z.object({
  ENVIRONMENT: z.enum(["development", "test", "production"]).default("development"),
  DEBUG: bool.default(false),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: int(0, 65535).default(8000),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: optional.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  // Secrets Manager ids (ARN or name) read once at start instead of the plain value (secrets.ts).
  DATABASE_SECRET_ARN: optional,
  GEMINI_API_KEY_SECRET_ARN: optional,
  NEO4J_PASSWORD_SECRET_ARN: optional,
  JWT_SECRET_SECRET_ARN: optional,
  SECRETS_MANAGER_ENDPOINT: optional.pipe(z.url().optional()),
  AUTO_MIGRATE: bool.optional(),
  SERVE_WEB: bool.default(true),
  WEB_DIST_DIR: z.string().default("./web/dist"),
  CORS_ORIGINS: list.pipe(z.array(z.string().refine(isOriginOrStar, ORIGIN_MESSAGE))).default([]),

  AUTH_MODE: z.enum(["local", "cognito", "disabled"]).default("local"),
  JWT_SECRET: optional,
  ACCESS_TOKEN_TTL_SECONDS: int(60, 7 * 24 * 3600).default(3600),
  /** Login attempts per account / per client address per 15 minutes; sign-ups per client
   * address per hour (issue 10 item 6). 0 turns one off. */
  LOGIN_RATE_LIMIT_PER_ACCOUNT: int(0, 1_000_000).default(10),
  LOGIN_RATE_LIMIT_PER_CLIENT: int(0, 1_000_000).default(50),
  SIGNUP_RATE_LIMIT_PER_CLIENT: int(0, 1_000_000).default(10),
  AWS_REGION: z.string().default("us-east-1"),
  COGNITO_USER_POOL_ID: optional,
  COGNITO_CLIENT_ID: optional,
  COGNITO_DOMAIN: optional,
  COGNITO_JWKS_URL: optional.pipe(z.url().optional()),
  COGNITO_ISSUER: optional.pipe(z.url().optional()),

  EXECUTION_TIMEOUT_SECONDS: z.coerce.number().positive().max(30).default(30),
  MAX_CODE_BYTES: int(1, 1_000_000).default(10_240),
  MAX_OUTPUT_BYTES: int(1024, 64 * 1024 * 1024).default(1_048_576),
  /** none: this process runs no code; synchronous runs go through the job queue. */
  SANDBOX: z.enum(["bwrap", "process", "none"]).default("bwrap"),
  ALLOW_PROCESS_SANDBOX: bool.default(false),
  // fork: runners forked from warm fork servers (needs root); spawn: one bwrap per run;
  // auto: fork where it works, else spawn. /health/ready reports the mode in use.
  SANDBOX_MODE: z.enum(["auto", "fork", "spawn"]).default("auto"),
  // How a run's total memory is bounded: a memory cgroup (v2, else v1) where writable, else
  // a host-side watchdog with memfd/SysV shared memory refused. /health/ready says which.
  SANDBOX_MEMORY_MECHANISM: z.enum(["auto", "cgroup", "watchdog"]).default("auto"),
  SANDBOX_POOL_SIZE: int(0, 256).default(0),
  SANDBOX_MAX_CONCURRENT: int(0, 1024).default(0),
  SANDBOX_MEMORY_MB: int(32, 8192).default(256),
  SANDBOX_UID_BASE: int(1000, 2_000_000_000).default(61_000),
  SANDBOX_UID_COUNT: int(1, 4096).default(64),
  /** With SANDBOX=none: how long POST /execute waits for the execution tier beyond the run's timeout. */
  EXECUTION_QUEUE_WAIT_SECONDS: int(1, 600).default(10),
  PYTHON_PATH: z.string().default("/usr/bin/python3"),
  EXTRA_ALLOWED_MODULES: list.default([]),
  POLICY_PROFILE: z.enum(["standard", "original"]).default("standard"),
  SANDBOX_PREIMPORT: list.default([]),
  EXECUTION_RATE_LIMIT_PER_MINUTE: int(1, 1_000_000).default(10),
  ANALYSIS_RATE_LIMIT_PER_MINUTE: int(1, 1_000_000).default(10),

  GEMINI_API_KEY: optional,
  GEMINI_MODEL: z.string().default("gemini-2.5-flash"),
  GEMINI_EMBEDDING_MODEL: z.string().default("gemini-embedding-001"),
  GEMINI_BASE_URL: optional.pipe(z.url().optional()),

  JOB_QUEUE: z.enum(["memory", "sqs"]).default("memory"),
  SQS_ENDPOINT: optional.pipe(z.url().optional()),
  EXECUTION_QUEUE_URL: optional.pipe(z.url().optional()),
  SYNC_QUEUE_URL: optional.pipe(z.url().optional()),
  NOTIFIER: z.enum(["local", "postgres", "apigateway"]).default("local"),
  APIGATEWAY_ENDPOINT: optional.pipe(z.url().optional()),
  // The worker's way to the Management API from subnets without internet (connection-poster.ts).
  APIGATEWAY_RELAY_FUNCTION: optional,
  LAMBDA_ENDPOINT: optional.pipe(z.url().optional()),
  // Each in-process processor has its own switch; RUN_WORKERS_IN_PROCESS sets both defaults.
  RUN_WORKERS_IN_PROCESS: bool.optional(),
  RUN_JOBS_IN_PROCESS: bool.optional(),
  RUN_SYNC_IN_PROCESS: bool.optional(),
  /** /ws (and the WebSocket API) without a token, as the original client connects. */
  WS_ALLOW_ANONYMOUS: bool.optional(),

  SEARCH_INDEX: z.enum(["postgres", "neo4j"]).default("postgres"),
  EMBEDDER: z.enum(["auto", "model", "offline", "gemini"]).default("auto"),
  /** A name from server/src/search/model/models.json; its files come from `npm install`. */
  EMBEDDING_MODEL: optional,
  EMBEDDING_MODEL_DIR: optional,
  NEO4J_URI: optional,
  NEO4J_USER: z.string().default("neo4j"),
  NEO4J_PASSWORD: optional,
});

export type Env = z.input<typeof envSchema>;
type Parsed = z.output<typeof envSchema>;

export interface Settings {
  environment: Parsed["ENVIRONMENT"];
  debug: boolean;
  logLevel: Parsed["LOG_LEVEL"];
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Apply migrations at start: default on in embedded (PGlite) mode, off with DATABASE_URL. */
  autoMigrate: boolean;
  serveWeb: boolean;
  webDistDir: string;
  /** Origins a separately hosted client may call from; [] = same-origin only; ["*"] = any. */
  corsOrigins: string[];
  auth: {
    mode: Parsed["AUTH_MODE"];
    jwtSecret: string | undefined;
    accessTokenTtlSeconds: number;
    throttle: { loginPerAccount: number; loginPerClient: number; signupPerClient: number };
    cognito: {
      region: string;
      userPoolId: string | undefined;
      clientId: string | undefined;
      domain: string | undefined;
      jwksUrl: string | undefined;
      issuer: string | undefined;
    };
  };
  execution: {
    timeoutSeconds: number;
    maxCodeBytes: number;
    maxOutputBytes: number;
    sandbox: Parsed["SANDBOX"];
    allowProcessSandbox: boolean;
    mode: "auto" | "fork" | "spawn";
    memoryMechanism: "auto" | "cgroup" | "watchdog";
    poolSize: number;
    maxConcurrent: number;
    memoryLimitMb: number;
    uidBase: number;
    uidCount: number;
    /** SANDBOX=none: seconds a synchronous run waits for the queue beyond its timeout. */
    queueWaitSeconds: number;
    pythonPath: string;
    extraAllowedModules: string[];
    /** `standard`: stdlib and bundled packages; `original`: the original project's lists. */
    policyProfile: Parsed["POLICY_PROFILE"];
    /** Modules every warm sandbox imports before its run (e.g. numpy). */
    preimport: string[];
    rateLimitPerMinute: number;
  };
  analysis: { rateLimitPerMinute: number };
  gemini: {
    apiKey: string | undefined;
    model: string;
    embeddingModel: string;
    baseUrl: string | undefined;
  };
  awsRegion: string;
  queue: {
    kind: Parsed["JOB_QUEUE"];
    sqsEndpoint: string | undefined;
    executionQueueUrl: string | undefined;
    syncQueueUrl: string | undefined;
    /** The execution-job processor runs in the API process (else `npm run worker`). */
    runJobsInProcess: boolean;
  };
  /**
   * A WebSocket may open without a token (the original client's way): it gets only `pong`
   * until an authenticated POST /execute/async or /analyze/async names it, which binds it to
   * that user for good. Default on outside production.
   */
  wsAllowAnonymous: boolean;
  notifier: {
    kind: Parsed["NOTIFIER"];
    apiGatewayEndpoint: string | undefined;
    /** Post through this Lambda function (the relay) instead of the Management API. */
    relayFunction: string | undefined;
    lambdaEndpoint: string | undefined;
  };
  search: {
    index: Parsed["SEARCH_INDEX"];
    embedder: Parsed["EMBEDDER"];
    model: { name: string | undefined; dir: string | undefined };
    neo4j: { uri: string | undefined; user: string; password: string | undefined };
    /** The search-sync processor runs in the API process (else `npm run sync-worker`). */
    syncInProcess: boolean;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

function toSettings(e: Parsed): Settings {
  return {
    environment: e.ENVIRONMENT,
    debug: e.DEBUG,
    logLevel: e.LOG_LEVEL,
    host: e.HOST,
    port: e.PORT,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    autoMigrate: e.AUTO_MIGRATE ?? e.DATABASE_URL === undefined,
    serveWeb: e.SERVE_WEB,
    webDistDir: e.WEB_DIST_DIR,
    corsOrigins: e.CORS_ORIGINS,
    auth: {
      mode: e.AUTH_MODE,
      jwtSecret: e.JWT_SECRET,
      accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      throttle: {
        loginPerAccount: e.LOGIN_RATE_LIMIT_PER_ACCOUNT,
        loginPerClient: e.LOGIN_RATE_LIMIT_PER_CLIENT,
        signupPerClient: e.SIGNUP_RATE_LIMIT_PER_CLIENT,
      },
      cognito: {
        region: e.AWS_REGION,
        userPoolId: e.COGNITO_USER_POOL_ID,
        clientId: e.COGNITO_CLIENT_ID,
        domain: e.COGNITO_DOMAIN,
        jwksUrl: e.COGNITO_JWKS_URL,
        issuer: e.COGNITO_ISSUER,
      },
    },
    execution: {
      timeoutSeconds: e.EXECUTION_TIMEOUT_SECONDS,
      maxCodeBytes: e.MAX_CODE_BYTES,
      maxOutputBytes: e.MAX_OUTPUT_BYTES,
      sandbox: e.SANDBOX,
      allowProcessSandbox: e.ALLOW_PROCESS_SANDBOX,
      mode: e.SANDBOX_MODE,
      memoryMechanism: e.SANDBOX_MEMORY_MECHANISM,
      poolSize: e.SANDBOX_POOL_SIZE,
      maxConcurrent: e.SANDBOX_MAX_CONCURRENT,
      memoryLimitMb: e.SANDBOX_MEMORY_MB,
      uidBase: e.SANDBOX_UID_BASE,
      uidCount: e.SANDBOX_UID_COUNT,
      queueWaitSeconds: e.EXECUTION_QUEUE_WAIT_SECONDS,
      pythonPath: e.PYTHON_PATH,
      extraAllowedModules: e.EXTRA_ALLOWED_MODULES,
      policyProfile: e.POLICY_PROFILE,
      preimport: e.SANDBOX_PREIMPORT,
      rateLimitPerMinute: e.EXECUTION_RATE_LIMIT_PER_MINUTE,
    },
    analysis: { rateLimitPerMinute: e.ANALYSIS_RATE_LIMIT_PER_MINUTE },
    gemini: {
      apiKey: e.GEMINI_API_KEY,
      model: e.GEMINI_MODEL,
      embeddingModel: e.GEMINI_EMBEDDING_MODEL,
      baseUrl: e.GEMINI_BASE_URL,
    },
    awsRegion: e.AWS_REGION,
    queue: {
      kind: e.JOB_QUEUE,
      sqsEndpoint: e.SQS_ENDPOINT,
      executionQueueUrl: e.EXECUTION_QUEUE_URL,
      syncQueueUrl: e.SYNC_QUEUE_URL,
      // Embedded mode runs jobs in the API process; with SQS, `npm run worker` does.
      // A process without a sandbox (SANDBOX=none) never runs jobs.
      runJobsInProcess:
        e.RUN_JOBS_IN_PROCESS ??
        e.RUN_WORKERS_IN_PROCESS ??
        (e.JOB_QUEUE === "memory" && e.SANDBOX !== "none"),
    },
    wsAllowAnonymous: e.WS_ALLOW_ANONYMOUS ?? e.ENVIRONMENT !== "production",
    notifier: {
      kind: e.NOTIFIER,
      apiGatewayEndpoint: e.APIGATEWAY_ENDPOINT,
      relayFunction: e.APIGATEWAY_RELAY_FUNCTION,
      lambdaEndpoint: e.LAMBDA_ENDPOINT,
    },
    search: {
      index: e.SEARCH_INDEX,
      embedder: e.EMBEDDER,
      model: { name: e.EMBEDDING_MODEL, dir: e.EMBEDDING_MODEL_DIR },
      neo4j: { uri: e.NEO4J_URI, user: e.NEO4J_USER, password: e.NEO4J_PASSWORD },
      // Embedded mode drains the outbox in the API process; otherwise `npm run sync-worker`.
      syncInProcess:
        e.RUN_SYNC_IN_PROCESS ??
        e.RUN_WORKERS_IN_PROCESS ??
        (e.JOB_QUEUE === "memory" && e.SANDBOX !== "none"),
    },
  };
}

/** Cross-field rules: combinations that are valid alone but wrong together. */
function checkCombinations(s: Settings): string[] {
  const problems: string[] = [];
  const { auth } = s;
  if (auth.mode === "cognito" && (!auth.cognito.userPoolId || !auth.cognito.clientId)) {
    problems.push("COGNITO_USER_POOL_ID and COGNITO_CLIENT_ID: required when AUTH_MODE=cognito");
  }
  if (s.queue.kind === "sqs" && !s.queue.executionQueueUrl) {
    problems.push("EXECUTION_QUEUE_URL: required when JOB_QUEUE=sqs");
  }
  if (s.notifier.kind === "postgres" && !s.databaseUrl) {
    problems.push("NOTIFIER=postgres: needs DATABASE_URL (PGlite cannot fan out across processes)");
  }
  if (s.notifier.kind === "apigateway" && !s.notifier.apiGatewayEndpoint) {
    problems.push("APIGATEWAY_ENDPOINT: required when NOTIFIER=apigateway");
  }
  if (s.search.index === "neo4j" && !s.search.neo4j.uri) {
    problems.push("NEO4J_URI: required when SEARCH_INDEX=neo4j");
  }
  if (s.execution.sandbox === "process" && !s.execution.allowProcessSandbox) {
    problems.push(
      "SANDBOX=process: refused without ALLOW_PROCESS_SANDBOX=true (it relies on the host, e.g. a Lambda microVM, for isolation)",
    );
  }
  if (s.execution.sandbox === "none") {
    if (s.queue.kind === "memory") {
      problems.push(
        "SANDBOX=none: needs JOB_QUEUE=sqs (runs go to workers elsewhere; a memory queue has none)",
      );
    }
    if (s.queue.runJobsInProcess) {
      problems.push(
        "RUN_JOBS_IN_PROCESS=true (or RUN_WORKERS_IN_PROCESS=true): a process with SANDBOX=none cannot run jobs",
      );
    }
  }
  if (s.corsOrigins.includes("*") && s.corsOrigins.length > 1) {
    problems.push("CORS_ORIGINS: * stands alone; list origins or use *, not both");
  }
  if (s.environment === "production") {
    if (s.corsOrigins.includes("*")) {
      problems.push("CORS_ORIGINS=*: not allowed in production; list the client's origins");
    }
    if (auth.mode === "disabled") problems.push("AUTH_MODE=disabled: not allowed in production");
    if (auth.mode === "local" && (!auth.jwtSecret || auth.jwtSecret.length < 32)) {
      problems.push(
        "JWT_SECRET: production with AUTH_MODE=local needs a configured secret of ≥ 32 characters",
      );
    }
    if (auth.jwtSecret !== undefined && KNOWN_DEFAULT_SECRETS.has(auth.jwtSecret.toLowerCase())) {
      problems.push("JWT_SECRET: a well-known default secret is not allowed in production");
    }
    const neo4jPassword = s.search.neo4j.password;
    if (
      s.search.index === "neo4j" &&
      (!neo4jPassword || KNOWN_DEFAULT_SECRETS.has(neo4jPassword))
    ) {
      problems.push("NEO4J_PASSWORD: a real password is required in production");
    }
    if (s.debug) problems.push("DEBUG=true: not allowed in production");
  }
  return problems;
}

/** Parse and validate settings from an environment map (process.env by default). */
export function loadSettings(env: Record<string, string | undefined> = process.env): Settings {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join(".") || "(environment)"}: ${i.message}`),
    );
  }
  const settings = toSettings(parsed.data);
  const problems = checkCombinations(settings);
  if (problems.length > 0) throw new ConfigError(problems);
  return settings;
}

/**
 * loadSettings after replacing each `*_SECRET_ARN` with its value from AWS Secrets Manager
 * (secrets.ts). Without such a variable it reads nothing and loads no AWS client.
 */
export async function loadSettingsWithSecrets(
  env: Record<string, string | undefined> = process.env,
  source?: SecretSource,
): Promise<Settings> {
  if (!needsSecrets(env)) return loadSettings(env);
  const resolved = await resolveSecrets(env, source ?? (await defaultSecretSource(env)));
  if (resolved.problems.length > 0) throw new ConfigError(resolved.problems);
  return loadSettings(resolved.env);
}
