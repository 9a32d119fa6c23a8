// The composition root: builds the Fastify app from validated settings and adapters.
// main.ts, the Lambda handlers, the workers and the tests all call buildApp; tests pass
// `overrides` to swap an adapter (a JWKS URL, an in-memory database…), never flags in src/.
import { randomUUID } from "node:crypto";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { validatorCompiler } from "fastify-type-provider-zod";
import { type Logger, pino } from "pino";
import { registerAnalysisRoutes } from "./analysis/analysis-routes.js";
import { createAnalyzerService } from "./analysis/analyzer-service.js";
import { createLlmProvider, createOfflineEstimator } from "./analysis/create-provider.js";
import { type AuthGuard, createAuthGuard } from "./auth/auth-guard.js";
import { registerAuthRoutes } from "./auth/auth-routes.js";
import type { Authenticator } from "./auth/authenticator.js";
import { CachingAuthenticator } from "./auth/caching-authenticator.js";
import { CognitoAuthenticator } from "./auth/cognito-authenticator.js";
import { DisabledAuthenticator } from "./auth/disabled-authenticator.js";
import { LocalAuthenticator, loadOrCreateSecret } from "./auth/local-authenticator.js";
import { createUserService, type UserService } from "./auth/user-service.js";
import { registerExecutionRoutes } from "./execution/execution-routes.js";
import { createExecutorService } from "./execution/executor-service.js";
import { createRunService } from "./execution/run-service.js";
import { autoPoolSize, createSandbox } from "./execution/sandbox/create-sandbox.js";
import type { Sandbox } from "./execution/sandbox/sandbox.js";
import { type AsyncExecution, buildAsyncExecution } from "./jobs/async-execution.js";
import type { Settings } from "./platform/config.js";
import { type Database, openDatabase } from "./platform/db/database.js";
import { StartupError } from "./platform/errors.js";
import { registerCors } from "./platform/http/cors.js";
import { registerErrorHandler } from "./platform/http/error-handler.js";
import { type HealthChecks, registerHealthRoutes } from "./platform/http/health-routes.js";
import { registerOpenApi } from "./platform/http/openapi.js";
import { zodFastSerializerCompiler } from "./platform/http/serializer.js";
import { loggerOptions } from "./platform/logger.js";
import { VERSION } from "./platform/version.js";
import { registerSearchArea } from "./search/search-wiring.js"; // issue 6
import { registerSnippetRoutes } from "./snippets/snippet-routes.js";
import { createSnippetService, type SnippetService } from "./snippets/snippet-service.js";
import { registerWebRoutes, type SpaFallback } from "./web/web-routes.js";

export interface AppOverrides {
  database?: Database;
  authenticator?: Authenticator;
  /** A pino logger instance (tests pass one writing to a buffer). */
  logger?: Logger;
  /** A ready sandbox; the app then does not start (nor close) its own pool. */
  sandbox?: Sandbox;
}

/** What the app built, for entry points (workers, Lambda) that need the same services. */
export interface AppContext {
  settings: Settings;
  database: Database;
  users: UserService;
  snippets: SnippetService;
  guard: AuthGuard;
  healthChecks: HealthChecks;
  sandbox: Sandbox;
  executor: ExecutorService;
  /** Sends messages to a user's WebSocket connections, from any process (issue 4). */
  notifier: AsyncExecution["notifier"];
}

declare module "fastify" {
  interface FastifyInstance {
    ctx: AppContext;
  }
}

export type ExecutorService = ReturnType<typeof createExecutorService>;

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

function buildAuthenticator(settings: Settings): {
  authenticator: Authenticator;
  local?: LocalAuthenticator;
} {
  const { auth } = settings;
  if (auth.mode === "disabled") return { authenticator: new DisabledAuthenticator() };
  if (auth.mode === "cognito") {
    return {
      authenticator: new CognitoAuthenticator({
        region: auth.cognito.region,
        userPoolId: auth.cognito.userPoolId ?? "",
        clientId: auth.cognito.clientId ?? "",
        issuer: auth.cognito.issuer,
        jwksUrl: auth.cognito.jwksUrl,
      }),
    };
  }
  const local = new LocalAuthenticator({
    secret: loadOrCreateSecret(auth.jwtSecret, settings.dataDir),
    ttlSeconds: auth.accessTokenTtlSeconds,
  });
  return { authenticator: local, local };
}

async function startSandbox(settings: Settings, logger: Logger): Promise<Sandbox> {
  const e = settings.execution;
  return createSandbox({
    kind: e.sandbox,
    allowProcess: e.allowProcessSandbox,
    pythonPath: e.pythonPath,
    poolSize: e.poolSize,
    maxConcurrent: e.maxConcurrent > 0 ? e.maxConcurrent : autoPoolSize(),
    memoryLimitMb: e.memoryLimitMb,
    maxOutputBytes: e.maxOutputBytes,
    extraAllowedModules: e.extraAllowedModules,
    uidBase: e.uidBase,
    uidCount: e.uidCount,
    logger,
  }).catch((err: unknown) => {
    throw new StartupError(
      `The sandbox could not start: ${err instanceof Error ? err.message : String(err)}\n` +
        "`node scripts/setup.mjs` checks the system packages it needs (and installs them as root).",
    );
  });
}

