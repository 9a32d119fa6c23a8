// The composition root of the HTTP API: the Fastify app (request ids, JSON only, zod
// validation and serialisation, one error handler, CORS, OpenAPI) plus every area, each
// composed by its own module (`<area>/<area>-module.ts`) and registering its own routes.
// main.ts and the API Lambda call buildApp; tests call composeApp for the areas too and pass
// `overrides` to swap an adapter (a database, an authenticator, a sandbox…), never flags.
import { randomUUID } from "node:crypto";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { validatorCompiler } from "fastify-type-provider-zod";
import { type Logger, pino } from "pino";
import { type AnalysisArea, composeAnalysis } from "./analysis/analysis-module.js";
import { type AuthArea, composeAuth } from "./auth/auth-module.js";
import type { Authenticator } from "./auth/authenticator.js";
import { composeExecution, type ExecutionArea } from "./execution/execution-module.js";
import type { Sandbox } from "./execution/sandbox/sandbox.js";
import { type AsyncExecutionArea, composeAsyncExecution } from "./jobs/jobs-module.js";
import { createQueuedExecutor } from "./jobs/queued-runs.js";
import type { Platform } from "./platform/area.js";
import type { Settings } from "./platform/config.js";
import { type Database, openDatabase } from "./platform/db/database.js";
import { registerCors } from "./platform/http/cors.js";
import { frameworkErrorOptions, registerErrorHandler } from "./platform/http/error-handler.js";
import { type HealthChecks, registerHealthRoutes } from "./platform/http/health-routes.js";
import { registerJsonBody } from "./platform/http/json-body.js";
import { registerOpenApi } from "./platform/http/openapi.js";
import { registerSecurityHeaders } from "./platform/http/security-headers.js";
import { zodFastSerializerCompiler } from "./platform/http/serializer.js";
import { registerTextGuard } from "./platform/http/text-guard.js";
import { childLoggerFactory, loggerOptions, OneLinePerRequest } from "./platform/logger.js";
import { VERSION } from "./platform/version.js";
import { composeSearch, type SearchArea } from "./search/search-module.js";
import { composeSnippets, type SnippetsArea } from "./snippets/snippets-module.js";
import { registerWebRoutes, type SpaFallback } from "./web/web-routes.js";

export interface AppOverrides {
  database?: Database;
  authenticator?: Authenticator;
  /** A pino logger instance (tests pass one writing to a buffer). */
  logger?: Logger;
  /** A ready sandbox; the app then does not start (nor close) its own pool. */
  sandbox?: Sandbox;
}

/** Every area the API process composed, for tests and tools that drive one directly. */
export interface AppAreas {
  platform: Platform;
  auth: AuthArea;
  snippets: SnippetsArea;
  execution: ExecutionArea;
  asyncExecution: AsyncExecutionArea;
  analysis: AnalysisArea;
  search: SearchArea;
}

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

function createFastify(settings: Settings, logger: Logger | undefined): FastifyInstance {
  const app = Fastify({
    loggerInstance: (logger ?? pino(loggerOptions(settings.logLevel))) as FastifyBaseLogger,
    logController: new OneLinePerRequest(),
    childLoggerFactory,
    // Honour a caller's request id when it is well-formed, so traces join up across hops.
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && REQUEST_ID_RE.test(given) ? given : randomUUID();
    },
    // The largest body is a snippet (100k chars) plus JSON escaping; anything bigger is abuse.
    bodyLimit: 1_048_576,
    trustProxy: false,
    ...frameworkErrorOptions,
  });
  // The API speaks JSON only; a text/plain body is a client mistake (400), not a 422.
  app.removeContentTypeParser("text/plain");
  registerJsonBody(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(zodFastSerializerCompiler);
  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });
  app.decorateRequest("user", null);
  return app;
}

/** Builds the app and returns it with the areas it composed. */
export async function composeApp(
  settings: Settings,
  overrides: AppOverrides = {},
): Promise<{ app: FastifyInstance; areas: AppAreas }> {
  const app = createFastify(settings, overrides.logger);
  let spaFallback: SpaFallback | undefined;
  registerErrorHandler(app, () => spaFallback);
  registerTextGuard(app);
  await registerCors(app, settings.corsOrigins);
  await registerSecurityHeaders(app, settings);

  const database =
    overrides.database ??
    (await openDatabase({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir }));
  if (!overrides.database) app.addHook("onClose", () => database.close());
  if (settings.autoMigrate) await database.migrate();
  const platform: Platform = { settings, database, logger: app.log as unknown as Logger };

  const auth = composeAuth(platform, { authenticator: overrides.authenticator });
  const snippets = composeSnippets(platform);
  // SANDBOX=none: synchronous runs become jobs for the workers; the job service they wait
  // on is composed just below, with the async execution area.
  let jobs: AsyncExecutionArea["jobs"] | undefined;
  const jobService = () => {
    if (!jobs) throw new Error("the job service is not composed yet");
    return jobs;
  };
  const execution = await composeExecution(platform, {
    snippets: snippets.snippets,
    sandbox: overrides.sandbox,
    queuedRuns:
      settings.execution.sandbox === "none"
        ? createQueuedExecutor({
            jobs: jobService,
            waitBeyondTimeoutMs: settings.execution.queueWaitSeconds * 1000,
          })
        : undefined,
  });
  app.addHook("onClose", () => execution.close());
  const asyncExecution = await composeAsyncExecution(platform, {
    snippets: snippets.snippets,
    policy: execution.policy,
    sandbox: execution.sandbox,
    scheduler: execution.scheduler,
    runJobs: settings.queue.runJobsInProcess,
  });
  jobs = asyncExecution.jobs;
  // preClose: stop taking jobs and let running ones finish while the database is still open.
  app.addHook("preClose", () => asyncExecution.close());
  const analysis = composeAnalysis(platform, {
    snippets: snippets.snippets,
    notifier: asyncExecution.notifier,
    connections: asyncExecution.connections,
    runTool: execution.sandbox.runTool.bind(execution.sandbox),
  });
  const search = await composeSearch(platform, {
    snippets: snippets.snippets,
    estimateComplexity: analysis.estimateComplexity,
  });
  app.addHook("onClose", () => search.close());

  // Each declared processor runs here only when its own setting says so; otherwise
  // `npm run worker` (execution jobs) or `npm run sync-worker` (search sync) runs it.
  if (settings.queue.runJobsInProcess) asyncExecution.processor?.start();
  if (settings.search.syncInProcess) search.processor.start();

  const health: HealthChecks = {
    database: async () => {
      await database.ping();
      return { status: "ok", driver: database.driver };
    },
    ...execution.health,
    ...search.health,
  };
  const { guard } = auth;
  await registerOpenApi(app, VERSION);
  await app.register(async (scope) =>
    registerHealthRoutes(scope, { version: VERSION, checks: health, critical: ["database"] }),
  );
  await auth.routes(app, {
    onAccountDeleted: (userId, connections) =>
      asyncExecution.notifier.disconnect(userId, "Account deleted", connections),
  });
  await snippets.routes(app, guard);
  await execution.routes(app, guard);
  if (settings.serveWeb) spaFallback = await registerWebRoutes(app, settings.webDistDir);
  await asyncExecution.routes(app, guard);
  await analysis.routes(app, guard);
  await search.routes(app, guard);
  return {
    app,
    areas: { platform, auth, snippets, execution, asyncExecution, analysis, search },
  };
}

export async function buildApp(
  settings: Settings,
  overrides: AppOverrides = {},
): Promise<FastifyInstance> {
  return (await composeApp(settings, overrides)).app;
}
