// The client's API types are generated from the server's OpenAPI document (src/api/types.ts).
// A path or status that stops matching would make a type `never` and let any use of it
// compile; these checks (enforced by `npm run typecheck`) fail instead.
import { expectTypeOf } from "vitest";
import type { RunRequest, SnippetPatch } from "../src/api/http";
import type {
  AnalysisStatus,
  AuthConfig,
  CognitoConfig,
  ComplexitySearchResponse,
  ExecutionJob,
  ExecutionResponse,
  LoginResponse,
  SearchResponse,
  SimilarResponse,
  SnippetList,
} from "../src/api/types";

it("derives every reply and request shape from the document", () => {
  expectTypeOf<AuthConfig["mode"]>().toEqualTypeOf<"local" | "cognito" | "disabled">();
  expectTypeOf<CognitoConfig["user_pool_id"]>().toEqualTypeOf<string>();
  expectTypeOf<LoginResponse["access_token"]>().toEqualTypeOf<string>();
  expectTypeOf<AnalysisStatus["available"]>().toEqualTypeOf<boolean>();
  expectTypeOf<SnippetList["items"][number]["is_starred"]>().toEqualTypeOf<boolean>();
  expectTypeOf<SearchResponse["results"][number]["snippet_id"]>().toEqualTypeOf<string>();
  expectTypeOf<ComplexitySearchResponse["complexity_type"]>().toEqualTypeOf<"time" | "space">();
  expectTypeOf<SimilarResponse["source_snippet_id"]>().toEqualTypeOf<string>();
  expectTypeOf<ExecutionJob["status"]>().toEqualTypeOf<
    "queued" | "running" | "completed" | "failed"
  >();
  expectTypeOf<ExecutionResponse["security_violations"][number]["line"]>().toEqualTypeOf<number>();
  expectTypeOf<RunRequest["code"]>().toEqualTypeOf<string>();
  expectTypeOf<RunRequest["interactive"]>().toEqualTypeOf<boolean | undefined>();
  expectTypeOf<SnippetPatch>().not.toBeNever();
  expectTypeOf<SnippetPatch["title"]>().toEqualTypeOf<string | null | undefined>();
});