export async function buildApp(
  settings: Settings,
  overrides: AppOverrides = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: (overrides.logger ??
      pino(loggerOptions(settings.logLevel))) as FastifyBaseLogger,
    // Honour a caller's request id when it is well-formed, so traces join up across hops.
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && REQUEST_ID_RE.test(given) ? given : randomUUID();
    },
    // The largest body is a snippet (100k chars) plus JSON escaping; anything bigger is abuse.
    bodyLimit: 1_048_576,
    trustProxy: false,
  });
  // The API speaks JSON only; a text/plain body is a client mistake (400), not a 422.
  app.removeContentTypeParser("text/plain");
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(zodFastSerializerCompiler);
  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });
  let spaFallback: SpaFallback | undefined;
  registerErrorHandler(app, () => spaFallback);
  await registerCors(app, settings.corsOrigins);

  const database =
    overrides.database ??
    (await openDatabase({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir }));
  if (!overrides.database) app.addHook("onClose", () => database.close());
  if (settings.autoMigrate) await database.migrate();

  const { authenticator, local } = overrides.authenticator
    ? {
        authenticator: overrides.authenticator,
        local:
          overrides.authenticator instanceof LocalAuthenticator
            ? overrides.authenticator
            : undefined,
      }
    : buildAuthenticator(settings);
  const users = createUserService({ db: database.db });
  const snippets = createSnippetService({ db: database.db });
  const guard = createAuthGuard(new CachingAuthenticator(authenticator), users);
  const healthChecks: HealthChecks = {
    database: async () => {
      await database.ping();
      return { status: "ok", driver: database.driver };
    },
  };

  // --- execution (issue 3) ---
  const sandbox = overrides.sandbox ?? (await startSandbox(settings, app.log as unknown as Logger));
  if (!overrides.sandbox) app.addHook("onClose", () => sandbox.close());
  const executor = createExecutorService({
    sandbox,
    logger: app.log as unknown as Logger,
    rateLimitPerMinute: settings.execution.rateLimitPerMinute,
  });
  const runs = createRunService({
    executor,
    snippets,
    maxCodeBytes: settings.execution.maxCodeBytes,
    defaultTimeoutSeconds: settings.execution.timeoutSeconds,
  });
  healthChecks.sandbox = async () => ({
    status: "ok",
    isolation: sandbox.isolation,
    ...sandbox.stats(),
  });
  // --- end execution ---

  // --- async execution + realtime (issue 4) ---
  const asyncExecution = await buildAsyncExecution(app, {
    settings,
    database,
    snippets,
    guard,
    sandbox,
  });
  // --- end async execution + realtime (issue 4) ---

  app.decorate("ctx", {
    settings,
    database,
    users,
    snippets,
    guard,
    healthChecks,
    sandbox,
    executor,
    notifier: asyncExecution.notifier, // issue 4
  });
  app.decorateRequest("user", null);

  await registerOpenApi(app, VERSION);
  await app.register(async (scope) =>
    registerHealthRoutes(scope, { version: VERSION, checks: healthChecks, critical: ["database"] }),
  );
  await app.register(async (scope) =>
    registerAuthRoutes(scope, { users, guard, localAuth: local, auth: settings.auth }),
  );
  await app.register(async (scope) => registerSnippetRoutes(scope, { snippets, guard }));
  await app.register(async (scope) => registerExecutionRoutes(scope, { runs, guard }));
  if (settings.serveWeb) spaFallback = await registerWebRoutes(app, settings.webDistDir);
  // --- async execution + realtime (issue 4) ---
  await asyncExecution.registerRoutes(app);
  // --- end async execution + realtime (issue 4) ---
  // --- analysis (issue 5) ---
  const runTool = sandbox.runTool.bind(sandbox);
  const analyzer = createAnalyzerService({
    provider: createLlmProvider(settings, runTool),
    rateLimitPerMinute: settings.analysis.rateLimitPerMinute,
    maxCodeBytes: settings.execution.maxCodeBytes,
    snippetComplexityWriter: async (userId, snippetId, time, space) => {
      await snippets.setComplexity(userId, snippetId, time, space);
    },
    onBackgroundError: (err, context) => app.log.warn({ err, ...context }, "analysis stream"),
  });
  await app.register(async (scope) =>
    registerAnalysisRoutes(scope, { analyzer, snippets, notifier: asyncExecution.notifier, guard }),
  );
  // --- end analysis (issue 5) ---
  // --- search + sync (issue 6) ---
  await registerSearchArea(app, {
    settings,
    database,
    snippets,
    guard,
    healthChecks,
    estimateComplexity: createOfflineEstimator(runTool),
  });
  // --- end search + sync (issue 6) ---
  return app;
}
