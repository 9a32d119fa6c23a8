import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";

export type DependencyState = { status: "ok" | "down" | "degraded"; detail?: string } & Record<
  string,
  unknown
>;
/** Each dependency reports its own state; the database one decides readiness. */
export type HealthChecks = Record<string, () => Promise<DependencyState>>;

const healthSchema = z.object({ status: z.literal("healthy"), version: z.string() });
const readySchema = z.object({
  status: z.enum(["ready", "degraded", "not_ready"]),
  version: z.string(),
  dependencies: z.record(
    z.string(),
    z.looseObject({ status: z.enum(["ok", "down", "degraded"]), detail: z.string().optional() }),
  ),
});

const CHECK_TIMEOUT_MS = 2_000;

async function runCheck(check: () => Promise<DependencyState>): Promise<DependencyState> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      check(),
      new Promise<DependencyState>((resolve) => {
        timer = setTimeout(
          () => resolve({ status: "down", detail: "timed out" }),
          CHECK_TIMEOUT_MS,
        );
      }),
    ]);
  } catch (err) {
    return { status: "down", detail: err instanceof Error ? err.message.slice(0, 200) : "failed" };
  } finally {
    clearTimeout(timer);
  }
}

export async function registerHealthRoutes(
  app: FastifyInstance,
  deps: { version: string; checks: HealthChecks; critical: string[] },
): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    "/health",
    { schema: { tags: ["health"], summary: "Liveness", response: { 200: healthSchema } } },
    async () => ({
      status: "healthy" as const,
      version: deps.version,
    }),
  );

  r.get(
    "/health/ready",
    {
      schema: {
        tags: ["health"],
        summary: "Readiness, with each dependency's state",
        response: { 200: readySchema, 503: readySchema },
      },
    },
    async (_request, reply) => {
      const names = Object.keys(deps.checks);
      const states = await Promise.all(
        names.map((n) => runCheck(deps.checks[n] as () => Promise<DependencyState>)),
      );
      const dependencies = Object.fromEntries(
        names.map((n, i) => [n, states[i] as DependencyState]),
      );
      const criticalDown = deps.critical.some((n) => dependencies[n]?.status === "down");
      const anyDown = states.some((s) => s.status !== "ok");
      const status = criticalDown ? "not_ready" : anyDown ? "degraded" : "ready";
      return reply
        .code(criticalDown ? 503 : 200)
        .send({ status, version: deps.version, dependencies });
    },
  );
}
