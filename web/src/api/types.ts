// Shapes of the server's HTTP + WebSocket contract (shared/API.md), as the UI reads them.
// The HTTP shapes come from the server's own OpenAPI document: schema.gen.ts is generated
// at build time by scripts/api-types.ts (web's prebuild, pretypecheck and pretest), so a
// change to a server schema reaches the client's types, never a hand-kept copy. Only the
// WebSocket messages (not in OpenAPI) are written here, from those shapes.
import type { components, paths } from "./schema.gen";

type Schemas = components["schemas"];
type Method = "get" | "post" | "put" | "delete";

/** The JSON body a path answers with for a method and status. */
type Reply<P extends keyof paths, M extends Method, S extends number = 200> =
  NonNullable<paths[P][M]> extends {
    responses: { [K in S]: { content: { "application/json": infer B } } };
  }
    ? B
    : never;

/** The JSON body a path takes for a method. */
export type RequestBody<P extends keyof paths, M extends Method> =
  NonNullable<paths[P][M]> extends { requestBody?: { content: { "application/json": infer B } } }
    ? B
    : never;

export type AuthConfig = Reply<"/auth/config", "get">;
export type AuthMode = AuthConfig["mode"];
export type CognitoConfig = NonNullable<AuthConfig["cognito"]> & {
  /** Not in the contract: an IdP endpoint override (e.g. a local emulator). */
  endpoint?: string | null;
};
export type User = Schemas["User"];
export type LoginResponse = Reply<"/auth/login", "post">;

export type SecurityViolation = Schemas["SecurityViolation"];
export type Figure = Schemas["Figure"];
export type ExecutionResponse = Schemas["ExecutionResponse"];
export type JobAccepted = Schemas["ExecutionJobAccepted"];
export type ExecutionJob = Schemas["ExecutionJob"];

export type MeasuredComplexity = Schemas["MeasuredComplexity"];
export type AnalysisResult = Schemas["AnalysisResult"];
export type AnalysisStatus = Reply<"/analyze/status", "get">;

export type SnippetSummary = Schemas["SnippetSummary"];
export type Snippet = Schemas["Snippet"];
export type SnippetList = Reply<"/snippets", "get">;

export type SearchHit = Schemas["SearchHit"];
export type SearchResponse = Reply<"/search", "get">;
export type ComplexitySearchResponse = Reply<"/search/complexity", "get">;
export type SimilarResponse = Reply<"/search/similar/{snippet_id}", "get">;

/** Messages the server pushes over /ws. */
export type ServerMessage =
  | { type: "pong"; connection_id: string }
  | { type: "execution_output"; job_id: string; stream: "stdout" | "stderr"; data: string }
  | ({ type: "execution_result"; job_id: string } & ExecutionResponse)
  | ({ type: "execution_figure"; job_id: string } & Figure)
  | { type: "execution_input_request"; job_id: string; prompt: string }
  | { type: "analysis_stream_start"; job_id: string }
  | { type: "analysis_stream_chunk"; job_id: string; chunk: string }
  | { type: "analysis_stream_complete"; job_id: string; result: AnalysisResult }
  | { type: "analysis_stream_error"; job_id: string; error?: string; message?: string }
  | { type: "error"; message: string };
