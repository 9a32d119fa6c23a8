// The route-security helper: reads the app's own /openapi.json and turns every operation
// into requests a security check can send — so a route added tomorrow is checked by the
// same test without anyone listing it (server/test/platform/route-security.test.ts).
import { randomUUID } from "node:crypto";
import type { FastifyInstance, InjectOptions } from "fastify";

type Schema = Record<string, unknown>;

export interface Operation {
  method: string;
  /** The OpenAPI path, e.g. `/snippets/{id}/star`. */
  path: string;
  secured: boolean;
  pathParams: string[];
  /** A request body built from the operation's schema (required fields only), if it has one. */
  body: unknown;
  /** Required query parameters with sample values. */
  query: Record<string, string>;
}

interface OpenApiDoc {
  paths: Record<string, Record<string, Schema>>;
  components?: { schemas?: Record<string, Schema> };
}

const METHODS = new Set(["get", "put", "post", "delete", "patch"]);

/** Every operation of the document, with what a request to it needs. */
export async function operationsOf(app: FastifyInstance): Promise<Operation[]> {
  const res = await app.inject({ method: "GET", url: "/openapi.json" });
  if (res.statusCode !== 200) throw new Error(`/openapi.json answered ${res.statusCode}`);
  const doc = res.json() as OpenApiDoc;
  const deref = (s: Schema): Schema => {
    const ref = s.$ref;
    if (typeof ref !== "string") return s;
    const name = ref.split("/").at(-1) ?? "";
    const target = doc.components?.schemas?.[name];
    if (!target) throw new Error(`unresolved $ref ${ref}`);
    return deref(target);
  };
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const params = (op.parameters ?? []) as {
        in: string;
        name: string;
        required?: boolean;
        schema?: Schema;
      }[];
      const security = op.security as unknown[] | undefined;
      const content = (
        op.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined
      )?.content?.["application/json"]?.schema;
      ops.push({
        method: method.toUpperCase(),
        path,
        secured: Array.isArray(security) && security.length > 0,
        pathParams: params.filter((p) => p.in === "path").map((p) => p.name),
        body: content ? sample(content, deref) : undefined,
        query: Object.fromEntries(
          params
            .filter((p) => p.in === "query" && p.required)
            .map((p) => [p.name, String(sample(p.schema ?? {}, deref))]),
        ),
      });
    }
  }
  return ops;
}

/**
 * The smallest value a JSON Schema accepts, for the shapes our zod schemas produce: required
 * properties only, the first enum or union member, lower bounds. Hand-written because it
 * needs to cover only our own document, and a value it gets wrong shows up at once as a 422
 * in the ownership check (which then fails, naming the operation).
 */
export function sample(schema: Schema, deref: (s: Schema) => Schema = (s) => s): unknown {
  const s = deref(schema);
  if ("const" in s) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0];
  for (const key of ["anyOf", "oneOf", "allOf"] as const) {
    const options = s[key];
    if (Array.isArray(options)) {
      const usable = options.find((o: Schema) => deref(o).type !== "null") ?? options[0];
      return sample(usable as Schema, deref);
    }
  }
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== "null") : s.type;
  switch (type) {
    case "object": {
      const props = (s.properties ?? {}) as Record<string, Schema>;
      const required = (s.required ?? []) as string[];
      return Object.fromEntries(required.map((k) => [k, sample(props[k] ?? {}, deref)]));
    }
    case "array":
      return [];
    case "string": {
      if (s.format === "uuid") return randomUUID();
      if (s.format === "email") return "someone@example.com";
      return "x".repeat(Math.max(1, Number(s.minLength ?? 1)));
    }
    case "integer":
    case "number": {
      if (typeof s.minimum === "number") return s.minimum;
      if (typeof s.exclusiveMinimum === "number") return s.exclusiveMinimum + 1;
      return 1;
    }
    case "boolean":
      return false;
    default:
      return null;
  }
}

/** The request for `op` with its path parameters filled in and the given headers. */
export function requestFor(
  op: Operation,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): InjectOptions {
  const url = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${op.method} ${op.path}: no value for {${name}}`);
    return encodeURIComponent(value);
  });
  const query = new URLSearchParams(op.query).toString();
  return {
    method: op.method as InjectOptions["method"],
    url: query ? `${url}?${query}` : url,
    headers: {
      ...headers,
      ...(op.body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(op.body !== undefined ? { payload: JSON.stringify(op.body) } : {}),
  };
}

/** The operation's path up to and including its first path parameter: the resource kind
 * (`/snippets/{id}`, `/executions/{job_id}`), for which a test supplies a factory. */
export function resourceKey(op: Operation): string | undefined {
  const at = op.path.indexOf("}");
  return at < 0 ? undefined : op.path.slice(0, at + 1);
}

/**
 * A token whose signature no longer matches its content. The first character changes: the
 * last one of a base64url signature also carries padding bits, and a change there can
 * decode to the same bytes (a valid signature, so the test would fail at random).
 */
export function withBadSignature(token: string): string {
  const [header, payload, signature = ""] = token.split(".");
  const first = signature.startsWith("A") ? "B" : "A";
  return `${header}.${payload}.${first}${signature.slice(1)}`;
}
